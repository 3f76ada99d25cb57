"""``LakeBatchSubmitJobOperator``: submits a LakeBatch job and (optionally) waits for its end."""

from __future__ import annotations

import hashlib
import time
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

from lakebatch_client import Job, LakeBatchError, NotFound, states

from .._airflow import AirflowException, BaseOperator
from ..hooks.lakebatch import LakeBatchHook
from ..triggers.lakebatch import LakeBatchJobTrigger

MAX_KEY = 200  # the server's limit on Idempotency-Key


def default_idempotency_key(context: Mapping[str, Any]) -> str:
    """``airflow:<dag_id>:<task_id>:<logical date>[:<map_index>]`` for a task instance.

    The same for every try of one task instance, so an Airflow retry (a worker that died, a task
    cleared) submits with the same key and gets the job of the first try back instead of a second
    job. A run without a logical date (Airflow 3's manual runs) uses its run id. Keys longer than
    the server's 200 characters are shortened with a SHA-256 of the whole.
    """
    ti = context["ti"]
    logical = context.get("logical_date") or context.get("execution_date")
    when = logical.isoformat() if logical is not None else context.get("ts")
    if not when:
        when = f"run={context.get('run_id') or getattr(ti, 'run_id', '')}"
    key = f"airflow:{ti.dag_id}:{ti.task_id}:{when}"
    map_index = getattr(ti, "map_index", -1)
    if map_index is not None and map_index >= 0:
        key += f":{map_index}"
    if len(key) > MAX_KEY:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        key = key[: MAX_KEY - len(digest) - 1] + ":" + digest
    return key


def failure_message(job: Mapping[str, Any]) -> str:
    """``LakeBatch job <id> ended FAILED: <the server's message>``."""
    text = f"LakeBatch job {job.get('id')} ended {job.get('state')}"
    if job.get("message"):
        text += f": {job['message']}"
    return text


