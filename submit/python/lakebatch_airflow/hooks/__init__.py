"""LakeBatch hooks for Airflow."""
