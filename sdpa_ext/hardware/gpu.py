"""What the GPUs hold, through torch.cuda (imported lazily; ROCm builds answer through the same API).

No torch or no CUDA is a clean report, never an exception. Tests pass a stand-in for `torch`.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass

GB = 1024**3


@dataclass
class GpuInfo:
    index: int
    name: str
    total_gb: float
    free_gb: float
    process_gb: float = 0.0  # what this process holds (inside the WebUI: Stable Diffusion)
    backend: str = "cuda"  # cuda or rocm


@dataclass
class GpuReading:
    gpus: list[GpuInfo]
    message: str = ""  # why there are none


def _torch():
    """torch if the process already has it or it can be imported; None otherwise."""
    if "torch" in sys.modules:
        return sys.modules["torch"]
    try:
        return importlib.import_module("torch")
    except Exception:  # not installed, or a broken install: both mean "no CUDA GPU" here
        return None


def read_gpus(torch=None) -> GpuReading:
    """Every CUDA (or ROCm) device with its total and free memory."""
    torch = torch if torch is not None else _torch()
    if torch is None:
        return GpuReading([], "no CUDA GPU: torch is not installed")
    try:
        if not torch.cuda.is_available():
            return GpuReading([], "no CUDA GPU: torch reports none available")
        backend = "rocm" if getattr(getattr(torch, "version", None), "hip", None) else "cuda"
        gpus = []
        for index in range(torch.cuda.device_count()):
            free, total = torch.cuda.mem_get_info(index)
            try:
                held = torch.cuda.memory_reserved(index)
            except Exception:
                held = 0
            gpus.append(GpuInfo(index, torch.cuda.get_device_name(index), round(total / GB, 2), round(free / GB, 2),
                                round(held / GB, 2), backend))
    except Exception as err:  # a driver error must not break the report
        return GpuReading([], f"no CUDA GPU: torch.cuda failed ({type(err).__name__}: {err})")
    return GpuReading(gpus, "" if gpus else "no CUDA GPU: torch found no devices")


def what_if(total_gb: float, name: str = "what-if GPU") -> GpuReading:
    """A pretend card with all its memory free: `hardware --vram-gb N`."""
    return GpuReading([GpuInfo(0, name, float(total_gb), float(total_gb))])
