"""How a job spec given to the client becomes a request body."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping, Union

#: a spec as YAML or JSON text, a mapping (sent as JSON), or the path of a spec file
Spec = Union[str, bytes, Mapping[str, Any], "os.PathLike[str]"]

YAML = "application/yaml; charset=utf-8"
JSON = "application/json; charset=utf-8"


def encode(spec: Spec) -> tuple[bytes, str]:
    """The body and content type for ``spec``.

    A mapping is sent as JSON with sorted keys, so the same mapping always gives the same body (the
    server's idempotency compares bodies). A :class:`os.PathLike` is read as a file (``.json``
    files are sent as JSON, anything else as YAML). A ``str`` or ``bytes`` is the spec's text: JSON
    when it starts with ``{``, else YAML. A ``str`` is never taken for a file name; pass a
    :class:`pathlib.Path` for that.
    """
    if isinstance(spec, Mapping):
        body = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return body.encode("utf-8"), JSON
    if isinstance(spec, os.PathLike):
        path = Path(spec)
        data = path.read_bytes()
        return data, JSON if path.suffix.lower() == ".json" else _sniff(data)
    if isinstance(spec, str):
        data = spec.encode("utf-8")
        return data, _sniff(data)
    if isinstance(spec, bytes):
        return spec, _sniff(spec)
    raise TypeError(f"a spec is a str, bytes, mapping or path, not {type(spec).__name__}")


def _sniff(data: bytes) -> str:
    return JSON if data.lstrip().startswith(b"{") else YAML
