"""WebUI command-line flags for SD Prompt Assistant (read as `shared.cmd_opts.<name>`), from the settings
table in sdpa_ext/settings/config.py."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)


def preload(parser) -> None:
    sys.path.insert(0, HERE)  # the WebUI loads this file by path, before the extension's folder is on sys.path
    try:
        from sdpa_ext.settings.config import flags, without_backticks
    finally:
        sys.path.remove(HERE)
    group = parser.add_argument_group("SD Prompt Assistant")
    for flag, setting in flags().items():
        what = setting.options[0].label if setting.options else without_backticks(setting.meaning)
        group.add_argument(flag, type=str, default=None, choices=list(setting.valid) or None,
                           help=f"SD Prompt Assistant: {what} (overrides {setting.name})")
