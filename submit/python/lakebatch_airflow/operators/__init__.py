"""LakeBatch operators for Airflow."""
