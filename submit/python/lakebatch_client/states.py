"""The states of a LakeBatch server job."""

from __future__ import annotations

from typing import Any, Mapping

QUEUED = "QUEUED"
RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
PARTIAL = "PARTIAL"
FAILED = "FAILED"
CANCELLED = "CANCELLED"
UPSTREAM_FAILED = "UPSTREAM_FAILED"

#: states a job does not leave by itself
ENDED: frozenset[str] = frozenset({SUCCEEDED, PARTIAL, FAILED, CANCELLED, UPSTREAM_FAILED})
#: ended, but not successfully (``POST /v1/jobs/{id}/retry`` queues such a job again)
FAILURES: frozenset[str] = ENDED - {SUCCEEDED}


def ended(state: str) -> bool:
    """Whether a job in ``state`` has ended."""
    return state in ENDED


def describe(job: Mapping[str, Any]) -> str:
    """One line about a job: ``job-… RUNNING: 1000/2000 rows, 1/2 chunks, 480 rows/s, ETA 2 s``."""
    text = f"{job.get('id')} {job.get('state')}"
    progress = job.get("progress") or {}
    if progress:
        parts = [
            f"{progress.get('rowsDone')}/{progress.get('rowsTotal')} rows",
            f"{progress.get('chunksDone')}/{progress.get('chunksTotal')} chunks",
        ]
        if progress.get("rowsPerSecond"):
            parts.append(f"{progress['rowsPerSecond']} rows/s")
        if progress.get("etaSeconds") is not None and not ended(str(job.get("state"))):
            parts.append(f"ETA {progress['etaSeconds']} s")
        text += ": " + ", ".join(parts)
    if job.get("message"):
        text += f" ({job['message']})"
    return text
