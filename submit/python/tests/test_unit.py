"""Pure tests (no server): spec bodies, problem documents, connection URLs, idempotency keys and
the provider's import without Airflow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from lakebatch_client import Conflict, RateLimited, ServerError, SpecError, states
from lakebatch_client.errors import from_problem, is_transient
from lakebatch_client.spec import JSON, YAML, encode
from support import FakeTaskInstance

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def test_a_mapping_is_sent_as_canonical_json_so_equal_specs_give_equal_bodies() -> None:
    one, kind = encode({"name": "a", "execution": {"rows-per-chunk": 10, "batch-size": 2}})
    two, _ = encode({"execution": {"batch-size": 2, "rows-per-chunk": 10}, "name": "a"})
    assert kind == JSON
    assert one == two
    assert json.loads(one) == {"name": "a", "execution": {"rows-per-chunk": 10, "batch-size": 2}}


def test_text_is_sent_as_is_and_a_path_is_read(tmp_path: Path) -> None:
    assert encode("name: a\n") == (b"name: a\n", YAML)
    assert encode('  {"name": "a"}') == (b'  {"name": "a"}', JSON)
    spec = tmp_path / "job.yaml"
    spec.write_text("name: from-file\n", encoding="utf-8")
    assert encode(spec) == (b"name: from-file\n", YAML)
    assert encode("job.yaml")[0] == b"job.yaml", "a str is spec text, never a file name"
    with pytest.raises(TypeError):
        encode(42)  # type: ignore[arg-type]


def test_a_problem_document_becomes_a_typed_error_naming_detail_and_fields() -> None:
    body = {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "2 errors in the request body",
        "errors": [
            {"field": "execution.batch-size", "message": "must be at least 1, got -1"},
            {"field": "name", "message": "must match [a-z0-9-]+"},
        ],
    }
    error = from_problem(400, json.dumps(body).encode())
    assert isinstance(error, SpecError)
    assert error.errors == [(e["field"], e["message"]) for e in body["errors"]]
    assert error.fields == ["execution.batch-size", "name"]
    for part in [body["detail"], *(f"{e['field']}: {e['message']}" for e in body["errors"])]:
        assert part in str(error)

    limited = from_problem(429, b'{"title":"Too Many Requests","detail":"slow down"}', "7")
    assert isinstance(limited, RateLimited) and limited.retry_after == 7.0 and is_transient(limited)
    assert isinstance(from_problem(409, b'{"detail":"key k"}'), Conflict)
    unavailable = from_problem(503, b"not json at all", reason="Service Unavailable")
    assert isinstance(unavailable, ServerError) and is_transient(unavailable)
    assert "not json at all" in str(unavailable)


def test_ended_states_and_failures() -> None:
    assert states.FAILURES == {"FAILED", "PARTIAL", "CANCELLED", "UPSTREAM_FAILED"}
    assert not states.ended("QUEUED") and not states.ended("RUNNING")
    assert states.ended("SUCCEEDED")


def test_the_airflow_provider_needs_airflow_and_says_so() -> None:
    """Without Airflow (and without the tests' stand-in on the path) the import fails clearly."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}
    probe = "import lakebatch_airflow.operators.lakebatch"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    from conftest import REAL_AIRFLOW

    if REAL_AIRFLOW:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert "ImportError: lakebatch_airflow needs Apache Airflow" in result.stderr
        assert "pip install 'apache-airflow>=2.7'" in result.stderr
    # the package itself (the provider entry point) never needs Airflow
    info = subprocess.run(
        [sys.executable, "-c", "import lakebatch_airflow as p; print(p.get_provider_info()['name'])"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert info.returncode == 0 and info.stdout.strip() == "LakeBatch", info.stderr


@pytest.mark.parametrize(
    ("host", "port", "schema", "extra", "url"),
    [
        ("http://lakebatch:8420", None, None, {}, "http://lakebatch:8420"),
        ("https://lakebatch.example.com", None, None, {}, "https://lakebatch.example.com"),
        ("lakebatch", 9000, None, {}, "http://lakebatch:9000"),
        ("lakebatch", None, None, {"scheme": "https"}, "https://lakebatch:8420"),
        ("lakebatch", 443, "https", {}, "https://lakebatch:443"),
        ("http://10.0.0.5", 8421, None, {}, "http://10.0.0.5:8421"),
    ],
)
def test_the_server_url_from_a_connection(host, port, schema, extra, url) -> None:  # type: ignore[no-untyped-def]
    from lakebatch_airflow.hooks.lakebatch import server_url

    assert server_url(host, port, schema, extra) == url


def test_the_default_idempotency_key_is_the_same_for_every_try_of_a_task_instance() -> None:
    from lakebatch_airflow.operators.lakebatch import MAX_KEY, default_idempotency_key

    logical = datetime(2026, 12, 3, tzinfo=timezone.utc)

    def key(task_id: str = "score", map_index: int = -1, try_number: int = 1, **extra: object) -> str:
        ti = FakeTaskInstance("daily", task_id, map_index=map_index, try_number=try_number)
        return default_idempotency_key({"ti": ti, "logical_date": logical, **extra})

    assert key() == key(try_number=3), "a retry reattaches"
    assert key() == f"airflow:daily:score:{logical.isoformat()}"
    assert key(map_index=2) == key() + ":2"
    assert key(map_index=2) != key(map_index=3)
    assert key("other") != key()
    long = key("t" * 300)
    assert len(long) == MAX_KEY and long == key("t" * 300)
    assert long != key("t" * 299 + "u")
    ti = FakeTaskInstance("daily", "score")
    manual = default_idempotency_key({"ti": ti, "logical_date": None, "run_id": "manual__x"})
    assert manual == "airflow:daily:score:run=manual__x"
