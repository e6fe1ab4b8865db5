"""A1111/Forge infotext ("parameters"): the prompt, the negative prompt and every setting, read as the hosts'
`infotext_utils.parse_generation_parameters` reads them (tests/data/a1111_infotext.json holds what A1111
v1.10.1's own function makes of 60 infotexts; tests/test_infotext.py compares).

The format: the prompt's lines, then lines from the one that starts with "Negative prompt:", then one line
of `Key: value` pairs separated by commas (a value with a comma, colon or newline is a JSON string). That
last line counts as settings only when it holds at least three pairs; otherwise it is part of the text.
A `WxH` value becomes `Key-1` and `Key-2`. What A1111 adds on its own when a key is missing (Clip skip 1,
the hires defaults...) is not read from the image, so it is not here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .metadata import parameters

# A quoted value: a JSON string with its escapes, at the start of a value.
QUOTED_VALUE = re.compile(r'"(?:\\.|[^\\"])+"')
KEY_CHARS = re.compile(r"[\w \-/]")
MAX_LINE = 10_000  # the settings line is cut to this before it is read: no pattern runs on more
SIZE = re.compile(r"^(\d+)x(\d+)$")
NEGATIVE = "Negative prompt:"
# Infotext keys -> our generation settings (craft/params.py KEYS) and how each is read.
PARAMS: dict[str, tuple[str, Callable[[str], object]]] = {
    "Steps": ("steps", int), "CFG scale": ("cfg_scale", float), "Distilled CFG Scale": ("distilled_cfg_scale", float),
    "Sampler": ("sampler_name", str), "Schedule type": ("scheduler", str), "Size-1": ("width", int),
    "Size-2": ("height", int)}


@dataclass
class Infotext:
    """An image's generation parameters: the two prompts and every other field as text, in their order."""

    prompt: str
    negative_prompt: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    failed: str = ""  # the host's reader's error when ours read it instead

    def params(self) -> dict:
        """The settings our panels write (steps, CFG, sampler, scheduler, size), as numbers where they are."""
        return self._read()[0]

    def extra(self) -> dict[str, str]:
        """Every other setting (seed, model and its hash, LoRA and embedding hashes, hires, VAE, version...)."""
        used = self._read()[1]
        return {key: value for key, value in self.settings.items() if key not in used}

    def _read(self) -> tuple[dict, set[str]]:
        params, used = {}, set()
        for key, (name, read) in PARAMS.items():
            if key in self.settings:
                try:
                    params[name] = read(self.settings[key].strip())
                except ValueError:  # not a number: kept among the extra settings as it was written
                    continue
                used.add(key)
        return params, used


def unquote(text: str) -> str:
    """A JSON string's text (a value the writer quoted); the text itself when it is not one."""
    quoted = len(text) > 1 and text[0] == '"' == text[-1]
    try:
        value = json.loads(text) if quoted else text
    except ValueError:
        value = text
    return value if isinstance(value, str) else text


def pairs(line: str) -> list[tuple[str, str]]:
    """The `Key: value` pairs of a settings line, as the hosts' pattern finds them (a key of word characters,
    spaces, dashes and slashes, two or more, starting with a word character; then a JSON string or everything up
    to the next comma), found in one pass: that pattern, retried at every start, is quadratic on a long line."""
    found, pos, size = [], 0, len(line)
    while pos < size:
        end = pos
        while end < size and KEY_CHARS.match(line, end):  # a run of key characters from pos
            end += 1
        start = next((i for i in range(pos, end) if line[i].isalnum() or line[i] == "_"), end)
        if end >= size or line[end] != ":" or end - start < 2:
            pos = end + 1 if end > pos else pos + 1
            continue
        value_at = end + 1
        while value_at < size and line[value_at].isspace():
            value_at += 1
        quoted = QUOTED_VALUE.match(line, value_at)
        comma = line.find(",", value_at)
        if quoted and (quoted.end() == size or line[quoted.end()] == ","):
            value, pos = quoted.group(), quoted.end() + 1
        else:
            value, pos = line[value_at:comma if comma >= 0 else size], (comma + 1 if comma >= 0 else size)
        found.append((line[start:end], value))
    return found


def parse(text: str) -> Infotext:
    """Infotext -> its prompts and settings, by the hosts' rules (see the module's docstring)."""
    *lines, last = text.strip().split("\n")
    found = pairs(last[:MAX_LINE])  # read once; a last line that is no settings line stays whole, in the prompt
    if len(found) < 3:
        lines.append(last)
        found = []
    prompt: list[str] = []
    negative: list[str] = []
    for line in (line.strip() for line in lines):
        if line.startswith(NEGATIVE):
            negative.append(line[len(NEGATIVE):].strip())
        elif negative:
            negative.append(line)
        else:
            prompt.append(line)
    settings: dict[str, str] = {}
    for key, value in found:
        if not value:  # the hosts skip an empty value (reading its first character fails)
            continue
        value = unquote(value) if value[0] == '"' == value[-1] else value
        size = SIZE.match(value)
        if size:
            settings[f"{key}-1"], settings[f"{key}-2"] = size.groups()
        else:
            settings[key] = value
    hypernet = f"<hypernet:{settings['Hypernet']}:{settings.get('Hypernet strength', '1.0')}>" \
        if "Hypernet" in settings else ""
    return Infotext("\n".join(prompt) + hypernet, "\n".join(negative), settings)


def quote(text: str) -> str:
    """A value as the hosts write it into the settings line: a JSON string when it holds a comma, colon or
    newline (A1111's `infotext_utils.quote`)."""
    return json.dumps(text, ensure_ascii=False) if any(c in text for c in ",:\n") else text


# Settings the WebUI's own choice decides, never an infotext sent to its fields: the checkpoint (Forge's
# parse_generation_parameters fails on a `Model:` field with none selected; A1111 would switch checkpoints).
NOT_SENT = ("Model", "Model hash")


def write(prompt: str, negative: str, params: dict, extra: dict[str, str] | None = None) -> str:
    """An infotext the hosts' parse_generation_parameters reads back: the prompt, the negative prompt, then the
    settings line (our settings by their infotext names, `Size: WxH`, then an image's other settings as they
    were written, the checkpoint's left out: NOT_SENT). A line of fewer than three settings would be read as
    part of the prompt, so it is left out then."""
    names = {name: key for key, (name, _) in PARAMS.items()}
    settings: dict[str, str] = {}
    for name, value in params.items():
        if name in names and value is not None and value != "" and name not in ("width", "height"):
            settings[names[name]] = str(value)
    if params.get("width") and params.get("height"):
        settings["Size"] = f"{int(params['width'])}x{int(params['height'])}"
    extra = extra or {}
    for key, value in extra.items():
        if key.endswith("-1") and key[:-1] + "2" in extra:  # a `WxH` value the reader split (Hires resize)
            key, value = key[:-2], f"{value}x{extra[key[:-1] + '2']}"
        elif key.endswith("-2") and key[:-1] + "1" in extra:
            continue
        if key not in NOT_SENT and key not in settings and str(value) != "":
            settings[key] = str(value)
    lines = [prompt]
    if negative:
        lines.append(f"{NEGATIVE} {negative}")
    if len(settings) >= 3:
        lines.append(", ".join(f"{key}: {quote(value)}" for key, value in settings.items()))
    return "\n".join(lines)


def read_image(data: bytes) -> Infotext | None:
    """An image's infotext, read with our own readers (standalone); None when it carries none."""
    text = parameters(data)
    return parse(text) if text and text.strip() else None
