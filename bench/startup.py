"""What the extension adds to WebUI start-up: loading scripts/sdpa.py in a fresh interpreter that has
already imported what the WebUI imports (Gradio, FastAPI, requests), against loading an empty script
in the same interpreter. Uses the fakes of `modules` in tests/fakes (the real host's own start-up
work is not ours to count).

    python bench/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import importlib.util, json, socket, sys, time
sys.path[:0] = [sys.argv[1] + "/tests/fakes", sys.argv[1]]
connects = []
real = socket.socket.connect
socket.socket.connect = lambda self, address: (connects.append(str(address)), real(self, address))[1]
import gradio, fastapi, requests  # the WebUI has these loaded before it loads extension scripts
import modules.options, modules.script_callbacks, modules.scripts, modules.shared
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("script", sys.argv[2])  # as the WebUI loads scripts
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(json.dumps({"s": time.perf_counter() - start, "connects": connects}))
"""


def _load(script: Path, env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(script)], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.py"
        empty.write_text("", encoding="utf-8")
        env_file = Path(tmp) / "empty.env"
        env_file.write_text("", encoding="utf-8")
        env = {**os.environ, "SDPA_ENV_FILE": str(env_file), "SDPA_DATA_DIR": tmp, "GRADIO_ANALYTICS_ENABLED": "False"}
        ours, base, connects = [], [], []
        for _ in range(args.runs):  # alternate, so drift hits both sides alike
            result = _load(ROOT / "scripts" / "sdpa.py", env)
            ours.append(result["s"] * 1000)
            connects += result["connects"]
            base.append(_load(empty, env)["s"] * 1000)
    added = statistics.median(ours) - statistics.median(base)
    print(f"Loading scripts/sdpa.py with Gradio, FastAPI and requests already imported; median of {args.runs} "
          "fresh interpreters each.\n")
    print("| | median | p90 |")
    print("|---|---|---|")
    for label, values in (("scripts/sdpa.py", ours), ("an empty script", base)):
        p90 = sorted(values)[int(0.9 * (len(values) - 1))]
        print(f"| {label} | {statistics.median(values):.1f} ms | {p90:.1f} ms |")
    print(f"\nAdded: {added:.1f} ms (target <= 30 ms: {'met' if added <= 30 else 'not met'}); "
          f"network connections while loading: {len(connects)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
