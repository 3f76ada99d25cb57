"""The Airflow provider against a real LakeBatch server: operator, trigger, sensor, hook.

Airflow itself is the real one when installed, else the test stand-in in ``airflow_stub``.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import threading
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest

from conftest import Server
from lakebatch_client import LakeBatchClient, states

from airflow.exceptions import AirflowException, TaskDeferred  # noqa: E402  (after conftest)
from lakebatch_airflow.hooks.lakebatch import LakeBatchHook
from lakebatch_airflow.operators.lakebatch import (
    LakeBatchSubmitJobOperator,
    default_idempotency_key,
)
from lakebatch_airflow.sensors.lakebatch import LakeBatchJobSensor
from lakebatch_airflow.triggers.lakebatch import LakeBatchJobTrigger

TIMEOUT = 240.0
POLL = 0.3
Context = Callable[..., dict[str, Any]]


def operator(conn: str, spec: Any, **kwargs: Any) -> LakeBatchSubmitJobOperator:
    kwargs.setdefault("poll_interval", POLL)
    kwargs.setdefault("wait_timeout", TIMEOUT)
    return LakeBatchSubmitJobOperator(
        task_id="score", spec=spec, lakebatch_conn_id=conn, **kwargs
    )


def test_the_hook_reads_the_connection(airflow_connection: str, server: Server) -> None:
    hook = LakeBatchHook(airflow_connection)
    assert hook.get_conn().url == server.url.rstrip("/")
    assert hook.test_connection()[0] is True


def test_the_operator_submits_waits_and_pushes_the_job_id(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context
) -> None:
    context = make_context()
    job_id = operator(airflow_connection, server.spec("af-xcom")).execute(context)

    assert context["ti"].xcoms["job_id"] == job_id
    job = client.get(job_id)
    assert job["state"] == states.SUCCEEDED
    assert job["progress"]["rowsDone"] == server.input.rows()
    assert job["idempotencyKey"] == default_idempotency_key(context)


def test_a_retry_after_the_worker_died_reattaches_to_the_same_job(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context
) -> None:
    spec = server.spec("af-reattach")
    # try 1 submits, then its worker dies before the job ends (here: it never waits)
    first_try = make_context(try_number=1)
    first = operator(airflow_connection, spec, wait_for_completion=False).execute(first_try)
    # try 2 is another operator instance on another worker, same task instance
    second_try = make_context(try_number=2)
    second = operator(airflow_connection, json.loads(json.dumps(spec))).execute(second_try)

    assert second == first
    assert second_try["ti"].xcoms["job_id"] == first_try["ti"].xcoms["job_id"] == first
    jobs = list(client.list(name=spec["name"]))
    assert [j["id"] for j in jobs] == [first], "exactly one job for the task instance"
    assert jobs[0]["state"] == states.SUCCEEDED
    assert jobs[0]["attempts"] == 1


def test_a_retry_of_a_failed_task_retries_its_job_on_the_server(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context
) -> None:
    spec = server.never_starting_spec("af-retry")
    first = operator(airflow_connection, spec, wait_for_completion=False).execute(make_context())
    client.cancel(first)
    assert client.get(first)["state"] == states.CANCELLED
    again = operator(airflow_connection, spec, wait_for_completion=False).execute(make_context())
    assert again == first
    assert client.get(first)["state"] == states.QUEUED, "the reattached job was retried"
    client.cancel(first)


def test_on_kill_cancels_the_job(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context
) -> None:
    rows = server.input.rows()
    spec = server.spec("af-kill", execution={"batch-size": 64, "rows-per-chunk": max(1, rows // 20)})
    task = operator(airflow_connection, spec)
    context = make_context()
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            task.execute(context)
        except BaseException as e:  # noqa: BLE001 - handed to the test's thread
            outcome["error"] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    assert context["ti"].pushed.wait(TIMEOUT), "the operator pushed its job id"
    task.on_kill()  # what Airflow calls when the task is killed
    worker.join(TIMEOUT)
    assert not worker.is_alive()

    job_id = context["ti"].xcoms["job_id"]
    final = client.wait(job_id, poll_interval=POLL, timeout=TIMEOUT)
    assert final["state"] == states.CANCELLED, final
    error = outcome.get("error")
    assert isinstance(error, AirflowException) and "CANCELLED" in str(error)


def test_a_deferred_operator_hands_its_wait_to_a_serializable_trigger(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context
) -> None:
    context = make_context()
    task = operator(airflow_connection, server.spec("af-defer"), deferrable=True)
    with pytest.raises(TaskDeferred) as deferred:
        task.execute(context)
    job_id = context["ti"].xcoms["job_id"]
    assert deferred.value.method_name == "execute_complete"

    classpath, kwargs = deferred.value.trigger.serialize()
    assert json.loads(json.dumps(kwargs)) == kwargs, "the kwargs are JSON"
    assert server.token not in json.dumps(kwargs), "no secret in the triggers table"
    module, name = classpath.rsplit(".", 1)
    trigger = getattr(importlib.import_module(module), name)(**kwargs)
    assert isinstance(trigger, LakeBatchJobTrigger) and trigger.job_id == job_id

    event = asyncio.run(asyncio.wait_for(_first_event(trigger), TIMEOUT))
    assert event.payload["status"] == "success" and event.payload["job_id"] == job_id

    resumed = operator(airflow_connection, server.spec("af-defer"), deferrable=True)
    assert getattr(resumed, deferred.value.method_name)(context, event.payload) == job_id
    assert client.get(job_id)["state"] == states.SUCCEEDED


async def _first_event(trigger: LakeBatchJobTrigger) -> Any:
    async for event in trigger.run():
        return event
    raise AssertionError("the trigger ended without an event")


def test_a_failed_job_fails_the_task_with_the_servers_message(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context
) -> None:
    spec = server.spec("af-failed")
    missing = server.out / f"no-such-model-{uuid.uuid4().hex}.onnx"
    spec["model"] = {**spec["model"], "path": str(missing)}
    context = make_context()
    with pytest.raises(AirflowException) as failed:
        operator(airflow_connection, spec).execute(context)
    job = client.get(context["ti"].xcoms["job_id"])
    assert job["state"] == states.FAILED
    assert "FAILED" in str(failed.value)
    assert job["message"] and job["message"] in str(failed.value)


def test_a_refused_spec_fails_the_task_naming_the_field(
    server: Server, airflow_connection: str, make_context: Context
) -> None:
    spec = server.spec("af-refused", execution={"batch-size": -1, "rows-per-chunk": 100})
    with pytest.raises(AirflowException) as refused:
        operator(airflow_connection, spec).execute(make_context())
    assert "execution.batch-size" in str(refused.value) and "400" in str(refused.value)


def test_the_sensor_pokes_until_success_and_fails_on_a_failed_job(
    server: Server, client: LakeBatchClient, airflow_connection: str
) -> None:
    def sensor(job_id: str) -> LakeBatchJobSensor:
        return LakeBatchJobSensor(
            task_id="scored", job_id=job_id, lakebatch_conn_id=airflow_connection, poke_interval=POLL
        )

    waiting = client.submit(server.never_starting_spec("af-sensor"))["id"]
    assert sensor(waiting).poke({}) is False
    client.cancel(waiting)
    with pytest.raises(AirflowException) as cancelled:
        sensor(waiting).poke({})
    assert "CANCELLED" in str(cancelled.value) and waiting in str(cancelled.value)

    done = client.submit(server.spec("af-sensor"))["id"]
    client.wait(done, poll_interval=POLL, timeout=TIMEOUT)
    assert sensor(done).poke({}) is True


def test_the_example_dag_scores_each_day_with_its_own_filter(make_context: Context) -> None:
    path = Path(__file__).resolve().parent.parent / "examples" / "daily_scoring_dag.py"
    spec_ = importlib.util.spec_from_file_location(f"example_{uuid.uuid4().hex}", path)
    module = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(module)  # type: ignore[union-attr]
    score = module.dag.task_dict["score"]
    assert isinstance(score, LakeBatchSubmitJobOperator) and score.deferrable
    assert isinstance(module.dag.task_dict["scored"], LakeBatchJobSensor)
    context = make_context()
    score.render_template_fields(context)
    assert score.spec["input"]["filter"] == f"dt = '{context['ds']}'"
    assert score.spec["output"]["path"].endswith(f"dt={context['ds']}")


def test_a_spec_file_is_read_and_rendered_when_the_task_runs(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context,
    tmp_path: Path,
) -> None:
    spec = server.spec("af-file")
    spec["output"] = {"path": spec["output"]["path"] + "/dt={{ ds }}"}
    spec_file = tmp_path / "scoring.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    context = make_context()
    task = LakeBatchSubmitJobOperator(
        task_id="score",
        spec_file=str(spec_file),
        lakebatch_conn_id=airflow_connection,
        poll_interval=POLL,
        wait_timeout=TIMEOUT,
    )
    job_id = task.execute(context)
    assert client.get(job_id)["state"] == states.SUCCEEDED
    written = Path(spec["output"]["path"].replace("{{ ds }}", context["ds"]))
    assert (written / "_delta_log").is_dir(), "the output path was rendered with the run's ds"


def test_a_deferred_sensor_fails_when_its_job_ends_unsuccessfully(
    server: Server, client: LakeBatchClient, airflow_connection: str
) -> None:
    job_id = client.submit(server.never_starting_spec("af-sensor-defer"))["id"]
    sensor = LakeBatchJobSensor(
        task_id="scored",
        job_id=job_id,
        lakebatch_conn_id=airflow_connection,
        poke_interval=POLL,
        deferrable=True,
    )
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({})
    client.cancel(job_id)
    event = asyncio.run(asyncio.wait_for(_first_event(deferred.value.trigger), TIMEOUT))
    assert event.payload["status"] == "failed" and event.payload["state"] == states.CANCELLED
    with pytest.raises(AirflowException) as failed:
        getattr(sensor, deferred.value.method_name)({}, event.payload)
    assert "CANCELLED" in str(failed.value) and job_id in str(failed.value)


def test_a_trigger_past_its_end_time_fires_a_timeout_that_fails_the_task(
    server: Server, client: LakeBatchClient, airflow_connection: str, make_context: Context
) -> None:
    job_id = client.submit(server.never_starting_spec("af-timeout"))["id"]
    try:
        trigger = LakeBatchJobTrigger(
            job_id, lakebatch_conn_id=airflow_connection, poll_interval=POLL, end_time=0.0
        )
        event = asyncio.run(asyncio.wait_for(_first_event(trigger), TIMEOUT))
        assert event.payload["status"] == "timeout" and event.payload["job_id"] == job_id
        task = operator(airflow_connection, {}, deferrable=True)
        with pytest.raises(AirflowException) as timed_out:
            task.execute_complete(make_context(), event.payload)
        assert job_id in str(timed_out.value) and "end time" in str(timed_out.value)
    finally:
        client.cancel(job_id)
