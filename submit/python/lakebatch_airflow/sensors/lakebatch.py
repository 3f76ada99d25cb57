"""``LakeBatchJobSensor``: waits until a LakeBatch job has SUCCEEDED."""

from __future__ import annotations

import time
from functools import cached_property
from typing import Any, Mapping, Optional, Sequence

from lakebatch_client import states

from .._airflow import AirflowException, BaseSensorOperator
from ..hooks.lakebatch import LakeBatchHook
from ..operators.lakebatch import failure_message
from ..triggers.lakebatch import LakeBatchJobTrigger


class LakeBatchJobSensor(BaseSensorOperator):
    """Succeeds when the job has SUCCEEDED; fails the task when it ended any other way.

    :param job_id: the job (templated, e.g. ``{{ ti.xcom_pull(task_ids='score', key='job_id') }}``)
    :param lakebatch_conn_id: the Airflow connection of the server
    :param deferrable: wait in the triggerer instead of poking from a worker
    """

    template_fields: Sequence[str] = ("job_id",)

    def __init__(
        self,
        *,
        job_id: str,
        lakebatch_conn_id: str = LakeBatchHook.default_conn_name,
        deferrable: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.lakebatch_conn_id = lakebatch_conn_id
        self.deferrable = deferrable

    @cached_property
    def hook(self) -> LakeBatchHook:
        """The hook of ``lakebatch_conn_id``."""
        return LakeBatchHook(self.lakebatch_conn_id)

    def poke(self, context: Any) -> bool:
        """True once the job SUCCEEDED; raises :class:`AirflowException` when it ended otherwise."""
        job = self.hook.get_job(self.job_id)
        self.log.info("%s", states.describe(job))
        state = job.get("state")
        if state in states.FAILURES:
            raise AirflowException(failure_message(job))
        return state == states.SUCCEEDED

    def execute(self, context: Any) -> Any:
        """Pokes as any sensor does, or with ``deferrable`` defers to :class:`LakeBatchJobTrigger`."""
        if not self.deferrable:
            return super().execute(context)
        if self.poke(context):
            return None
        timeout: Optional[float] = getattr(self, "timeout", None)
        self.defer(
            trigger=LakeBatchJobTrigger(
                job_id=self.job_id,
                lakebatch_conn_id=self.lakebatch_conn_id,
                poll_interval=float(getattr(self, "poke_interval", 60)),
                end_time=None if timeout is None else time.time() + float(timeout),
            ),
            method_name="execute_complete",
        )
        return None

    def execute_complete(self, context: Any, event: Mapping[str, Any]) -> None:
        """Resumes after the trigger fired: returns when the job SUCCEEDED, else fails the task."""
        if event.get("status") != "success":
            job = dict(event.get("job") or {})
            job.setdefault("id", event.get("job_id"))
            job.setdefault("state", event.get("state") or event.get("status"))
            job.setdefault("message", event.get("message"))
            raise AirflowException(failure_message(job))
