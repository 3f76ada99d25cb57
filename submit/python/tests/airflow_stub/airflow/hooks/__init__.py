"""TEST STAND-IN of ``airflow.hooks`` (see ``airflow/__init__.py``)."""
