"""JSON-first parsing of model answers, with salvage for the ways models get JSON wrong.

Handles code fences, preambles ("Here is your prompt:"), trailing chatter, single quotes, trailing
commas, Python literals and truncated objects (the complete members are kept).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)(?:```|$)", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_MAX_SALVAGE_CHARS = 20_000
_MAX_CUTS = 200
# What decoding a model's text may raise: bad syntax, digits past int's limit, nesting past the recursion
# limit, a set or list as a dict key (`{{1girl}}` read as Python), memory.
_UNREADABLE = (ValueError, TypeError, SyntaxError, MemoryError, RecursionError, OverflowError)


@dataclass
class Parsed:
    data: dict | None
    salvaged: bool = False  # the object was cut short and only its complete members were kept
    error: str = ""


def parse_answer(text: str) -> Parsed:
    """Find the answer's JSON object. `data` is None (with `error`) when nothing usable is there."""
    if not text or not text.strip():
        return Parsed(None, error="the answer is empty")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for candidate in candidates:
        start = candidate.find("{")
        while start >= 0:
            data = _decode(candidate[start:])
            if data is not None:
                return Parsed(data)
            start = candidate.find("{", start + 1)
    start = text.find("{")
    if start >= 0:
        data = _salvage(text[start:start + _MAX_SALVAGE_CHARS])
        if data:
            return Parsed(data, salvaged=True)
    return Parsed(None, error="no JSON object in the answer")


def _decode(text: str) -> dict | None:
    """The JSON object at the start of `text`, tolerating chatter after it and common defects."""
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
        return value if isinstance(value, dict) else None
    except _UNREADABLE:
        pass
    end = _object_end(text)
    if end is None:
        return None
    body = _TRAILING_COMMA.sub(r"\1", text[:end])
    for attempt in (body, _pythonish(body)):
        try:
            value = json.loads(attempt)
            return value if isinstance(value, dict) else None
        except _UNREADABLE:
            pass
    try:
        value = ast.literal_eval(body)
    except _UNREADABLE:
        return None
    return value if isinstance(value, dict) else None


def _pythonish(body: str) -> str:
    """`True/False/None` -> JSON literals (outside strings is good enough for salvage)."""
    return re.sub(r"\bTrue\b", "true", re.sub(r"\bFalse\b", "false", re.sub(r"\bNone\b", "null", body)))


def _object_end(text: str) -> int | None:
    """Index after the `}` closing the object at text[0], honouring both quote styles."""
    depth, quote, escaped = 0, "", False
    for index, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _salvage(text: str) -> dict | None:
    """A truncated object: cut back to the last complete member and close what is open."""
    cuts: list[tuple[int, str]] = []  # (position, closers needed there)
    stack: list[str] = []
    quote, escaped = "", False
    for index, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
                if stack:
                    cuts.append((index + 1, "".join(reversed(stack))))
        elif char in "\"'":
            quote = char
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if stack:
                stack.pop()
            if stack:
                cuts.append((index + 1, "".join(reversed(stack))))
        elif char == "," and stack:
            cuts.append((index, "".join(reversed(stack))))
        elif char.isdigit() or char in "el":  # end of a number or of true/false/null
            cuts.append((index + 1, "".join(reversed(stack))))
    for position, closers in reversed(cuts[-_MAX_CUTS:]):
        data = _decode(text[:position] + closers)
        if data:
            return data
    return None
