"""The client against a real LakeBatch server (see conftest.py for the environment)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from conftest import Server
from lakebatch_client import (
    Conflict,
    JobFailed,
    LakeBatchClient,
    NotFound,
    SpecError,
    Unauthorized,
    states,
)

TIMEOUT = 240.0  # seconds any one job may take; every wait is bounded
POLL = 0.3


def test_healthz(client: LakeBatchClient) -> None:
    assert client.healthz() == {"status": "ok"}


def test_a_submitted_job_runs_to_success_and_reports_its_progress(
    server: Server, client: LakeBatchClient
) -> None:
    spec = server.spec("py-success")
    job = client.submit(spec)
    assert job["state"] == states.QUEUED and job["name"] == spec["name"]

    seen: list[dict[str, Any]] = []
    final = client.wait(job["id"], poll_interval=POLL, timeout=TIMEOUT, on_progress=seen.append)

    assert final["state"] == states.SUCCEEDED, final
    progress = final["progress"]
    assert progress["rowsDone"] == progress["rowsTotal"] == server.input.rows()
    assert progress["chunksDone"] == progress["chunksTotal"] >= 2
    assert seen, "on_progress was called"
    assert seen[-1] == final
    assert all(s["id"] == job["id"] for s in seen)
    assert client.get(job["id"])["state"] == states.SUCCEEDED


def test_the_same_idempotency_key_gives_the_same_job_and_another_body_conflicts(
    server: Server, client: LakeBatchClient
) -> None:
    spec = server.spec("py-idempotent")
    key = f"py-{uuid.uuid4()}"
    first = client.submit(spec, idempotency_key=key)
    again = client.submit(dict(spec), idempotency_key=key)
    assert again["id"] == first["id"]
    assert again["idempotencyKey"] == key

    other = {**spec, "execution": {**spec["execution"], "batch-size": 128}}
    with pytest.raises(Conflict) as conflict:
        client.submit(other, idempotency_key=key)
    assert conflict.value.status == 409
    assert key in str(conflict.value)
    assert conflict.value.detail in str(conflict.value)

    assert client.wait(first["id"], poll_interval=POLL, timeout=TIMEOUT)["state"] == "SUCCEEDED"
    assert [j["id"] for j in client.list(name=spec["name"])] == [first["id"]]


def test_a_bad_spec_is_refused_with_each_field_path(
    server: Server, client: LakeBatchClient
) -> None:
    spec = server.spec("py-bad", execution={"batch-size": -1, "rows-per-chunk": 1000})
    with pytest.raises(SpecError) as refused:
        client.submit(spec)
    error = refused.value
    assert error.status == 400
    assert "execution.batch-size" in error.fields
    message = dict(error.errors)["execution.batch-size"]
    assert message and message in str(error) and error.detail in str(error)

    both = server.spec("py-bad", execution={"batch-size": -1, "rows-per-chunk": 0})
    both["name"] = "Not A Name"
    with pytest.raises(SpecError) as refused:
        client.submit(both)
    assert {"execution.batch-size", "execution.rows-per-chunk", "name"} <= set(refused.value.fields)

    with pytest.raises(SpecError) as yaml_refused:
        client.submit("name: [unclosed\n")
    assert yaml_refused.value.status == 400 and yaml_refused.value.detail


def test_an_unknown_job_is_not_found(client: LakeBatchClient) -> None:
    missing = "job-" + uuid.uuid4().hex[:16]
    with pytest.raises(NotFound) as not_found:
        client.get(missing)
    assert missing in str(not_found.value)
    with pytest.raises(NotFound):
        client.cancel(missing)
    with pytest.raises(NotFound):
        list(client.logs(missing))


def test_a_bad_token_is_unauthorized(server: Server) -> None:
    with pytest.raises(Unauthorized) as refused:
        list(server.client(token="lbt_not-a-token").list(limit=1))
    assert refused.value.status == 401 and "Bearer" in str(refused.value)


def test_followed_logs_end_when_the_job_ends(server: Server, client: LakeBatchClient) -> None:
    job = client.submit(server.spec("py-logs"))
    lines = list(client.logs(job["id"], follow=True, read_timeout=TIMEOUT))
    now = client.get(job["id"])
    assert states.ended(now["state"]), "the stream ended only once the job had"
    assert now["state"] == states.SUCCEEDED, now
    chunks = now["progress"]["chunksTotal"]
    assert any(f"chunk {chunks}/{chunks} committed" in line for line in lines), lines[-20:]
    assert all("\n" not in line for line in lines)
    whole = list(client.logs(job["id"]))
    assert whole[: len(lines)] == lines, "the log unfollowed begins with what was streamed"


def test_list_pages_through_every_job_of_a_name(server: Server, client: LakeBatchClient) -> None:
    spec = server.never_starting_spec("py-list")
    ids = []
    for _ in range(3):
        ids.append(client.submit({**spec, "depends-on": [f"never-{uuid.uuid4().hex}"]})["id"])
    try:
        listed = [j["id"] for j in client.list(name=spec["name"], limit=2)]
        assert listed == list(reversed(ids)), "newest first, across two pages"
        assert [j["id"] for j in client.list(name=spec["name"], limit=2, max_jobs=1)] == [ids[-1]]
        queued = {j["id"] for j in client.list(name=spec["name"], state=states.QUEUED, limit=1)}
        assert queued == set(ids)
    finally:
        for job_id in ids:
            client.cancel(job_id)
    assert not list(client.list(name=spec["name"], state=states.QUEUED))


def test_cancel_right_after_submit_ends_the_job_cancelled(
    server: Server, client: LakeBatchClient
) -> None:
    rows = server.input.rows()
    job = client.submit(server.spec("py-cancel", execution={"batch-size": 64, "rows-per-chunk": max(1, rows // 20)}))
    after = client.cancel(job["id"])
    assert after["id"] == job["id"]
    assert after["state"] in (states.CANCELLED, states.QUEUED, states.RUNNING)
    final = client.wait(job["id"], poll_interval=POLL, timeout=TIMEOUT)
    assert final["state"] == states.CANCELLED, final


def test_retry_queues_an_ended_job_again(server: Server, client: LakeBatchClient) -> None:
    job = client.submit(server.never_starting_spec("py-retry"))
    assert client.cancel(job["id"])["state"] == states.CANCELLED
    retried = client.retry(job["id"])
    assert retried["id"] == job["id"] and retried["state"] == states.QUEUED
    client.cancel(job["id"])
    assert client.wait(job["id"], poll_interval=POLL, timeout=TIMEOUT)["state"] == "CANCELLED"


def test_wait_can_raise_job_failed_with_the_servers_message(
    server: Server, client: LakeBatchClient
) -> None:
    spec = server.spec("py-failed")
    spec["model"] = {**spec["model"], "path": str(server.out / f"no-such-model-{uuid.uuid4().hex}.onnx")}
    job = client.submit(spec)
    with pytest.raises(JobFailed) as failed:
        client.wait(job["id"], poll_interval=POLL, timeout=TIMEOUT, raise_on_failure=True)
    final = client.get(job["id"])
    assert failed.value.state == final["state"] == states.FAILED
    assert failed.value.job_id == job["id"]
    assert final["message"] and failed.value.server_message == final["message"]
    assert final["message"] in str(failed.value) and "FAILED" in str(failed.value)
