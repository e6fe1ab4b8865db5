"""Load through the standalone server: N sessions at once (plan + refine each) against a provider that
takes `--delay` seconds per answer, with the per-endpoint limit SDPA_MAX_INFLIGHT.

    python bench/load.py [--sessions 20] [--delay 0.5] [--limit 4] [--rounds 3]

Prints requests, failures, p50/p95 latency, the peak calls in flight at the provider, and the
server's peak RSS (Linux: /proc).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import SlowEcho, serve, stop  # noqa: E402
from tests.wire import OpenAIServer  # noqa: E402


def _rss(pid: int) -> float:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return float("nan")
    line = next(row for row in status.read_text().splitlines() if row.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--limit", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    echo = SlowEcho(args.delay)
    with OpenAIServer(answer=echo) as wire, tempfile.TemporaryDirectory() as tmp:
        server, base = serve(Path(tmp), f"LLM_PROVIDER=openai\nOPENAI_BASE_URL={wire.url}/v1\n"
                                        f"SDPA_MAX_INFLIGHT={args.limit}\nSDPA_TIMEOUT=300\n")
        url = base + "/sdpa/v1"
        try:
            idle_rss = _rss(server.pid)
            latencies: list[float] = []
            failures = 0
            lock = threading.Lock()

            def call(path: str, body: dict) -> dict | None:
                nonlocal failures
                start = time.perf_counter()
                response = requests.post(url + path, json=body, timeout=600)
                with lock:
                    latencies.append(time.perf_counter() - start)
                    failures += response.status_code != 200
                return response.json() if response.status_code == 200 else None

            def session(index: int) -> bool:
                planned = call("/plan", {"description": f"subject {index}", "session": f"s{index}"})
                refined = planned and call("/refine", {"instruction": f"item {index}", "prompt": planned["prompt"],
                                                       "negative_prompt": planned["negative_prompt"],
                                                       "session": f"s{index}"})
                return bool(refined) and refined["prompt"] == f"item {index}, detailed"

            started = time.perf_counter()
            crossed = 0
            for _ in range(args.rounds):
                with ThreadPoolExecutor(args.sessions) as pool:
                    crossed += sum(not ok for ok in pool.map(session, range(args.sessions)))
            wall = time.perf_counter() - started
            peak_rss = _rss(server.pid)
        finally:
            stop(server)
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"{args.sessions} sessions at once x {args.rounds} rounds, provider delay {args.delay} s, "
          f"SDPA_MAX_INFLIGHT={args.limit}\n")
    print("| requests | failures | wrong answers | p50 latency | p95 latency | wall | peak in flight | "
          "server RSS idle -> peak |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {len(latencies)} | {failures} | {crossed} | {statistics.median(latencies):.2f} s | {p95:.2f} s | "
          f"{wall:.1f} s | {echo.peak} | {idle_rss:.0f} -> {peak_rss:.0f} MiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
