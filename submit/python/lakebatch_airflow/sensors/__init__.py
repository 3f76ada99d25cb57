"""LakeBatch sensors for Airflow."""
