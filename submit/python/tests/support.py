"""Helpers of the tests: what the input table holds, and a task instance for Airflow contexts."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any


class DeltaTable:
    """Reads a Delta table's log (JSON actions) to learn its columns and row count."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _actions(self) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        for commit in sorted((self.path / "_delta_log").glob("*.json")):
            for line in commit.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    actions.append(json.loads(line))
        return actions

    def features(self) -> list[str]:
        """The ``f<i>`` columns, in order."""
        schema: dict[str, Any] = {}
        for action in self._actions():
            if "metaData" in action:
                schema = json.loads(action["metaData"]["schemaString"])
        names = [f["name"] for f in schema.get("fields", [])]
        return [n for n in names if re.fullmatch(r"f\d+", n)]

    def rows(self) -> int:
        """The rows of the table's live files (their ``numRecords`` statistics)."""
        files: dict[str, int] = {}
        for action in self._actions():
            if "add" in action:
                files[action["add"]["path"]] = json.loads(action["add"]["stats"])["numRecords"]
            elif "remove" in action:
                files.pop(action["remove"]["path"], None)
        return sum(files.values())


class FakeTaskInstance:
    """A TEST STAND-IN for Airflow's TaskInstance: its identity, and XComs kept in a dict."""

    def __init__(self, dag_id: str, task_id: str, map_index: int = -1, try_number: int = 1) -> None:
        self.dag_id = dag_id
        self.task_id = task_id
        self.map_index = map_index
        self.try_number = try_number
        self.xcoms: dict[str, Any] = {}
        self.pushed = threading.Event()

    def xcom_push(self, key: str, value: Any, **_: Any) -> None:
        self.xcoms[key] = value
        self.pushed.set()

    def xcom_pull(self, key: str = "return_value", **_: Any) -> Any:
        return self.xcoms.get(key)
