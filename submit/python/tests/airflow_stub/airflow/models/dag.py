"""TEST STAND-IN of ``airflow.models.dag`` (see ``airflow/__init__.py``): a DAG collecting tasks."""

from __future__ import annotations

from typing import Any, Optional

_current: list["DAG"] = []


class DAG:
    """Holds the tasks created inside its ``with`` block."""

    def __init__(self, dag_id: str, **kwargs: Any) -> None:
        self.dag_id = dag_id
        self.params = kwargs
        self.task_dict: dict[str, Any] = {}

    def __enter__(self) -> "DAG":
        _current.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _current.pop()


def current_dag() -> Optional[DAG]:
    """The DAG whose ``with`` block is open, if any."""
    return _current[-1] if _current else None
