"""TEST STAND-IN of ``airflow.models.baseoperator`` (see ``airflow/__init__.py``)."""

from __future__ import annotations

import logging
import re
from typing import Any, Optional, Sequence

from airflow.exceptions import TaskDeferred
from airflow.models.dag import current_dag


class BaseOperator:
    """What the provider uses of Airflow's ``BaseOperator``."""

    template_fields: Sequence[str] = ()

    def __init__(self, *, task_id: str, dag: Any = None, **kwargs: Any) -> None:
        self.task_id = task_id
        self.dag = dag or current_dag()
        for name, value in kwargs.items():  # retries, owner, ...: kept, not interpreted
            setattr(self, name, value)
        if self.dag is not None:
            self.dag.task_dict[task_id] = self
        self.log = logging.getLogger(f"airflow.task.operators.{type(self).__name__}")

    def defer(
        self,
        *,
        trigger: Any,
        method_name: str,
        kwargs: Optional[dict[str, Any]] = None,
        timeout: Any = None,
    ) -> None:
        """Hands the wait to ``trigger``: raises :class:`TaskDeferred`, as Airflow does."""
        raise TaskDeferred(trigger=trigger, method_name=method_name, kwargs=kwargs, timeout=timeout)

    def render_template(self, content: Any, context: Any) -> Any:
        """Replaces ``{{ name }}`` with ``context[name]`` (Airflow renders full Jinja)."""
        if isinstance(content, str):
            return re.sub(
                r"\{\{\s*(\w+)\s*\}\}", lambda m: str(context.get(m.group(1), m.group(0))), content
            )
        if isinstance(content, dict):
            return {k: self.render_template(v, context) for k, v in content.items()}
        if isinstance(content, list):
            return [self.render_template(v, context) for v in content]
        return content

    def render_template_fields(self, context: Any) -> None:
        """Renders every field of ``template_fields`` in place."""
        for name in self.template_fields:
            setattr(self, name, self.render_template(getattr(self, name), context))

    def on_kill(self) -> None:
        """Called when the task is killed."""

    def __rshift__(self, other: Any) -> Any:
        """``a >> b``: b runs after a (recorded only)."""
        self.downstream_task_ids = getattr(self, "downstream_task_ids", set()) | {other.task_id}
        return other
