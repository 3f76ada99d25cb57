"""TEST STAND-IN of ``airflow.exceptions`` (see ``airflow/__init__.py``)."""

from __future__ import annotations

from typing import Any, Optional


class AirflowException(Exception):
    """Fails the task."""


class AirflowSensorTimeout(AirflowException):
    """A sensor ran out of time."""


class TaskDeferred(BaseException):
    """Raised by ``BaseOperator.defer``: the task hands its wait to a trigger."""

    def __init__(
        self,
        *,
        trigger: Any,
        method_name: str,
        kwargs: Optional[dict[str, Any]] = None,
        timeout: Any = None,
    ) -> None:
        super().__init__()
        self.trigger = trigger
        self.method_name = method_name
        self.kwargs = kwargs
        self.timeout = timeout
