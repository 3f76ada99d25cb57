"""Typed errors of the LakeBatch client.

Every error the server answers is an ``application/problem+json`` document (RFC 9457): ``status``,
``title``, ``detail`` and, for a bad spec, ``errors`` — one ``{field, message}`` per broken rule.
:func:`from_problem` turns such an answer into the matching :class:`LakeBatchError` subclass, whose
message carries the server's detail and every field error.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

FieldErrors = list[tuple[str, str]]


class LakeBatchError(Exception):
    """Base class of every error raised by the LakeBatch client.

    :ivar status: the HTTP status (``None`` when no answer came, e.g. a wait that timed out)
    :ivar title: the problem's title, e.g. ``Bad Request``
    :ivar detail: the server's explanation
    :ivar errors: the field errors as ``(field, message)`` pairs (empty unless the spec was bad)
    :ivar problem: the whole problem document as the server sent it
    """

    def __init__(
        self,
        detail: str,
        *,
        status: Optional[int] = None,
        title: str = "",
        errors: Optional[FieldErrors] = None,
        problem: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.errors: FieldErrors = list(errors or [])
        self.problem: dict[str, Any] = dict(problem or {})
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.status} {self.title}: " if self.status is not None else ""
        text = head + self.detail
        if self.errors:
            joined = "; ".join(f"{field}: {message}" for field, message in self.errors)
            text += (" " if text.endswith(":") else "; ") + joined
        return text


class SpecError(LakeBatchError):
    """400: the spec (or a parameter) was refused; :attr:`errors` names each field path."""

    @property
    def fields(self) -> list[str]:
        """The field paths the server complained about, e.g. ``["execution.batch-size"]``."""
        return [field for field, _ in self.errors]


class Unauthorized(LakeBatchError):
    """401 or 403: the token is missing, unknown, revoked or may not do this."""


class NotFound(LakeBatchError):
    """404: no such job (or another tenant's: the server does not tell them apart)."""


class Conflict(LakeBatchError):
    """409: the Idempotency-Key was used before with another body."""


class PayloadTooLarge(LakeBatchError):
    """413: the body is over the server's ``max-body-bytes``."""


class RateLimited(LakeBatchError):
    """429: the tenant is over its request rate.

    :ivar retry_after: seconds the server asks the client to wait (``Retry-After``), if it said
    """

    def __init__(self, detail: str, *, retry_after: Optional[float] = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(detail, **kwargs)


class ServerError(LakeBatchError):
    """5xx: the server failed, or is not ready (503)."""


class Unreachable(LakeBatchError):
    """No answer: the server could not be reached, or did not answer within the timeout."""


class WaitTimeout(LakeBatchError):
    """:meth:`LakeBatchClient.wait` gave up before the job ended.

    :ivar job: the job as last seen
    """

    def __init__(self, detail: str, job: Mapping[str, Any]) -> None:
        self.job = dict(job)
        super().__init__(detail)


class JobFailed(LakeBatchError):
    """A waited-for job ended FAILED, PARTIAL, UPSTREAM_FAILED or CANCELLED.

    :ivar job: the final job document
    :ivar job_id: its id
    :ivar state: its final state
    :ivar server_message: the server's message for the job (``None`` if it gave none)
    """

    def __init__(self, job: Mapping[str, Any]) -> None:
        self.job = dict(job)
        self.job_id = str(job.get("id"))
        self.state = str(job.get("state"))
        self.server_message: Optional[str] = job.get("message")
        text = f"job {self.job_id} ended {self.state}"
        if self.server_message:
            text += f": {self.server_message}"
        super().__init__(text)


_BY_STATUS: dict[int, type[LakeBatchError]] = {
    400: SpecError,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    429: RateLimited,
}


def from_problem(
    status: int, body: bytes, retry_after: Optional[str] = None, reason: str = ""
) -> LakeBatchError:
    """The typed error for an HTTP error answer (a problem document, or any other body)."""
    problem: dict[str, Any] = {}
    try:
        parsed = json.loads(body.decode("utf-8")) if body else {}
        if isinstance(parsed, dict):
            problem = parsed
    except (UnicodeDecodeError, ValueError):
        pass
    detail = str(problem.get("detail") or body.decode("utf-8", "replace").strip() or reason)
    title = str(problem.get("title") or reason)
    errors: FieldErrors = [
        (str(e.get("field", "")), str(e.get("message", "")))
        for e in problem.get("errors") or []
        if isinstance(e, dict)
    ]
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else LakeBatchError)
    common: dict[str, Any] = {"status": status, "title": title, "errors": errors, "problem": problem}
    if kind is RateLimited:
        return RateLimited(detail, retry_after=_seconds(retry_after), **common)
    return kind(detail, **common)


def _seconds(header: Optional[str]) -> Optional[float]:
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None


def is_transient(error: LakeBatchError) -> bool:
    """Whether asking again later may succeed: 429, 502-504, or no answer at all."""
    if isinstance(error, (RateLimited, Unreachable)):
        return True
    return error.status in (502, 503, 504)
