"""The LakeBatch job server's REST API as a Python object (standard library only)."""

from __future__ import annotations

import http.client
import json
import platform
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Iterator, Mapping, Optional

from . import __version__, states
from .errors import (
    JobFailed,
    LakeBatchError,
    RateLimited,
    ServerError,
    Unreachable,
    WaitTimeout,
    from_problem,
    is_transient,
)
from .spec import Spec, encode

Job = dict[str, Any]
ProgressCallback = Callable[[Job], None]


class LakeBatchClient:
    """A client of one LakeBatch job server.

    >>> client = LakeBatchClient("http://127.0.0.1:8420", token="lbt_...")
    >>> job = client.submit(Path("job.yaml"), idempotency_key="daily-2026-12-03")
    >>> final = client.wait(job["id"], on_progress=lambda j: print(j.get("progress")))

    :param url: the server's base URL, e.g. ``http://127.0.0.1:8420`` (``https://`` with TLS)
    :param token: a bearer token (``lakebatch tokens create``); ``None`` for the public routes only
    :param timeout: seconds to wait for each answer (not for a job: see :meth:`wait`)
    :param ssl_context: for ``https://``, e.g. one that trusts a private CA
    """

    def __init__(
        self,
        url: str,
        token: Optional[str] = None,
        timeout: float = 30.0,
        ssl_context: Optional[ssl.SSLContext] = None,
    ) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"the server URL must be http(s)://host[:port], got {url!r}")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._ssl = ssl_context
        self._split = parsed
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ssl_context)
        )

    def __repr__(self) -> str:
        return f"LakeBatchClient({self.url!r})"

    # ------------------------------------------------------------------------------- jobs

    def submit(self, spec: Spec, idempotency_key: Optional[str] = None) -> Job:
        """Queues a job and returns it (state ``QUEUED``, or wherever an earlier same-key job is).

        :param spec: YAML or JSON text, a mapping (sent as JSON), or a :class:`pathlib.Path`
        :param idempotency_key: the same key with the same body gives the same job back; with
            another body the server refuses (:class:`~lakebatch_client.errors.Conflict`)
        :raises SpecError: the spec is invalid; ``errors`` names each field path
        """
        body, content_type = encode(spec)
        headers = {"Content-Type": content_type}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return self._json("POST", "/v1/jobs", body=body, headers=headers)

    def get(self, job_id: str) -> Job:
        """The job: state, attempts, message, run id and ``progress`` (once it has a run).

        :raises NotFound: no such job for this token's tenant
        """
        return self._json("GET", f"/v1/jobs/{_quote(job_id)}")

    def list(
        self,
        state: Optional[str] = None,
        name: Optional[str] = None,
        limit: int = 50,
        tenant: Optional[str] = None,
        max_jobs: Optional[int] = None,
    ) -> Iterator[Job]:
        """The jobs matching the filters, newest first, fetched page by page (``nextCursor``).

        :param limit: jobs per page (the server allows 1 to 500)
        :param max_jobs: stop after this many jobs (default: all of them)
        """
        query: dict[str, str] = {"limit": str(limit)}
        for key, value in (("state", state), ("name", name), ("tenant", tenant)):
            if value is not None:
                query[key] = value
        seen = 0
        while True:
            page = self._json("GET", "/v1/jobs?" + urllib.parse.urlencode(query))
            for job in page.get("jobs", []):
                if max_jobs is not None and seen >= max_jobs:
                    return
                seen += 1
                yield job
            cursor = page.get("nextCursor")
            if not cursor:
                return
            query["cursor"] = str(cursor)

    def cancel(self, job_id: str) -> Job:
        """Asks the job to stop: a queued one ends CANCELLED at once, a running one at its next
        chunk boundary (its committed chunks stay). Returns the job as it is now."""
        return self._json("DELETE", f"/v1/jobs/{_quote(job_id)}")

    def retry(self, job_id: str) -> Job:
        """Queues a FAILED, PARTIAL, CANCELLED or UPSTREAM_FAILED job again; its run resumes with
        only its failed or missing chunks."""
        return self._json("POST", f"/v1/jobs/{_quote(job_id)}/retry")

    def chunks(self, job_id: str) -> dict[str, Any]:
        """The chunk ledger of the job's run: each chunk's state, rows and attempts."""
        return self._json("GET", f"/v1/jobs/{_quote(job_id)}/chunks")

    def wait(
        self,
        job_id: str,
        poll_interval: float = 2.0,
        timeout: Optional[float] = None,
        on_progress: Optional[ProgressCallback] = None,
        raise_on_failure: bool = False,
        transient_grace: float = 60.0,
    ) -> Job:
        """Polls the job until it has ended and returns its final document.

        :param poll_interval: seconds between polls
        :param timeout: give up after this many seconds (:class:`WaitTimeout`); ``None``: never
        :param on_progress: called with the job document after every poll, the last one included
        :param raise_on_failure: raise :class:`JobFailed` (with the server's message) when the job
            ends FAILED, PARTIAL, UPSTREAM_FAILED or CANCELLED instead of returning it
        :param transient_grace: how long to keep polling through answers that may pass (429,
            502-504, no answer), e.g. while a standby server takes over
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        troubled_since: Optional[float] = None
        job: Job = {"id": job_id}
        while True:
            pause = poll_interval
            try:
                job = self.get(job_id)
                troubled_since = None
            except (RateLimited, ServerError, Unreachable) as e:
                if not is_transient(e):
                    raise
                now = time.monotonic()
                troubled_since = troubled_since or now
                if now - troubled_since > transient_grace:
                    raise
                if isinstance(e, RateLimited) and e.retry_after:
                    pause = max(pause, e.retry_after)
            else:
                if on_progress is not None:
                    on_progress(job)
                if states.ended(str(job.get("state"))):
                    if raise_on_failure and job.get("state") in states.FAILURES:
                        raise JobFailed(job)
                    return job
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeout(
                        f"job {job_id} had not ended after {timeout} s "
                        f"(state {job.get('state', 'unknown')})",
                        job,
                    )
                pause = min(pause, left)
            time.sleep(pause)

    def logs(
        self, job_id: str, follow: bool = False, read_timeout: Optional[float] = None
    ) -> Iterator[str]:
        """The run's driver log, line by line as the server streams it (without line ends).

        :param follow: keep the response open until the job ends, yielding new lines as they come
        :param read_timeout: seconds to wait for the next bytes; default: the client's timeout, or
            no limit with ``follow`` (a quiet job may print nothing for a long time)
        """
        path = f"/v1/jobs/{_quote(job_id)}/logs" + ("?follow=true" if follow else "")
        wait = read_timeout if read_timeout is not None else (None if follow else self.timeout)
        connection = self._connection(wait)
        try:
            try:
                connection.request("GET", self._prefix() + path, headers=self._headers({}))
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as e:
                raise Unreachable(f"GET {self.url}{path}: {e}") from e
            if response.status >= 400:
                raise from_problem(
                    response.status,
                    response.read(),
                    response.getheader("Retry-After"),
                    response.reason,
                )
            pending = b""
            while True:
                try:
                    line = response.readline()
                except (OSError, http.client.HTTPException) as e:
                    raise Unreachable(f"GET {self.url}{path}: the stream broke: {e}") from e
                if not line:
                    break
                if not line.endswith(b"\n"):  # the last line, without its end
                    pending += line
                    continue
                yield (pending + line).decode("utf-8", "replace").rstrip("\r\n")
                pending = b""
            if pending:
                yield pending.decode("utf-8", "replace")
        finally:
            connection.close()

    # ------------------------------------------------------------------------------- server

    def healthz(self) -> dict[str, Any]:
        """``GET /healthz``: ``{"status": "ok"}`` when the server answers."""
        return self._json("GET", "/healthz", authenticated=False)

    def readyz(self) -> dict[str, Any]:
        """``GET /readyz``: catalog and Spark reachable, and whether this server leads."""
        return self._json("GET", "/readyz", authenticated=False)

    # ------------------------------------------------------------------------------- HTTP

    def _json(
        self,
        method: str,
        path: str,
        body: Optional[bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
        authenticated: bool = True,
    ) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=body,
            method=method,
            headers=self._headers(headers or {}, authenticated),
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                data = response.read()
        except urllib.error.HTTPError as e:
            with e:
                raise from_problem(e.code, e.read(), e.headers.get("Retry-After"), e.reason) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
            reason = getattr(e, "reason", e)
            raise Unreachable(f"{method} {self.url}{path}: {reason}") from e
        try:
            return json.loads(data.decode("utf-8")) if data else {}
        except ValueError as e:
            raise LakeBatchError(f"{method} {path}: the answer is not JSON: {data[:200]!r}") from e

    def _headers(self, extra: Mapping[str, str], authenticated: bool = True) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"lakebatch-client/{__version__} python/{platform.python_version()}",
        }
        if authenticated and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra)
        return headers

    def _connection(self, timeout: Optional[float]) -> http.client.HTTPConnection:
        host, port = self._split.hostname or "", self._split.port
        if self._split.scheme == "https":
            return http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._ssl or ssl.create_default_context()
            )
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def _prefix(self) -> str:
        return self._split.path.rstrip("/")


def _quote(job_id: str) -> str:
    if not job_id:
        raise ValueError("a job id is required")
    return urllib.parse.quote(job_id, safe="")

