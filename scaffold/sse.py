"""A minimal Server-Sent Events reader: lines in, event data out, as soon as each event is complete.

Only ``data:`` matters to the agent servers (docs/architecture.md); ``event:``, ``id:``, ``retry:`` and
comment lines are read past. Multi-line data is joined with newlines, as the SSE specification says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


class SSEDecoder:
    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, line: str) -> str | None:
        """Consume one line (without its line ending); return the event's data when a blank line ends it."""
        if not line:
            return self.flush()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if name == "data":
            self._data.append(value[1:] if value.startswith(" ") else value)
        return None

    def flush(self) -> str | None:
        """The pending event, if any; call once more when the stream ends without a trailing blank line."""
        if not self._data:
            return None
        data = "\n".join(self._data)
        self._data.clear()
        return data


def iter_events(lines: Iterable[str]) -> Iterator[Any]:
    """Decoded events: JSON where the data is JSON, otherwise the raw text (a server sending plain chunks)."""
    decoder = SSEDecoder()
    for line in lines:
        data = decoder.feed(line.rstrip("\r\n"))
        if data is not None:
            yield decode_data(data)
    data = decoder.flush()
    if data is not None:
        yield decode_data(data)


def decode_data(data: str) -> Any:
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        return data
