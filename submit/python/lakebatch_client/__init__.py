"""A Python client for the LakeBatch job server (standard library only).

>>> from lakebatch_client import LakeBatchClient
>>> client = LakeBatchClient("http://127.0.0.1:8420", token="lbt_...")
>>> job = client.submit({"name": "daily-scoring", ...}, idempotency_key="daily-2026-12-03")
>>> client.wait(job["id"], raise_on_failure=True)["progress"]["rowsDone"]
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import states  # noqa: E402
from .client import Job, LakeBatchClient  # noqa: E402
from .errors import (  # noqa: E402
    Conflict,
    JobFailed,
    LakeBatchError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    SpecError,
    Unauthorized,
    Unreachable,
    WaitTimeout,
)

__all__ = [
    "Conflict",
    "Job",
    "JobFailed",
    "LakeBatchClient",
    "LakeBatchError",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "ServerError",
    "SpecError",
    "Unauthorized",
    "Unreachable",
    "WaitTimeout",
    "__version__",
    "states",
]
