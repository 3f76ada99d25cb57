"""``LakeBatchHook``: a LakeBatch client built from an Airflow connection."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from lakebatch_client import Job, LakeBatchClient
from lakebatch_client.spec import Spec

from .._airflow import AirflowException, BaseHook

DEFAULT_PORT = 8420


def server_url(
    host: Optional[str],
    port: Optional[int] = None,
    schema: Optional[str] = None,
    extra: Optional[Mapping[str, Any]] = None,
) -> str:
    """The server's URL from a connection's fields.

    ``host`` may hold the whole URL (``http://lakebatch:8420``) or just the host name; then the
    scheme is the extra ``scheme`` (or the connection's ``schema`` when it is ``http``/``https``),
    default ``http``, and the port the connection's port, default 8420.
    """
    extra = extra or {}
    if not host:
        raise AirflowException("the LakeBatch connection has no host (e.g. http://lakebatch:8420)")
    host = host.strip().rstrip("/")
    if "://" in host:
        scheme, _, rest = host.partition("://")
    else:
        scheme = str(extra.get("scheme") or (schema if schema in ("http", "https") else "http"))
        rest = host
    authority, slash, path = rest.partition("/")
    if port and not _has_port(authority):
        authority = f"{authority}:{port}"
    elif not _has_port(authority) and "://" not in host:
        authority = f"{authority}:{DEFAULT_PORT}"
    return f"{scheme}://{authority}{slash}{path}"


def _has_port(authority: str) -> bool:
    if authority.startswith("["):  # [::1]:8420
        return "]:" in authority
    return ":" in authority


class LakeBatchHook(BaseHook):
    """Talks to a LakeBatch job server through the connection ``lakebatch_conn_id``.

    The connection: host (``http://lakebatch:8420``, or the host with port and an extra
    ``{"scheme": "https"}``), the token as its password or as extra ``{"token": "lbt_..."}``, and
    optionally extra ``{"timeout": 30}`` (seconds per request).

    :param lakebatch_conn_id: the Airflow connection's id
    :param timeout: seconds per request; overrides the connection's extra ``timeout``
    """

    conn_name_attr = "lakebatch_conn_id"
    default_conn_name = "lakebatch_default"
    conn_type = "lakebatch"
    hook_name = "LakeBatch"

    def __init__(
        self, lakebatch_conn_id: str = default_conn_name, timeout: Optional[float] = None
    ) -> None:
        super().__init__()
        self.lakebatch_conn_id = lakebatch_conn_id
        self.timeout = timeout
        self._client: Optional[LakeBatchClient] = None

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """How the Airflow UI's connection form shows a LakeBatch connection."""
        return {
            "hidden_fields": ["login", "schema"],
            "relabeling": {"password": "Token", "host": "Server URL"},
            "placeholders": {
                "host": "http://lakebatch:8420",
                "password": "lbt_...",
                "extra": '{"timeout": 30}',
            },
        }

    def get_conn(self) -> LakeBatchClient:
        """The client for the connection (built once per hook)."""
        if self._client is None:
            connection = self.get_connection(self.lakebatch_conn_id)
            extra: Mapping[str, Any] = connection.extra_dejson or {}
            token = connection.password or extra.get("token")
            if not token:
                raise AirflowException(
                    f"connection {self.lakebatch_conn_id} has no token: set its password,"
                    ' or its extra {"token": "lbt_..."}'
                )
            timeout = self.timeout if self.timeout is not None else extra.get("timeout", 30)
            self._client = LakeBatchClient(
                server_url(connection.host, connection.port, connection.schema, extra),
                token=token,
                timeout=float(timeout),
            )
        return self._client

    def submit_job(self, spec: Spec, idempotency_key: Optional[str] = None) -> Job:
        """Submits ``spec``; see :meth:`LakeBatchClient.submit`."""
        return self.get_conn().submit(spec, idempotency_key=idempotency_key)

    def get_job(self, job_id: str) -> Job:
        """The job's current document."""
        return self.get_conn().get(job_id)

    def cancel_job(self, job_id: str) -> Job:
        """Asks the job to stop."""
        return self.get_conn().cancel(job_id)

    def retry_job(self, job_id: str) -> Job:
        """Queues an ended, unsuccessful job again (it resumes from its committed chunks)."""
        return self.get_conn().retry(job_id)

    def wait_for_job(
        self,
        job_id: str,
        poll_interval: float = 10.0,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Job], None]] = None,
    ) -> Job:
        """Polls until the job ends; returns its final document."""
        return self.get_conn().wait(
            job_id, poll_interval=poll_interval, timeout=timeout, on_progress=on_progress
        )

    def test_connection(self) -> tuple[bool, str]:
        """The Airflow UI's "Test" button: the token works and the server answers."""
        try:
            client = self.get_conn()
            client.healthz()
            next(iter(client.list(limit=1, max_jobs=1)), None)
        except Exception as e:  # the UI shows any failure as text
            return False, str(e)
        return True, f"connected to {client.url}"
