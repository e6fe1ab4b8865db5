"""The embedded model on this machine: load time, time to first token, tokens/s, peak RSS, plan wall time.

    python bench/embedded.py [--runs 5] [--env-file F]

Each run is a fresh process (the load is part of what users wait for); medians are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from sdpa_ext.assistant import Assistant
from sdpa_ext.settings.config import load_settings
from sdpa_ext.providers.types import ChatRequest, Message

env_file = sys.argv[2] or None
started = time.perf_counter()
assistant = Assistant(load_settings(env_file=env_file))
version = assistant.plan("a cozy cabin in a snowy forest at dusk")  # starts the model: the cold plan
cold_s = time.perf_counter() - started
client = assistant.roles.planning
runtime = client.runtime()
warm_start = time.perf_counter()
assistant.plan("a cozy cabin in a snowy forest at dusk")
warm_s = time.perf_counter() - warm_start
free = client.complete(ChatRequest([Message("user", "Describe a snowy forest in detail.")], max_tokens=128,
                                   temperature=0.0, seed=1))
decode_s = free.latency_s - (free.ttft_s or 0)
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"model": runtime.model.name, "threads": runtime.threads, "load_s": runtime.load_s,
                  "ttft_s": free.ttft_s, "tokens_per_s": free.usage.output_tokens / max(1e-9, decode_s),
                  "plan_s": warm_s, "plan_wall_s": cold_s, "peak_rss_mib": rss_kb / 1024}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--env-file", default="")
    args = parser.parse_args()
    if sys.platform == "win32":
        print("peak RSS uses the resource module: run this on Linux or macOS")
        return 1
    results = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), args.env_file], capture_output=True,
                             text=True, check=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first = results[0]
    print(f"Embedded model {first['model']} ({first['threads']} threads), median of {args.runs} fresh processes:\n")
    print("| load | time to first token | tokens/s | plan (model loaded) | first plan incl. start-up | peak RSS |")
    print("|---|---|---|---|---|---|")
    med = {key: statistics.median(r[key] for r in results) for key in first if key not in ("model", "threads")}
    print(f"| {med['load_s']:.2f} s | {med['ttft_s']:.2f} s | {med['tokens_per_s']:.0f} | {med['plan_s']:.2f} s | "
          f"{med['plan_wall_s']:.2f} s | {med['peak_rss_mib']:.0f} MiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
