"""Save a prompt as a WebUI style: a row of a `styles.csv` (name, prompt, negative_prompt) the WebUI reads.

The style keeps the prompt whole (the WebUI adds it after the user's prompt) or as a template with `{prompt}`
where the subject was (the WebUI puts the user's prompt there). Writing changes nothing else in the file:
a new style is one row appended in the file's own line endings, a replaced one is that row's bytes alone;
the file is replaced atomically, under a lock that holds across processes (`styles.csv.lock` beside it). A name
that exists is refused unless replacing is asked for; under `serve` only an administrator replaces a style another
user saved (`style_owners.json` in the data folder records who saved each). A name loses control and format
characters, and a name or prompt loses the `= + - @` that would start a spreadsheet formula. Answers and errors
name the file, never the server's folders. Inside the WebUI the host's style store (`shared.prompt_styles`) names
the file and reloads it, so the style is in the Styles dropdown at once; standalone the file is SDPA_STYLES_FILE.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .craft.prompt import tag_terms
from .craft.structure import read_term
from .errors import ConfigError, Forbidden

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

COLUMNS = ("name", "prompt", "negative_prompt")
MAX_NAME = 100
BOM = "\ufeff"
OWNERS_FILE = "style_owners.json"
_INVISIBLE = {"Cc", "Cf"}  # control and format characters: NUL, bidi overrides and isolates, zero-width ones
_FORMULA = re.compile(r"^[=+\-@\s]+")  # what makes a spreadsheet read a cell as a formula


@dataclass(frozen=True)
class Style:
    name: str
    prompt: str
    negative_prompt: str = ""


@dataclass(frozen=True)
class Saved:
    """What a save did: the style, where the file is, and whether it replaced one of that name."""

    style: Style
    path: str
    replaced: bool

    @property
    def file(self) -> str:
        """The file's name alone, as answers and messages show it (never the server's folders)."""
        return Path(self.path).name


class StyleExists(ConfigError):
    """A style of that name exists: the caller asks before replacing it, each front end in its own words (`way`:
    "click Replace it", "add --replace", 'send "replace": true')."""

    def __init__(self, name: str, file: str, way: str = ""):
        self.name, self.file = name, file
        hint = f"a style named {name!r} exists in {file}: " + (f"{way} to replace it" if way else "replace it")
        super().__init__("name", hint=hint + ", or choose another name")

    def said(self, way: str) -> StyleExists:
        """The same refusal, saying how this front end replaces a style."""
        return StyleExists(self.name, self.file, way)


def check_name(name: str) -> str:
    """A style name the WebUI keeps and a spreadsheet shows as text: one line without control or format
    characters, not a formula (leading `= + - @` dropped), not a comment (`#`), at most MAX_NAME characters."""
    name = _FORMULA.sub("", _one_line(name or ""))
    if not name:
        raise ConfigError("name", hint="is empty: name the style")
    if name.startswith("#"):
        raise ConfigError("name", name, hint="a name starting with # is a comment in styles.csv")
    if len(name) > MAX_NAME:
        raise ConfigError("name", hint=f"is {len(name)} characters; the limit is {MAX_NAME}")
    return name


def _one_line(text: str) -> str:
    """The text on one line: each run of whitespace one space, control and format characters gone."""
    return " ".join("".join(c for c in text if c.isspace() or unicodedata.category(c) not in _INVISIBLE).split())


def template_of(prompt: str, subject: str = "") -> str:
    """The prompt with `{prompt}` where its subject is: `subject` if given (it must be in the prompt), else the
    first term that names a subject (past the quality tags and the user's syntax), else the first term."""
    if subject.strip():
        found = re.search(re.escape(subject.strip()), prompt, re.I)
        if not found:
            raise ConfigError("subject", subject, hint="is not in the prompt")
        return prompt[:found.start()] + "{prompt}" + prompt[found.end():]
    parts = tag_terms(prompt)
    if not parts:
        raise ConfigError("prompt", hint="is empty")
    picked = next((t for t in parts if "subject" in read_term(t).slots and not read_term(t).syntax),
                  next((t for t in parts if not read_term(t).slots <= {"quality", "syntax"}), parts[0]))
    at = prompt.find(picked) + _medium_before(picked)
    return prompt[:at] + "{prompt}" + prompt[prompt.find(picked) + len(picked):]


def _medium_before(term: str) -> int:
    """Where the subject starts in a term that opens with its medium (`photo of a red fox`, `a watercolor painting
    of a lighthouse`): the medium is the style's, so it stays outside `{prompt}`; 0 for any other term."""
    phrases = read_term(term).phrases
    subject = next((i for i, p in enumerate(phrases) if p.slot == "subject"), 0)
    if not subject or not all(p.slot == "medium" for p in phrases[:subject]):
        return 0
    return term.find(phrases[subject].body, phrases[subject].start)


def make_style(name: str, prompt: str, negative: str = "", *, template: bool = False, subject: str = "") -> Style:
    """A style from prompt fields: the prompt whole, or as a `{prompt}` template around the subject. A leading
    `= + - @` is dropped (it means nothing to Stable Diffusion; a spreadsheet would read a formula)."""
    prompt, negative = _FORMULA.sub("", prompt).strip(), _FORMULA.sub("", negative).strip()
    if not prompt:
        raise ConfigError("prompt", hint="is empty: there is nothing to save")
    if "{prompt}" in prompt:
        template = False  # already a template: kept as it is
    return Style(check_name(name), template_of(prompt, subject) if template else prompt, negative)


@dataclass
class _Row:
    start: int  # offsets in the file's text
    end: int
    values: list[str]


def _rows(text: str) -> list[_Row]:
    """Every CSV record of the text with where it lies (a quoted value may span lines)."""
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    ends = [0]
    for line in lines:
        ends.append(ends[-1] + len(line))
    taken = [0]  # lines the reader has consumed: it reads one record's lines, never ahead

    def feed():
        for line in lines:
            taken[0] += 1
            yield line

    rows, start = [], 0
    for values in csv.reader(feed(), skipinitialspace=True):
        rows.append(_Row(start, ends[taken[0]], values))
        start = ends[taken[0]]
    return rows


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    """One lock per file in this process: two saves at once would each write back what they read."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, threading.Lock())


if sys.platform == "win32":
    def _lock(handle: IO[bytes]) -> None:
        """Lock the lock file's first byte; LK_LOCK tries for ten seconds, this a minute, then raises."""
        handle.seek(0)
        for _ in range(5):
            with contextlib.suppress(OSError):
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _held(path: Path) -> Iterator[None]:
    """The file's lock, in this process (threads) and across processes (the WebUI, `serve`, the CLI): the lock
    file `<name>.lock` beside it. Makes the file's folder. Raises OSError."""
    with _lock_for(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".lock"), "a+b") as handle:
            _lock(handle)
            try:
                yield
            finally:
                _unlock(handle)


