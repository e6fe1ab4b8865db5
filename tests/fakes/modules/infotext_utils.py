"""modules.infotext_utils: the host's infotext parser, marked so a test sees it was the one used, and adding
one of the UI defaults the real one adds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def parse_generation_parameters(x, skip_fields=None):
    prompt, _, rest = x.partition("\nNegative prompt: ")
    negative, _, last = rest.rpartition("\n")
    fields = dict(pair.split(": ", 1) for pair in last.split(", ") if ": " in pair)
    return {**fields, "Prompt": f"host: {prompt}", "Negative prompt": negative, "Clip skip": "1"}



@dataclass
class ParamBinding:
    """What a "send to" button pastes where (the host's own class, its fields as the host names them)."""

    paste_button: Any
    tabname: str
    source_text_component: Any = None
    source_image_component: Any = None
    source_tabname: str | None = None
    override_settings_component: Any = None
    paste_field_names: list | None = None


registered_param_bindings: list[ParamBinding] = []


def register_paste_params_button(binding: ParamBinding) -> None:
    registered_param_bindings.append(binding)
