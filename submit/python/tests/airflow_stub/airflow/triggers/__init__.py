"""TEST STAND-IN of ``airflow.triggers`` (see ``airflow/__init__.py``)."""
