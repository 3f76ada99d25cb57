"""LakeBatch triggers for Airflow."""