def _why(err: OSError) -> str:
    """What went wrong, without the path an OSError's text carries."""
    return err.strerror or type(err).__name__


def _write_atomically(target: Path, text: str) -> None:
    """Write the file atomically (a temporary file beside it, then a rename), keeping its mode. Raises OSError."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if target.exists():
            shutil.copymode(target, temporary)
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


class Owners:
    """Who saved each style through us, by the styles file's real path and the style's name: a small JSON file
    in the data folder, replaced atomically under its lock."""

    def __init__(self, path: Path):
        self.path = path

    def of(self, file: Path, name: str) -> str | None:
        """Who saved that style; None when nobody did through us."""
        return self._read().get(str(file), {}).get(name)

    def record(self, file: Path, name: str, user: str) -> None:
        try:
            with _held(self.path):
                owners = self._read()
                owners.setdefault(str(file), {})[name] = user
                _write_atomically(self.path, json.dumps(owners, ensure_ascii=False, indent=1, sort_keys=True))
        except OSError as err:
            raise ConfigError("style owners", hint=f"{self.path.name} cannot be written ({_why(err)})") from err

    def _read(self) -> dict[str, dict[str, str]]:
        """The records; none when the file is missing or not ours (a save rewrites it whole)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except OSError as err:
            raise ConfigError("style owners", hint=f"{self.path.name} cannot be read ({_why(err)})") from err
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Saver:
    """Who saves: unless `admin`, a user replaces only a style they saved (one nobody saved through us is not
    theirs). `owners` records who saved each style."""

    user: str
    admin: bool
    owners: Owners

    def check(self, file: Path, name: str) -> None:
        """Refuse replacing another user's style (Forbidden) unless this user is an administrator."""
        if not self.admin and self.owners.of(file, name) != self.user:
            raise Forbidden("name", hint=f"a style named {name!r} in {file.name} is another user's: only an "
                                         "administrator (SDPA_SERVE_ADMINS) replaces it; choose another name")


