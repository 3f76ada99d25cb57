"""``LakeBatchJobTrigger``: waits for a LakeBatch job in Airflow's triggerer."""

from __future__ import annotations

import asyncio
import time
from typing import Any, AsyncIterator, Optional

from lakebatch_client import LakeBatchError, states
from lakebatch_client.errors import is_transient

from .._airflow import BaseTrigger, TriggerEvent
from ..hooks.lakebatch import LakeBatchHook


class LakeBatchJobTrigger(BaseTrigger):
    """Polls a LakeBatch job until it ends, then fires one event.

    The event's payload: ``status`` (``success`` when the job SUCCEEDED, ``failed`` when it ended
    otherwise, ``error`` when the server could not tell, ``timeout`` past ``end_time``),
    ``job_id``, ``state``, ``message`` and the final ``job`` document. Only the connection's id
    crosses the serialization boundary, never its token. The blocking client runs in a worker
    thread (:func:`asyncio.to_thread`), so the triggerer's event loop is never blocked.

    :param job_id: the job to watch
    :param lakebatch_conn_id: the Airflow connection of the server
    :param poll_interval: seconds between polls
    :param end_time: a UNIX time after which the trigger gives up (``None``: never)
    :param transient_grace: seconds to keep polling through answers that may pass (429, 502-504,
        no answer), e.g. while a standby server takes over
    """

    def __init__(
        self,
        job_id: str,
        lakebatch_conn_id: str = LakeBatchHook.default_conn_name,
        poll_interval: float = 10.0,
        end_time: Optional[float] = None,
        transient_grace: float = 120.0,
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.lakebatch_conn_id = lakebatch_conn_id
        self.poll_interval = poll_interval
        self.end_time = end_time
        self.transient_grace = transient_grace

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The classpath and keyword arguments the triggerer rebuilds this trigger from."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "job_id": self.job_id,
                "lakebatch_conn_id": self.lakebatch_conn_id,
                "poll_interval": self.poll_interval,
                "end_time": self.end_time,
                "transient_grace": self.transient_grace,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Polls until the job ends (or ``end_time`` passes) and yields one event."""
        hook = LakeBatchHook(self.lakebatch_conn_id)
        troubled_since: Optional[float] = None
        while True:
            try:
                job = await asyncio.to_thread(hook.get_job, self.job_id)
                troubled_since = None
            except LakeBatchError as e:
                now = time.monotonic()
                troubled_since = troubled_since or now
                if not is_transient(e) or now - troubled_since > self.transient_grace:
                    yield TriggerEvent(self._event("error", None, str(e), {}))
                    return
                self.log.warning("polling LakeBatch job %s: %s; trying again", self.job_id, e)
            else:
                state = str(job.get("state"))
                if states.ended(state):
                    status = "success" if state == states.SUCCEEDED else "failed"
                    yield TriggerEvent(self._event(status, state, job.get("message"), job))
                    return
                self.log.info("%s", states.describe(job))
            if self.end_time is not None and time.time() >= self.end_time:
                yield TriggerEvent(
                    self._event(
                        "timeout",
                        None,
                        f"job {self.job_id} had not ended by the trigger's end time",
                        {},
                    )
                )
                return
            await asyncio.sleep(self.poll_interval)

    def _event(
        self, status: str, state: Optional[str], message: Optional[str], job: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "status": status,
            "job_id": self.job_id,
            "state": state,
            "message": message,
            "job": job,
        }
