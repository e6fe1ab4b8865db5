"""One streaming parser: byte chunks -> lines -> SSE events or NDJSON objects."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass
class SseEvent:
    event: str
    data: str


def iter_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Split a byte stream into text lines (`\\n`, `\\r\\n` or `\\r`); bad UTF-8 becomes U+FFFD."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer = ""
    for chunk in chunks:
        buffer += decoder.decode(chunk)
        pos = 0
        for match in _NEWLINE.finditer(buffer):
            if match.group() == "\r" and match.end() == len(buffer):
                break  # may be the first half of \r\n
            yield buffer[pos:match.start()]
            pos = match.end()
        buffer = buffer[pos:]
    buffer += decoder.decode(b"", final=True)
    if buffer.rstrip("\r"):
        yield buffer.rstrip("\r")


def iter_sse(lines: Iterable[str]) -> Iterator[SseEvent]:
    """Server-sent events: `event:`/`data:` fields, `:` comments skipped, a blank line dispatches."""
    event, data = "", []
    for line in lines:
        if not line:
            if data:
                yield SseEvent(event or "message", "\n".join(data))
            event, data = "", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield SseEvent(event or "message", "\n".join(data))


def iter_ndjson(lines: Iterable[str]) -> Iterator[dict]:
    """One JSON object per non-empty line."""
    for line in lines:
        if line.strip():
            yield parse_frame(line)


def parse_frame(text: str) -> dict:
    """Parse a frame; a frame that is not a JSON object raises ValueError naming what came."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"malformed stream frame {text[:60]!r}") from err
    if not isinstance(value, dict):
        raise ValueError(f"unexpected stream frame {text[:60]!r}")
    return value
