"""TEST STAND-IN of ``airflow.sensors`` (see ``airflow/__init__.py``)."""
