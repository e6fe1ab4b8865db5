"""What the "Live answer" box and the CLI show while an answer streams: the prompt forming, never raw
JSON. A JSON answer shows its prompt (or, in the compact form, the words chosen so far)."""

from __future__ import annotations

import json
import re

from ..secrets import scrub

_STRING = re.compile(r'"(?P<key>[^"\\]*)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)(?P<end>"?)'
                     r'|"(?P<item>(?:[^"\\]|\\.)*)"(?=\s*[,\]])')


def _unescape(text: str) -> str:
    text = re.sub(r"\\u[0-9a-fA-F]{0,3}$|\\$", "", text)  # an escape cut in half
    try:
        return json.loads(f'"{text}"')
    except ValueError:
        return text


def preview(text: str) -> str:
    """The readable part of a partial answer, secrets scrubbed (a key echoed by a server never shows)."""
    return scrub(_readable(text))


def _readable(text: str) -> str:
    body = text.lstrip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
    if not body.startswith(("{", "[")):
        return text
    fields: dict[str, str] = {}
    items: list[str] = []
    for match in _STRING.finditer(body):
        if match.group("key") is not None:
            fields[match.group("key")] = _unescape(match.group("value"))
        elif match.group("item"):
            items.append(_unescape(match.group("item")))
    if "prompt" in fields:
        lines = [fields["prompt"]]
        if fields.get("negative_prompt"):
            lines.append(f"Negative: {fields['negative_prompt']}")
        return "\n".join(lines)
    chosen = [v for k, v in fields.items() if k not in ("notes",) and v] + items
    return ", ".join(chosen)


class Preview:
    """Accumulates deltas and calls back with the readable text when it changes."""

    def __init__(self) -> None:
        self.text = ""
        self.shown = ""

    def feed(self, delta: str) -> str | None:
        self.text += delta
        current = preview(self.text)
        if current == self.shown:
            return None
        self.shown = current
        return current
