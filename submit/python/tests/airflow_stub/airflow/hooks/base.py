"""TEST STAND-IN of ``airflow.hooks.base`` (see ``airflow/__init__.py``)."""

from __future__ import annotations

import json
import logging
import os

from airflow.exceptions import AirflowException
from airflow.models.connection import Connection


class BaseHook:
    """What the provider uses of Airflow's ``BaseHook``."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.log = logging.getLogger(f"airflow.task.hooks.{type(self).__name__}")

    @classmethod
    def get_connection(cls, conn_id: str) -> Connection:
        """The connection from ``AIRFLOW_CONN_<CONN_ID>`` (JSON), where Airflow also looks."""
        value = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
        if value is None:
            raise AirflowException(f"The conn_id `{conn_id}` isn't defined")
        return Connection(conn_id=conn_id, **json.loads(value))
