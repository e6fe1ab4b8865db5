"""Run every benchmark and write their tables, with the date and the machine, to bench/RESULTS.md.

    python bench/run_all.py

Each script measures ours against its baseline in the same run (this machine is noisy: medians and
ratios). About five minutes on 2 cores.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("Start-up", ["startup.py"]),
    ("Call overhead and streaming", ["overhead.py"]),
    ("Tokens and cost", ["cost.py"]),
    ("The embedded model on this machine", ["embedded.py", "--runs", "5"]),
    ("Load through the standalone server", ["load.py"]),
    ("Prompt quality of the embedded model", ["quality.py"]),
    ("Instructions and descriptions as people write them", ["natural.py"]),
    ("The worst inputs", ["worst_inputs.py"]),
]


def main() -> int:
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    parts = [f"# Benchmark results\n\n{started}; {os.cpu_count()} cores ({cpu}), no GPU, "
             f"{platform.system()} {platform.machine()}, Python {platform.python_version()}. Made by "
             "`python bench/run_all.py`; each section says the command that made it.\n"]
    for title, args in SCRIPTS:
        print(f"running {' '.join(args)} ...", flush=True)
        result = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], capture_output=True, text=True,
                                cwd=HERE.parent)
        output = result.stdout.strip() if result.returncode == 0 else f"FAILED:\n```\n{result.stderr[-2000:]}\n```"
        parts.append(f"## {title}\n\n`python bench/{' '.join(args)}`\n\n{output}\n")
    (HERE / "RESULTS.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
