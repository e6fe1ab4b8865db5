"""VRAM budgeting over injected torch.cuda readings, and Ollama administration over real HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from sdpa_ext.errors import Cancelled
from sdpa_ext.hardware import free_vram_for_generation, machine_report
from sdpa_ext.hardware import gpu as gpu_module
from sdpa_ext.hardware.gpu import GB, GpuReading, read_gpus, what_if
from sdpa_ext.hardware.ollama_vram import OllamaAdmin
from sdpa_ext.hardware.planner import SdFacts, auto_configure, hardware_report
from sdpa_ext.images.vision import sees
from sdpa_ext.providers.types import CancelToken
from sdpa_ext.ui.render import vram_bar

from .support import free_port, serve, stop
from .wire import OllamaServer

ROOT = Path(__file__).resolve().parent.parent


class FakeCuda:
    """What torch.cuda would report: devices as (name, total GB, free GB, reserved GB)."""

    def __init__(self, devices: list[tuple[str, float, float, float]], available: bool = True):
        self.devices, self.available = devices, available

    def is_available(self) -> bool:
        return self.available

    def device_count(self) -> int:
        return len(self.devices)

    def get_device_name(self, index: int) -> str:
        return self.devices[index][0]

    def mem_get_info(self, index: int) -> tuple[int, int]:
        return int(self.devices[index][2] * GB), int(self.devices[index][1] * GB)

    def memory_reserved(self, index: int) -> int:
        return int(self.devices[index][3] * GB)


class FakeTorch:
    def __init__(self, devices, available: bool = True, hip: str | None = None):
        self.cuda = FakeCuda(devices, available)
        self.version = type("V", (), {"hip": hip})()


def test_readings_come_from_torch_cuda():
    reading = read_gpus(FakeTorch([("NVIDIA GeForce RTX 4070", 12.0, 9.5, 2.25)]))
    gpu = reading.gpus[0]
    assert (gpu.name, gpu.total_gb, gpu.free_gb, gpu.process_gb, gpu.backend) == (
        "NVIDIA GeForce RTX 4070", 12.0, 9.5, 2.25, "cuda")


def test_rocm_answers_through_the_same_api():
    assert read_gpus(FakeTorch([("AMD Radeon RX 7900 XTX", 24.0, 23.0, 0.0)], hip="6.0")).gpus[0].backend == "rocm"


def test_no_cuda_and_no_torch_are_clean_reports(monkeypatch):
    assert read_gpus(FakeTorch([], available=False)).message == "no CUDA GPU: torch reports none available"
    monkeypatch.setattr(gpu_module, "_torch", lambda: None)
    reading = read_gpus()
    assert reading.gpus == [] and reading.message == "no CUDA GPU: torch is not installed"
    report = hardware_report(reading, SdFacts(), None)
    assert not report.cuda and report.budget_gb == 0 and "CPU" in report.recommended.reason


def test_a_broken_driver_is_a_report_not_an_exception():
    class Broken(FakeTorch):
        def __init__(self):
            super().__init__([("x", 8, 8, 0)])
            self.cuda.mem_get_info = lambda index: (_ for _ in ()).throw(RuntimeError("CUDA error: unknown"))

    assert "torch.cuda failed (RuntimeError" in read_gpus(Broken()).message


@pytest.mark.parametrize(("gb", "planning", "execution", "total", "left"), [
    (16, "llama3.1:8b", "phi3:mini", 7.0, 9.0),
    (8, "mistral:7b", "llama3.2:3b", 6.0, 2.0),
    (4, "llama3.2:3b", "gemma2:2b", 3.5, 0.5),
])
def test_the_guides_three_tiers(gb, planning, execution, total, left):
    dual = hardware_report(what_if(gb), SdFacts(), None).recommended.dual
    assert (dual["planning"]["model"], dual["execution"]["model"]) == (planning, execution)
    assert (dual["total_gb"], dual["free_for_sd_gb"]) == (total, left)
    assert dual["planning"]["pull"] == f"ollama pull {planning}"


# Worked by hand from sd.json at 1024x1024 (1.048576 MP), batch 1: budget = card - footprint - working - margin,
# working = base + per-MP x 1.048576, margin = 0.5 GB + 5 % of the card. E.g. 16 GB with SDXL: 16 - 6.9 -
# (0.6 + 1.4 x 1.048576) - (0.5 + 0.8) = 5.73; 12 GB with SD 1.5: 12 - 2.1 - 1.658 - 1.1 = 7.14. Swap mode reports
# what is left beside the checkpoint (0 when nothing is).
GRID = [
    (4, "sd15", "swap", 0.0, "phi3:mini", "qwen2.5:1.5b"), (4, "sdxl", "swap", 0.0, "phi3:mini", "qwen2.5:1.5b"),
    (4, "flux", "swap", 0.0, "phi3:mini", "qwen2.5:1.5b"), (6, "sd15", "swap", 1.44, "phi3:mini", "qwen2.5:1.5b"),
    (6, "sdxl", "swap", 0.0, "gemma3:4b", "qwen2.5:3b"), (6, "flux", "swap", 0.0, "gemma3:4b", "qwen2.5:3b"),
    (8, "sd15", "concurrent", 3.34, "phi3:mini", "qwen2.5:1.5b"), (8, "sdxl", "swap", 0.0, "qwen2.5:7b", "llama3.2:3b"),
    (8, "flux", "swap", 0.0, "qwen2.5:7b", "llama3.2:3b"),
    (12, "sd15", "concurrent", 7.14, "qwen2.5:7b", "llama3.2:3b"),
    (12, "sdxl", "swap", 1.93, "phi3:mini", "qwen2.5:3b"),
    (12, "flux", "swap", 0.0, "qwen2.5:14b", "qwen2.5:3b"),
    (16, "sd15", "concurrent", 10.94, "qwen2.5:14b", "qwen2.5:3b"),
    (16, "sdxl", "concurrent", 5.73, "qwen2.5:7b", "qwen2.5:1.5b"),
    (16, "flux", "swap", 0.0, "qwen2.5:14b", "llama3.2:3b"),
    (24, "sd15", "concurrent", 18.54, "qwen2.5:14b", "llama3.2:3b"),
    (24, "sdxl", "concurrent", 13.33, "qwen2.5:14b", "llama3.2:3b"),
    (24, "flux", "concurrent", 7.2, "qwen2.5:7b", "llama3.2:3b"),
]
FOOTPRINT = {"sd15": (2.1, 1.66), "sdxl": (6.9, 2.07), "flux": (12.0, 3.1)}  # resident, working GB at 1024x1024


@pytest.mark.parametrize(("gb", "family", "mode", "budget", "planning", "execution"), GRID)
def test_sd_families_beside_4_to_24_gb(gb, family, mode, budget, planning, execution):
    report = hardware_report(what_if(gb), SdFacts(family=family, source="--family"), None)
    rec = report.recommended
    assert (rec.mode, report.budget_gb) == (mode, budget)
    assert (rec.dual["planning"]["model"], rec.dual["execution"]["model"]) == (planning, execution)
    assert (report.sd["footprint_gb"], report.sd["working_gb"]) == FOOTPRINT[family]
    if mode == "concurrent":
        assert rec.dual["total_gb"] <= budget
    else:
        assert "Swap mode" in rec.reason and "{:.1f} GB + {:.1f} GB".format(*FOOTPRINT[family]) in rec.reason


def test_expected_modes_for_common_setups():
    def mode(gb, family):
        return hardware_report(what_if(gb), SdFacts(family=family), None).recommended.mode

    assert mode(8, "sd15") == "concurrent" and mode(8, "sdxl") == "swap"
    assert mode(16, "sdxl") == "concurrent" and mode(16, "flux") == "swap" and mode(24, "flux") == "concurrent"


def test_more_working_memory_for_bigger_images_and_batches():
    small = SdFacts(family="sdxl", width=832, height=1216)
    big = SdFacts(family="sdxl", width=1536, height=1536, batch=4)
    assert big.working_gb() > small.working_gb() * 3
    assert hardware_report(what_if(16), big, None).recommended.mode == "swap"


def test_medvram_shrinks_the_footprint_and_a_given_size_wins():
    assert SdFacts(family="sdxl", mode="medvram").resident_gb() == pytest.approx(3.45)
    assert SdFacts(family="sdxl", footprint_gb=4.2).resident_gb() == 4.2


def test_two_gpus_sd_on_one_room_on_the_other():
    reading = read_gpus(FakeTorch([("RTX 3060 8GB", 8.0, 1.0, 6.5), ("RTX 3090", 24.0, 24.0, 0.0)]))
    report = hardware_report(reading, SdFacts(family="sdxl", gpu_index=0, source="host"), None)
    rec = report.recommended
    assert rec.gpu_index == 1 and rec.mode == "concurrent"
    assert rec.dual["free_for_sd_gb"] == 24.0  # Stable Diffusion is on the other card
    assert "another GPU" in rec.reason


def test_installed_models_are_preferred():
    with OllamaServer(installed=[{"name": "qwen2.5:3b", "size": 1_929_000_000},
                                 {"name": "gemma2:2b", "size": 1_629_000_000}]) as server:
        state = OllamaAdmin(server.url).state()
    rec = hardware_report(what_if(16), SdFacts(family="sdxl"), state).recommended
    assert (rec.dual["planning"]["model"], rec.dual["execution"]["model"]) == ("qwen2.5:3b", "gemma2:2b")
    assert rec.dual["planning"]["installed"] and rec.dual["planning"]["pull"] == ""
    assert rec.single["model"] == "qwen2.5:3b"


def test_an_installed_model_unknown_to_the_catalog_is_considered():
    with OllamaServer(installed=[{"name": "my-finetune:7b", "size": 4_400_000_000},
                                 {"name": "llama3.2:3b", "size": 2_019_393_189}]) as server:
        state = OllamaAdmin(server.url).state()
    rec = hardware_report(what_if(24), SdFacts(family="sdxl"), state).recommended
    assert rec.dual["planning"]["model"] == "my-finetune:7b"


def test_ollama_state_reports_version_installed_loaded_and_unreachable():
    with OllamaServer() as server:
        admin = OllamaAdmin(server.url)
        admin.warm("llama3.2:3b")
        state = admin.state()
    assert state.reachable and state.version == "0.12.0"
    assert [m["name"] for m in state.installed] == ["llama3.2:3b", "qwen2.5:7b"]
    assert [m["name"] for m in state.loaded] == ["llama3.2:3b"] and state.loaded[0]["vram_gb"] > 0
    down = OllamaAdmin(f"http://127.0.0.1:{free_port()}").state()
    assert not down.reachable and "cannot connect" in down.error


def _settings(make_settings, server: OllamaServer, **extra):
    return make_settings({"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "ollama",
                          "EXECUTION_LLM_PROVIDER": "ollama", "OLLAMA_HOST": server.url, **extra})


def test_unload_leaves_ps_empty_of_our_models_and_reports_the_gb(make_settings):
    with OllamaServer(installed=[{"name": "llama3.1:8b", "size": 4_920_000_000},
                                 {"name": "llama3.2:3b", "size": 2_019_393_189},
                                 {"name": "other:1b", "size": 800_000_000}]) as server:
        admin = OllamaAdmin(server.url)
        for model in ("llama3.1:8b", "llama3.2:3b", "other:1b"):
            admin.warm(model)
        settings = _settings(make_settings, server, PLANNING_OLLAMA_MODEL="llama3.1:8b",
                             EXECUTION_OLLAMA_MODEL="llama3.2:3b")
        loaded = {m["name"]: m["vram_gb"] for m in admin.state().loaded}
        freed = free_vram_for_generation(settings, policy="always")
        left = [m["name"] for m in admin.state().loaded]
    assert sorted(freed.unloaded) == ["llama3.1:8b", "llama3.2:3b"]
    assert freed.freed_gb == pytest.approx(loaded["llama3.1:8b"] + loaded["llama3.2:3b"], abs=0.02)
    assert left == ["other:1b"]  # only the models this extension uses


def test_policy_auto_unloads_only_when_they_do_not_fit(make_settings):
    with OllamaServer(installed=[{"name": "llama3.1:8b", "size": 4_920_000_000}]) as server:
        admin = OllamaAdmin(server.url)
        settings = _settings(make_settings, server, PLANNING_OLLAMA_MODEL="llama3.1:8b",
                             EXECUTION_OLLAMA_MODEL="llama3.1:8b")
        admin.warm("llama3.1:8b")
        roomy = free_vram_for_generation(settings, SdFacts(family="sd15", width=512, height=512),
                                         policy="auto", reading=what_if(24))
        assert roomy.unloaded == [] and roomy.reason == "they fit together"
        tight = free_vram_for_generation(settings, SdFacts(family="sdxl"), policy="auto", reading=what_if(8))
        assert tight.unloaded == ["llama3.1:8b"]
        never = free_vram_for_generation(settings, SdFacts(family="sdxl"), policy="never", reading=what_if(8))
        assert never.reason == "policy never"


def test_pull_streams_progress_and_can_be_cancelled():
    with OllamaServer(pull_delay=0.05) as server:
        admin = OllamaAdmin(server.url)
        seen = []
        admin.pull("gemma2:2b", on_progress=seen.append)
        assert seen[-1].status == "success" and any(0 < p.fraction < 1 for p in seen)
        assert any(m["name"] == "gemma2:2b" for m in admin.state().installed)

        cancel = CancelToken()
        steps = []

        def on_progress(progress):
            steps.append(progress)
            if len(steps) == 3:
                threading.Timer(0.01, cancel.cancel).start()

        start = time.monotonic()
        with pytest.raises(Cancelled):
            admin.pull("qwen2.5:14b", on_progress=on_progress, cancel=cancel)
        assert time.monotonic() - start < 2
        deadline = time.monotonic() + 3
        while "qwen2.5:14b" not in server.pulls_cut and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "qwen2.5:14b" in server.pulls_cut
        assert not any(m["name"] == "qwen2.5:14b" for m in admin.state().installed)


def test_auto_configure_picks_models_and_the_banner_says_so(make_settings):
    with OllamaServer(installed=[{"name": "llama3.1:8b", "size": 4_920_000_000},
                                 {"name": "llama3.2:3b", "size": 2_019_393_189}]) as server:
        settings = _settings(make_settings, server, OLLAMA_AUTO_CONFIGURE="true", EXECUTION_OLLAMA_MODEL="mine:1b")
        report = machine_report(settings, SdFacts(family="sd15"), reading=what_if(16))
        notes = auto_configure(settings, report.recommended)
    assert settings.planning.model == "llama3.1:8b"
    assert settings.execution.model == "mine:1b"  # the user's own choice stays
    assert len(notes) == 1 and notes[0].startswith("planning: llama3.1:8b")
    assert "Planning: Ollama (llama3.1:8b) (auto: fits" in settings.banner()




def _cli(*args: str, tmp_path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env_file = tmp_path / "empty.env"
    env_file.write_text("", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sdpa_ext", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "", "SDPA_ENV_FILE": str(env_file), "SDPA_DATA_DIR": str(tmp_path),
                               "OLLAMA_HOST": f"127.0.0.1:{free_port()}", **(env or {})}, timeout=60)


@pytest.mark.parametrize(("args", "valid"), [
    (["--vram-gb", "-3"], "expected 0.5 to 1024"), (["--vram-gb", "0"], "expected 0.5 to 1024"),
    (["--vram-gb", "nan"], "expected 0.5 to 1024"), (["--width", "10"], "expected 64 to 8192"),
    (["--height", "99999"], "expected 64 to 8192"), (["--batch", "0"], "expected 1 to 64"),
    (["--checkpoint-gb", "-1"], "expected 0.1 to 200"),
])
def test_cli_hardware_refuses_numbers_out_of_range(tmp_path, args, valid):
    result = _cli("hardware", *args, tmp_path=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {args[0]}=") and line.endswith(valid)


def test_no_gpu_is_one_sentence_and_no_budget(tmp_path):
    reading = read_gpus(FakeTorch([], available=False))
    report = hardware_report(reading, SdFacts(family="sdxl"), None)
    assert report.message == "No CUDA GPU (torch reports none available): no VRAM to share, nothing to budget"
    assert report.recommended.mode == "cpu" and report.recommended.dual["free_for_sd_gb"] is None
    assert "GB" not in report.recommended.reason
    html = vram_bar(report.as_dict())  # the UI's GPU panel
    assert html.count("No CUDA GPU") == 1 and "Mode:" not in html and " 0 GB" not in html
    env = {"CUDA_VISIBLE_DEVICES": "", "HIP_VISIBLE_DEVICES": ""}  # no GPU, torch installed or not
    text = _cli("hardware", tmp_path=tmp_path, env=env)
    data = json.loads(_cli("hardware", "--json", tmp_path=tmp_path, env=env).stdout)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert [line for line in lines if "GPU" in line] == [data["message"]] and lines[0] == data["message"]
    for wrong in ("Budget", "left for Stable Diffusion", "concurrent", " 0 GB"):
        assert wrong not in text.stdout, wrong


def test_a_card_is_named_by_its_memory(tmp_path):
    result = _cli("hardware", "--vram-gb", "8", tmp_path=tmp_path)
    assert "the guide's pair for 8 GB of VRAM" in result.stdout and "a 8 GB" not in result.stdout


@pytest.mark.parametrize(("gb", "pair"), [("16", ["llama3.1:8b", "phi3:mini"]), ("8", ["mistral:7b", "llama3.2:3b"]),
                                          ("4", ["llama3.2:3b", "gemma2:2b"])])
def test_cli_what_if_prints_the_guides_pairs(tmp_path, gb, pair):
    result = _cli("hardware", "--vram-gb", gb, "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    dual = json.loads(result.stdout)["recommended"]["dual"]
    assert [dual["planning"]["model"], dual["execution"]["model"]] == pair


def test_cli_8gb_sdxl_fits_or_says_swap_with_the_reason(tmp_path):
    result = _cli("hardware", "--vram-gb", "8", "--family", "sdxl", "--json", tmp_path=tmp_path)
    data = json.loads(result.stdout)
    rec = data["recommended"]
    assert rec["mode"] == "swap" and "6.9 GB" in rec["reason"] and "Swap mode" in rec["reason"]
    assert set(data) >= {"gpus", "sd", "budget_gb", "ollama", "recommended"}
    assert data["sd"] == {"checkpoint": "", "family": "sdxl", "footprint_gb": 6.9, "source": "--family",
                          "working_gb": data["sd"]["working_gb"], "mode": "normal"}


def test_serve_answers_get_hardware(tmp_path):
    server, url = serve(tmp_path)
    try:
        data = requests.get(f"{url}/hardware", timeout=10).json()
        assert set(data) >= {"gpus", "sd", "budget_gb", "ollama", "recommended"}
        assert set(data["recommended"]) >= {"single", "dual", "mode", "reason"}
        assert set(data["ollama"]) >= {"host", "reachable", "version", "installed", "loaded"}
        assert data["gpus"] == [] and data["message"].startswith("No CUDA GPU (")
        assert data["recommended"]["mode"] == "cpu" and data["recommended"]["dual"]["free_for_sd_gb"] is None
        assert requests.get(f"{url}/sdpa/v1/hardware", timeout=10).json()["cuda"] is False
    finally:
        stop(server)


@pytest.mark.parametrize(("gb", "family", "vision"), [
    (24, None, "qwen2.5vl:7b"),  # no checkpoint known: the tier for the card
    (8, None, "qwen2.5vl:3b"),
    (4, None, "moondream:1.8b"),
    (24, "sdxl", "qwen2.5vl:7b"),  # beside SDXL on 24 GB: the best that fits
    (16, "sdxl", "qwen2.5vl:3b"),
    (8, "sd15", "moondream:1.8b"),  # 3.3 GB beside SD 1.5
    (12, "sdxl", "moondream:1.8b"),  # swap mode's room
    (6, "sdxl", "moondream:1.8b"),  # the whole card, spilling to the CPU while SDXL is loaded: the least spill
    (8, "sdxl", "moondream:1.8b"),  # issue 26, point 16: it was qwen2.5vl:7b (7 GB, mostly on the CPU)
])
def test_a_vision_model_is_budgeted_beside_the_checkpoint(gb, family, vision):
    sd = SdFacts(family=family, source="--family") if family else SdFacts()
    report = hardware_report(what_if(gb), sd, None)
    pick = report.recommended.vision
    assert pick["model"] == vision and pick["pull"] == f"ollama pull {vision}"
    if family and report.recommended.mode == "concurrent":
        assert pick["vram_gb"] <= report.budget_gb  # in the room the text models get
    assert sees("ollama", pick["model"])


def test_a_larger_card_never_gets_a_smaller_vision_model():
    """Issue 26, point 16: beside SDXL an 8 GB card was told to pull a 7 GB vision model that runs mostly on the
    CPU, while a 12 GB card got the 2.4 GB one."""
    picks = [(gb, hardware_report(what_if(gb), SdFacts(family="sdxl", source="--family"), None).recommended.vision)
             for gb in (4, 6, 8, 10, 12, 16, 24, 48)]
    sizes = [pick["vram_gb"] if pick else 0.0 for _, pick in picks]
    assert sizes == sorted(sizes), picks


def test_no_gpu_names_the_smallest_model_that_sees_and_installed_ones_come_first():
    assert hardware_report(GpuReading([], "no CUDA"), SdFacts(), None).recommended.vision["model"] == "moondream:1.8b"
    with OllamaServer(installed=[{"name": "llava:7b", "size": 4_700_000_000}]) as server:
        state = OllamaAdmin(server.url).state()
    pick = hardware_report(what_if(24), SdFacts(family="sdxl"), state).recommended.vision
    assert pick["model"] == "llava:7b" and pick["installed"] and pick["pull"] == ""
