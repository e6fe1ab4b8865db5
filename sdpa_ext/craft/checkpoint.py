"""A checkpoint's architecture from its safetensors header: the tensor names tell SD 1.5, SD 2, SDXL,
SD3 and Flux apart without loading a single weight (the header is a few hundred kilobytes)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

MAX_HEADER = 100 * 1024 * 1024
# (a piece of a tensor name, the architecture it shows), most specific first.
_MARKERS = (("double_blocks.", "flux"), ("joint_blocks.", "sd3"), ("conditioner.embedders.1.", "sdxl"),
            ("cond_stage_model.model.transformer", "sd2"), ("cond_stage_model.transformer", "sd1"),
            ("label_emb.", "sdxl"), ("model.diffusion_model.input_blocks", "sd1"))


def arch_of_file(path: str | Path) -> str:
    """`flux`, `sd3`, `sdxl`, `sd2`, `sd1`, or '' when the file is absent, not safetensors, or unknown."""
    try:
        with Path(path).open("rb") as handle:
            (size,) = struct.unpack("<Q", handle.read(8))
            if not 2 <= size <= MAX_HEADER:
                return ""
            header = json.loads(handle.read(size).decode("utf-8"))
    except (OSError, ValueError, struct.error, UnicodeDecodeError):
        return ""
    names = [name for name in header if name != "__metadata__"] if isinstance(header, dict) else []
    for marker, arch in _MARKERS:
        if any(marker in name for name in names):
            return arch
    return ""
