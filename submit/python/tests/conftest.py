"""Fixtures of the client and provider tests.

The tests talk to a real LakeBatch server named by the environment (the Java harness
``PythonClientTest`` starts one and sets these):

- ``LAKEBATCH_TEST_URL``: the server, e.g. ``http://127.0.0.1:8420``
- ``LAKEBATCH_TEST_TOKEN``: a token of the tenant the tests submit as
- ``LAKEBATCH_TEST_SPEC_DIR``: a folder with ``model.onnx`` (an MLP over the input's features),
  a Delta table ``input/`` (``id`` and ``f0``…``fN``) and ``out/``, under which outputs may go

Without them every test that needs the server is skipped, saying why. When Apache Airflow is not
installed, the test stand-in in ``tests/airflow_stub`` is put on ``sys.path`` for the provider.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the packages, uninstalled
sys.path.insert(0, str(HERE))  # support.py
REAL_AIRFLOW = importlib.util.find_spec("airflow") is not None
if not REAL_AIRFLOW:
    sys.path.insert(0, str(HERE / "airflow_stub"))

from lakebatch_client import LakeBatchClient  # noqa: E402
from support import DeltaTable, FakeTaskInstance  # noqa: E402

CONN_ID = "lakebatch_test"
ENV = ("LAKEBATCH_TEST_URL", "LAKEBATCH_TEST_TOKEN", "LAKEBATCH_TEST_SPEC_DIR")


class Server:
    """The server under test and the data its jobs read."""

    def __init__(self, url: str, token: str, spec_dir: Path) -> None:
        self.url = url
        self.token = token
        self.spec_dir = spec_dir
        self.model = spec_dir / "model.onnx"
        self.input = DeltaTable(spec_dir / "input")
        self.out = spec_dir / "out"

    def client(self, token: Optional[str] = None) -> LakeBatchClient:
        """A client of the server (with the tests' token unless another is given)."""
        return LakeBatchClient(self.url, token=self.token if token is None else token, timeout=30)

    def spec(self, label: str, **overrides: Any) -> dict[str, Any]:
        """A small scoring job over the whole input, named ``<label>-<random>``, writing its own
        output folder. ``overrides`` replace top-level sections (``execution=...``)."""
        name = f"{label}-{uuid.uuid4().hex[:10]}"
        spec: dict[str, Any] = {
            "name": name,
            "model": {
                "path": str(self.model),
                "inputs": {"features": self.input.features()},
                "outputs": {"score": "score"},
            },
            "input": {"format": "delta", "path": str(self.input.path), "carry": ["id"]},
            "output": {"path": str(self.out / name)},
            "execution": {"batch-size": 256, "rows-per-chunk": max(1, self.input.rows() // 2)},
            "resources": {"master": "local[1]", "executors": 1, "executor-cores": 1},
        }
        spec.update(overrides)
        return spec

    def never_starting_spec(self, label: str) -> dict[str, Any]:
        """A valid spec that stays QUEUED: it depends on an Idempotency-Key nobody submits."""
        return {**self.spec(label), "depends-on": [f"never-submitted-{uuid.uuid4().hex}"]}


@pytest.fixture(scope="session")
def server() -> Server:
    missing = [name for name in ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(
            f"no LakeBatch server to test against: set {', '.join(missing)}"
            " (the Java harness PythonClientTest does)"
        )
    spec_dir = Path(os.environ["LAKEBATCH_TEST_SPEC_DIR"])
    for needed in ("model.onnx", "input/_delta_log"):
        if not (spec_dir / needed).exists():
            pytest.fail(f"LAKEBATCH_TEST_SPEC_DIR={spec_dir} has no {needed}")
    return Server(os.environ["LAKEBATCH_TEST_URL"], os.environ["LAKEBATCH_TEST_TOKEN"], spec_dir)


@pytest.fixture()
def client(server: Server) -> LakeBatchClient:
    return server.client()


@pytest.fixture()
def airflow_connection(server: Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """An Airflow connection to the server, defined where Airflow looks (``AIRFLOW_CONN_*``)."""
    value = {"conn_type": "lakebatch", "host": server.url, "password": server.token}
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(value))
    return CONN_ID


@pytest.fixture()
def make_context() -> Iterator[Callable[..., dict[str, Any]]]:
    """Builds an Airflow task context for one task instance (a new dag id per test)."""
    from datetime import datetime, timezone

    dag_id = f"dag-{uuid.uuid4().hex[:8]}"

    def make(task_id: str = "score", map_index: int = -1, try_number: int = 1) -> dict[str, Any]:
        logical = datetime(2026, 12, 3, tzinfo=timezone.utc)
        ti = FakeTaskInstance(dag_id, task_id, map_index=map_index, try_number=try_number)
        return {
            "ti": ti,
            "task_instance": ti,
            "logical_date": logical,
            "ts": logical.isoformat(),
            "ds": logical.date().isoformat(),
            "run_id": f"scheduled__{logical.isoformat()}",
        }

    yield make
