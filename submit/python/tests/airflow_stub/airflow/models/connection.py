"""TEST STAND-IN of ``airflow.models.connection`` (see ``airflow/__init__.py``)."""

from __future__ import annotations

import json
from typing import Any, Optional


class Connection:
    """A connection's fields, as Airflow has them."""

    def __init__(
        self,
        conn_id: Optional[str] = None,
        conn_type: Optional[str] = None,
        host: Optional[str] = None,
        login: Optional[str] = None,
        password: Optional[str] = None,
        schema: Optional[str] = None,
        port: Optional[int] = None,
        extra: Any = None,
        **_: Any,
    ) -> None:
        self.conn_id = conn_id
        self.conn_type = conn_type
        self.host = host
        self.login = login
        self.password = password
        self.schema = schema
        self.port = int(port) if port is not None else None
        self.extra = json.dumps(extra) if isinstance(extra, dict) else extra

    @property
    def extra_dejson(self) -> dict[str, Any]:
        """``extra`` parsed as JSON (``{}`` when empty)."""
        return json.loads(self.extra) if self.extra else {}
