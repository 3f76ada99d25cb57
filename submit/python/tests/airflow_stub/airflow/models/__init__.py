"""TEST STAND-IN of ``airflow.models`` (see ``airflow/__init__.py``)."""

from airflow.models.baseoperator import BaseOperator
from airflow.models.connection import Connection
from airflow.models.dag import DAG

__all__ = ["DAG", "BaseOperator", "Connection"]
