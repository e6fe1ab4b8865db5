"""Keep API keys out of every text we show (a process-wide set of known secrets and a scrubber) and
keep the files that hold them owner-only."""

from __future__ import annotations

import logging
import os
import re
import stat
import threading
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_secrets: set[str] = set()
# Shapes of vendor keys, scrubbed even when we were never told about them.
RUN = 8  # any run of this many characters of a known secret is scrubbed, however it was cut or masked
_SURROGATE = re.compile("[\ud800-\udfff]")
_KEY_SHAPES = re.compile(r"(sk-ant-[A-Za-z0-9_\-]{8,}|sk-[A-Za-z0-9_\-]{16,}|AIza[0-9A-Za-z_\-]{20,})")


def register(*values: str | None) -> None:
    """Remember secrets so `scrub` removes them from any text."""
    with _lock:
        _secrets.update(v for v in values if v and len(v) >= 4)


def mask(value: str | None) -> str:
    """How a key is shown: `set (...abcd)` or `not set`."""
    if not value:
        return "not set"
    return f"set (...{value[-4:]})" if len(value) >= 8 else "set"


def _grams() -> frozenset[str]:
    with _lock:
        return frozenset(value[i:i + RUN] for value in _secrets for i in range(len(value) - RUN + 1))


def scrub(text: str) -> str:
    """Mask every known secret, every run of RUN or more of its characters (a key echoed in part, whatever
    it looks like), and key-shaped tokens in `text`."""
    if not text:
        return text
    with _lock:
        short = sorted((v for v in _secrets if len(v) < RUN), key=len, reverse=True)
    for value in short:
        text = text.replace(value, "***")
    grams = _grams()
    if grams and len(text) >= RUN:
        hidden = bytearray(len(text))
        for start in range(len(text) - RUN + 1):
            if text[start:start + RUN] in grams:
                hidden[start:start + RUN] = b"\x01" * RUN
        if any(hidden):
            pieces = re.split("(\x01+)", hidden.decode("latin-1"))  # runs of hidden and shown characters
            out, at = [], 0
            for piece in pieces:
                out.append("***" if piece.startswith("\x01") else text[at:at + len(piece)])
                at += len(piece)
            text = "".join(out)
    return _KEY_SHAPES.sub("***", text)


def clean(value: Any) -> Any:
    """`value` fit to show or keep: in every string (in lists, tuples and dicts too, keys included) secrets
    scrubbed and a lone surrogate (JSON's `\\ud800`, which no file or page can hold) made U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = _SURROGATE.sub("\ufffd", value)
        return scrub(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean(v) for v in value)
    return value


def private_dir(folder: Path) -> None:
    """Create `folder` owner-only (0700), or make it so."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and folder.stat().st_mode & 0o077:
        folder.chmod(0o700)


# Never follow a link to another file, never wait on a FIFO's other end (0 where the system has no such flag).
_SAFE_OPEN = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _open_private(path: Path, flags: int) -> int:
    """A descriptor of `path`, a regular file made owner-only (0600): a symbolic link, a FIFO or a device is
    refused (OSError), and an existing file readable by others is tightened through the descriptor itself."""
    try:
        fd = os.open(path, flags | _SAFE_OPEN, 0o600)
    except OSError as err:
        if path.is_symlink():
            raise OSError(f"{path.name} is a symbolic link; use the file itself") from err
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if os.name == "posix" and info.st_mode & 0o077:
            os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


def private_file(path: Path) -> None:
    """Create `path` empty and owner-only (0600) unless it exists; make an existing one 0600 (see
    `_open_private` for what is refused)."""
    os.close(_open_private(path, os.O_CREAT | os.O_RDWR))


def read_private(path: Path, limit: int = 1_000_000) -> str:
    """The text (UTF-8) of an owner-only file of at most `limit` bytes, made 0600 if it was wider; OSError for
    a missing, linked, special or oversized file."""
    fd = _open_private(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{path.name} is larger than {limit} bytes")
    return data.decode("utf-8")


class ScrubFilter(logging.Filter):
    """Logging filter that scrubs secrets from every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shown = scrub(message)
        if shown != message:
            record.msg, record.args = shown, ()
        if record.exc_info:  # a traceback may quote the text that failed
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def get_logger(name: str) -> logging.Logger:
    """A logger of ours with the scrubber attached (filters do not propagate, so each gets one)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, ScrubFilter) for f in logger.filters):
        logger.addFilter(ScrubFilter())
    return logger