class LakeBatchSubmitJobOperator(BaseOperator):
    """Submits a job to a LakeBatch server; by default waits until it ends.

    The job's id is pushed to XCom (key ``job_id``) as soon as it is known, and returned. The
    submission carries an ``Idempotency-Key`` — by default :func:`default_idempotency_key` — so a
    retried task instance reattaches to its job rather than scoring the data twice; a reattached
    job that had ended FAILED, PARTIAL, CANCELLED or UPSTREAM_FAILED is retried on the server
    (it resumes from its committed chunks) when ``retry_failed_job`` is set.

    :param spec: the spec as YAML/JSON text or a dict (templated, dict values included)
    :param spec_file: a spec file read when the task runs (its path is templated, and so is its
        text when ``render_spec_file``)
    :param idempotency_key: overrides the default key (templated)
    :param wait_for_completion: wait until the job ends and fail the task unless it SUCCEEDED
    :param deferrable: wait in the triggerer (:class:`LakeBatchJobTrigger`), freeing the worker
    :param poll_interval: seconds between status polls
    :param wait_timeout: give up waiting after this many seconds (``None``: never)
    :param retry_failed_job: retry a reattached job that ended unsuccessfully
    :param render_spec_file: render the spec file's text with Jinja like a templated field
    :param lakebatch_conn_id: the Airflow connection of the server
    """

    template_fields: Sequence[str] = ("spec", "spec_file", "idempotency_key")
    template_fields_renderers = {"spec": "yaml"}
    ui_color = "#cde8f4"

    def __init__(
        self,
        *,
        spec: Optional[Union[str, Mapping[str, Any]]] = None,
        spec_file: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        wait_for_completion: bool = True,
        deferrable: bool = False,
        poll_interval: float = 10.0,
        wait_timeout: Optional[float] = None,
        retry_failed_job: bool = True,
        render_spec_file: bool = True,
        lakebatch_conn_id: str = LakeBatchHook.default_conn_name,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if (spec is None) == (spec_file is None):
            raise ValueError("give exactly one of spec and spec_file")
        self.spec = spec
        self.spec_file = spec_file
        self.idempotency_key = idempotency_key
        self.wait_for_completion = wait_for_completion
        self.deferrable = deferrable
        self.poll_interval = poll_interval
        self.wait_timeout = wait_timeout
        self.retry_failed_job = retry_failed_job
        self.render_spec_file = render_spec_file
        self.lakebatch_conn_id = lakebatch_conn_id
        self.job_id: Optional[str] = None
        self._last_progress = ""

    @cached_property
    def hook(self) -> LakeBatchHook:
        """The hook of ``lakebatch_conn_id`` (one per operator)."""
        return LakeBatchHook(self.lakebatch_conn_id)

    def execute(self, context: Any) -> str:
        """Submits (or reattaches), pushes ``job_id`` to XCom, and waits or defers."""
        key = self.idempotency_key or default_idempotency_key(context)
        try:
            job = self.hook.submit_job(self._spec_body(context), idempotency_key=key)
        except LakeBatchError as e:
            raise AirflowException(f"LakeBatch refused the job (Idempotency-Key {key}): {e}") from e
        self.job_id = str(job["id"])
        self.log.info("LakeBatch job %s (Idempotency-Key %s): %s", self.job_id, key, job["state"])
        context["ti"].xcom_push(key="job_id", value=self.job_id)
        if self.retry_failed_job and job.get("state") in states.FAILURES:
            self.log.info("reattached to %s; retrying it", failure_message(job))
            job = self._call(self.hook.retry_job, self.job_id)
        if not self.wait_for_completion:
            return self.job_id
        if self.deferrable and not states.ended(str(job.get("state"))):
            end_time = None if self.wait_timeout is None else time.time() + self.wait_timeout
            self.defer(
                trigger=LakeBatchJobTrigger(
                    job_id=self.job_id,
                    lakebatch_conn_id=self.lakebatch_conn_id,
                    poll_interval=self.poll_interval,
                    end_time=end_time,
                ),
                method_name="execute_complete",
            )
        final = self._call(
            self.hook.wait_for_job,
            self.job_id,
            poll_interval=self.poll_interval,
            timeout=self.wait_timeout,
            on_progress=self._log_progress,
        )
        return self._finish(final)

    def execute_complete(self, context: Any, event: Mapping[str, Any]) -> str:
        """Resumes after :class:`LakeBatchJobTrigger` fired: the job id, or the task fails."""
        self.job_id = str(event.get("job_id"))
        if event.get("status") in ("error", "timeout"):
            raise AirflowException(f"LakeBatch job {self.job_id}: {event.get('message')}")
        job = dict(event.get("job") or {})
        job.setdefault("id", self.job_id)
        job.setdefault("state", event.get("state"))
        job.setdefault("message", event.get("message"))
        return self._finish(job)

    def on_kill(self) -> None:
        """The task was killed: cancel the job (it stops at its next chunk boundary)."""
        if not self.job_id:
            return
        try:
            job = self.hook.cancel_job(self.job_id)
            self.log.info("cancelled LakeBatch job %s: %s", self.job_id, job.get("state"))
        except NotFound:
            self.log.warning("LakeBatch job %s is gone; nothing to cancel", self.job_id)
        except LakeBatchError as e:
            self.log.error("could not cancel LakeBatch job %s: %s", self.job_id, e)

    def _finish(self, job: Mapping[str, Any]) -> str:
        self.log.info("%s", states.describe(job))
        if job.get("state") != states.SUCCEEDED:
            raise AirflowException(failure_message(job))
        return str(job["id"])

    def _spec_body(self, context: Any) -> Union[str, Mapping[str, Any]]:
        if self.spec is not None:
            return self.spec
        text = Path(str(self.spec_file)).read_text(encoding="utf-8")
        return self.render_template(text, context) if self.render_spec_file else text

    def _log_progress(self, job: Job) -> None:
        line = states.describe(job)
        if line != self._last_progress:
            self._last_progress = line
            self.log.info("%s", line)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LakeBatchError as e:
            raise AirflowException(f"LakeBatch job {self.job_id}: {e}") from e
