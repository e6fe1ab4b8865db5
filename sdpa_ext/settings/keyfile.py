"""API keys typed in the UI: kept in the extension's own owner-only file (0600, in a 0700 folder), never in
the WebUI's config.json (which `GET /sdapi/v1/options` hands to anyone) and never shown again once saved.
A saved key wins over the environment's; `describe` says which one is used when both exist."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .. import secrets

_log = secrets.get_logger(__name__)
KEY_NAMES = ("ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENAI_API_KEY")
FILE_NAME = "keys.json"


def read_keys(data_dir: Path) -> dict[str, str]:
    """The saved keys; none when the file is missing, unreadable, not a regular file (a FIFO would hang
    us), a link, or not a JSON object. A file others may read is made owner-only first."""
    path = data_dir / FILE_NAME
    try:
        values = json.loads(secrets.read_private(path))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        _log.warning("saved keys not used: %s", err)
        return {}
    if not isinstance(values, dict):
        return {}
    keys = {k: v for k, v in values.items() if k in KEY_NAMES and isinstance(v, str) and v}
    secrets.register(*keys.values())
    return keys


def save_key(data_dir: Path, name: str, value: str) -> None:
    """Set (or, with an empty value, remove) one key. The file is created owner-only, atomically."""
    if name not in KEY_NAMES:
        raise ValueError(f"unknown key {name!r}; valid: {', '.join(KEY_NAMES)}")
    keys = read_keys(data_dir)
    value = value.strip()
    if value:
        keys[name] = value
        secrets.register(value)
    else:
        keys.pop(name, None)
    secrets.private_dir(data_dir)
    handle, temp = tempfile.mkstemp(prefix=".keys-", dir=data_dir)  # mkstemp creates it 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(keys, out)
        os.chmod(temp, 0o600)
        os.replace(temp, data_dir / FILE_NAME)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def shown(data_dir: Path) -> dict[str, str]:
    """What the UI may show: `set (...abcd)` or `not set`."""
    keys = read_keys(data_dir)
    return {name: secrets.mask(keys.get(name)) for name in KEY_NAMES}


def key_states(data_dir: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each key's state for the status line, saying which key is used when the page saved one and the
    environment has another."""
    environ = os.environ if environ is None else environ
    saved = read_keys(data_dir)
    lines = {}
    for name in KEY_NAMES:
        env = environ.get(name, "").strip()
        if name in saved and env and env != saved[name]:
            lines[name] = (f"{secrets.mask(saved[name])} saved here is used; the environment's "
                           f"{secrets.mask(env)} is not")
        elif name in saved:
            lines[name] = f"{secrets.mask(saved[name])} saved here"
        else:
            lines[name] = f"{secrets.mask(env)} from the environment" if env else "not set"
    return lines
