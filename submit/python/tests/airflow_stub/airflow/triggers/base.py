"""TEST STAND-IN of ``airflow.triggers.base`` (see ``airflow/__init__.py``)."""

from __future__ import annotations

import logging
from typing import Any, AsyncIterator


class TriggerEvent:
    """What a trigger fires: one payload."""

    def __init__(self, payload: Any) -> None:
        self.payload = payload

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TriggerEvent) and other.payload == self.payload

    def __repr__(self) -> str:
        return f"TriggerEvent<{self.payload!r}>"


class BaseTrigger:
    """What the provider uses of Airflow's ``BaseTrigger``."""

    def __init__(self, **kwargs: Any) -> None:
        self.log = logging.getLogger(f"airflow.triggers.{type(self).__name__}")

    def serialize(self) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    async def run(self) -> AsyncIterator[TriggerEvent]:
        raise NotImplementedError
        yield  # an async generator
