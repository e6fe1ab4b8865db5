"""Keep API keys out of every text we show: a process-wide set of known secrets and a scrubber."""

from __future__ import annotations

import logging
import re
import threading

_lock = threading.Lock()
_secrets: set[str] = set()
# Shapes of vendor keys, scrubbed even when we were never told about them.
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


def scrub(text: str) -> str:
    """Replace every known secret and key-shaped token in `text` with a mask."""
    if not text:
        return text
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, "***")
    return _KEY_SHAPES.sub("***", text)


class ScrubFilter(logging.Filter):
    """Logging filter that scrubs secrets from every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def get_logger(name: str) -> logging.Logger:
    """A logger of ours with the scrubber attached (filters do not propagate, so each gets one)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, ScrubFilter) for f in logger.filters):
        logger.addFilter(ScrubFilter())
    return logger
