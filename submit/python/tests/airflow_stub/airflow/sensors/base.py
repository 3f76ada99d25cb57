"""TEST STAND-IN of ``airflow.sensors.base`` (see ``airflow/__init__.py``)."""

from __future__ import annotations

import time
from typing import Any

from airflow.exceptions import AirflowSensorTimeout
from airflow.models.baseoperator import BaseOperator


class BaseSensorOperator(BaseOperator):
    """Pokes every ``poke_interval`` seconds until ``poke`` is true or ``timeout`` passes."""

    def __init__(
        self, *, poke_interval: float = 60, timeout: float = 7 * 24 * 3600, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.poke_interval = poke_interval
        self.timeout = timeout

    def poke(self, context: Any) -> bool:
        raise NotImplementedError

    def execute(self, context: Any) -> Any:
        deadline = time.monotonic() + self.timeout
        while not self.poke(context):
            if time.monotonic() >= deadline:
                raise AirflowSensorTimeout(f"{self.task_id} timed out after {self.timeout} s")
            time.sleep(self.poke_interval)
        return None
