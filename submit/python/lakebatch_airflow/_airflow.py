"""The Airflow classes the provider builds on, from whichever Airflow is installed.

Airflow 3 has them in the Task SDK (``airflow.sdk``); Airflow 2.7+ in ``airflow.models``,
``airflow.hooks.base`` and ``airflow.sensors.base``. Without Airflow this module raises an
:class:`ImportError` saying so.
"""

from __future__ import annotations

try:
    from airflow.exceptions import AirflowException, TaskDeferred
    from airflow.triggers.base import BaseTrigger, TriggerEvent

    try:  # Airflow 3
        from airflow.sdk import BaseHook, BaseOperator, BaseSensorOperator
    except ImportError:  # Airflow 2
        from airflow.hooks.base import BaseHook  # type: ignore[no-redef]
        from airflow.models import BaseOperator  # type: ignore[no-redef]
        from airflow.sensors.base import BaseSensorOperator  # type: ignore[no-redef]
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "lakebatch_airflow needs Apache Airflow (2.7 or later): pip install 'apache-airflow>=2.7'"
        f" (importing it failed: {e}); the client alone is lakebatch_client"
    ) from e

__all__ = [
    "AirflowException",
    "BaseHook",
    "BaseOperator",
    "BaseSensorOperator",
    "BaseTrigger",
    "TaskDeferred",
    "TriggerEvent",
]