class StylesFile:
    """One styles.csv, read and written as the WebUI does (UTF-8 with or without a BOM, csv quoting)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def _real(self) -> Path:
        """The file itself: a link (the WebUI's styles.csv linked from elsewhere) is written through."""
        return Path(os.path.realpath(self.path))

    def _text(self) -> tuple[str, bool]:
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):  # a FIFO would hang the read
                raise ConfigError("styles file", self.path.name, hint="is not a regular file")
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return "", True
        except OSError as err:
            raise ConfigError("styles file", self.path.name, hint=f"cannot be read ({_why(err)})") from err
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ConfigError("styles file", self.path.name, hint="is not UTF-8 text") from err
        return text.removeprefix(BOM), text.startswith(BOM)

    def styles(self) -> dict[str, Style]:
        """The styles as the WebUI reads them: by name, the last row of a name wins, comments skipped."""
        text, _bom = self._text()
        rows = _rows(text)
        header = rows[0].values if rows else []
        found = {}
        for row in rows[1:]:
            data = dict(zip(header, row.values, strict=False))
            name = data.get("name", "")
            if name and not name.startswith("#"):
                found[name] = Style(name, data.get("prompt", data.get("text", "")) or "",
                                    data.get("negative_prompt", "") or "")
        return found

    def save(self, style: Style, *, replace: bool = False, saver: Saver | None = None) -> Saved:
        """Append the style, or replace the row of its name (`replace`, if `saver` may); every other byte stays.
        The saver is recorded as the style's."""
        real = self._real()
        try:
            with _held(real):
                return self._save(style, replace, saver, real)
        except OSError as err:
            raise ConfigError("styles file", self.path.name, hint=f"cannot be written ({_why(err)})") from err

    def _save(self, style: Style, replace: bool, saver: Saver | None, real: Path) -> Saved:
        text, bom = self._text()
        rows = _rows(text)
        header = rows[0].values if rows and rows[0].values else []
        ending = "\r\n" if "\r\n" in text or not text else "\n"
        if not header:
            text, bom, header = ",".join(COLUMNS) + ending, True, list(COLUMNS)
        row = _record(header, style, ending, self.path.name)
        same = [r for r in rows[1:] if dict(zip(header, r.values, strict=False)).get("name") == style.name]
        if same and not replace:
            raise StyleExists(style.name, self.path.name)
        if same and saver:
            saver.check(real, style.name)
        if same:
            last = same[-1]
            text = text[:last.start] + row + text[last.end:]
        else:
            text += ("" if text.endswith("\n") else ending) + row
        _write_atomically(real, (BOM if bom else "") + text)
        if saver:
            saver.owners.record(real, style.name, saver.user)
        return Saved(style, str(self.path), bool(same))


def _record(header: list[str], style: Style, ending: str, file: str) -> str:
    """One CSV record in the file's columns and line ending."""
    if not any(c in header for c in ("prompt", "text")) or "name" not in header:
        raise ConfigError("styles file", file, hint="has no name and prompt columns")
    if style.negative_prompt and "negative_prompt" not in header:
        raise ConfigError("styles file", file, hint="has no negative_prompt column (an old WebUI's file): save "
                          "a style in the WebUI once to update it")
    values = {"name": style.name, "prompt": style.prompt, "text": style.prompt,
              "negative_prompt": style.negative_prompt}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([values.get(column, "") for column in header])
    return buffer.getvalue()[:-2] + ending


class HostStyles:
    """The WebUI's style store (`shared.prompt_styles`, A1111 and Forge): the file a style of that name is in,
    else the WebUI's default styles file; reloaded after the write, so the Styles dropdown has it at once."""

    def __init__(self, database: Any):
        self.database = database

    def save(self, style: Style, *, replace: bool = False, saver: Saver | None = None) -> Saved:
        existing = self.database.styles.get(style.name)
        path = getattr(existing, "path", None)
        target = StylesFile(path if path and path != "do_not_save" else self.database.default_path)
        if existing is not None and not replace:
            raise StyleExists(style.name, target.path.name)
        saved = target.save(style, replace=replace, saver=saver)
        self.database.reload()
        return saved
