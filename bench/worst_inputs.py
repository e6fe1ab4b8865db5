"""The cost of the worst inputs we know of, against a plain prompt of the same length (issue 17).

    python bench/worst_inputs.py [--tries 3]

For each entry point (a chip refine, a model refine and a plan through an echoing OpenAI-compatible double,
the guard, describe, the token counter, history search), the least of `--tries` times of a plain text and of
every shape of tests/test_cost.py; the table shows the plain time, the slowest shape, its time and the ratio
(tests/test_cost.py fails above 20x). Then the cases issue 17 reported, timed whole.

Then issue 25's images and bodies, each posted to the app `serve` runs (guard, JSON, image reading, the double as
a provider that sees): a plain image on each route, and every file of tests/test_image_fuzz.py's WORST and a few
more; the least time and the highest peak of resident memory above the request's start (Linux: VmHWM reset
through /proc/self/clear_refs) of `--tries`, against the plain image on the same route.
"""

from __future__ import annotations

import argparse
import base64
import json
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from PIL import Image  # noqa: E402

from sdpa_ext.craft.describe import describe  # noqa: E402
from sdpa_ext.craft.reading import read  # noqa: E402
from sdpa_ext.craft.syntax import guard  # noqa: E402
from sdpa_ext.craft.tokens import count_tokens  # noqa: E402
from sdpa_ext.errors import ConfigError  # noqa: E402
from sdpa_ext.server.app import create_app  # noqa: E402
from sdpa_ext.service import Service  # noqa: E402
from sdpa_ext.settings.config import load_settings  # noqa: E402
from sdpa_ext.types import PromptVersion  # noqa: E402
from tests.test_cost import DESCRIPTION, PLAIN, PROMPT, SEARCH, _fill, least_time, shapes  # noqa: E402
from tests.test_image_fuzz import WORST, _repeat_scans, _saved, _solid, plain_image  # noqa: E402
from tests.wire import OpenAIServer  # noqa: E402

KEY = "bench-key-0123456789abcdef"
JSON = {"Content-Type": "application/json"}


def echo(body: dict) -> str:
    asked = body["messages"][-1]["content"]
    if not isinstance(asked, str):  # an image: a check's verdict or a describe's prompt
        return json.dumps({"matches": ["a sun"], "mismatches": [], "refines": []} if "matches" in json.dumps(body)
                          else {"prompt": "a sun", "negative_prompt": "", "params": {}, "notes": ""})
    return json.dumps({"prompt": asked[-PROMPT // 2:], "negative_prompt": asked[:500], "params": {}, "notes": ""})


def row(name: str, entry: Callable[[str], object], size: int, tries: int) -> str:
    plain = least_time(lambda: entry(_fill(PLAIN, size)), tries)
    times = {shape: least_time(lambda text=text: entry(text), tries) for shape, text in shapes(size).items()}
    worst = max(times, key=times.__getitem__)
    return f"| {name} | {size:,} | {plain:.3f} | {worst} | {times[worst]:.3f} | {times[worst] / plain:.1f}x |"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=3)
    tries = parser.parse_args().tries
    folder = Path(tempfile.mkdtemp())
    (folder / ".env").write_text("", encoding="utf-8")
    with OpenAIServer(api_key=KEY, answer=echo) as wire:
        service = Service(load_settings(environ={
            "SDPA_DATA_DIR": str(folder / "data"), "LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
            "OPENAI_API_KEY": KEY, "SDPA_STREAM": "false", "OLLAMA_HOST": "127.0.0.1:9"}, env_file=folder / ".env"))
        entries = [
            ("refine, chip `darker`", lambda t: service.refine(PromptVersion(prompt=t), chip="darker", session="b"),
             PROMPT),
            ("refine by the model", lambda t: service.refine(PromptVersion(prompt=t), "rewrite it as a poem",
                                                             session="b"), PROMPT),
            ("plan by the model", lambda t: service.plan(t, session="b"), DESCRIPTION),
            ("guard", lambda t: guard(t, t + ", cabin", read("make it darker", t)), PROMPT),
            ("describe", describe, DESCRIPTION),
            ("count_tokens", count_tokens, PROMPT),
        ]
        print("| entry point | characters | plain (s) | slowest shape | its time (s) | ratio |")
        print("|---|---:|---:|---|---:|---:|")
        for name, entry, size in entries:
            print(row(name, entry, size, tries), flush=True)
        line = service.line("planted")
        for index in range(200):
            line.push(PromptVersion(prompt=_fill("a", PROMPT), source=_fill("a", 2000), id=f"p{index}"))
        print(row("history search (200 versions of 10,000 a's)", service.search, SEARCH, tries))
        spaces = "a" + " " * 9998 + "b"
        darker = least_time(lambda: service.refine(PromptVersion(prompt=spaces), chip="darker", session="c"))
        print(f"\nIssue 17's cases: a chip refine of `a` + 9,998 spaces + `b`: {darker:.2f} s; "
              f"`guard` of `' AND '.join(['a'] * 2000)`: "
              f"{least_time(lambda: guard(' AND '.join(['a'] * 2000), 'a, b', read('make it darker'))):.2f} s; "
              f"a {SEARCH}-character worst search over 200 versions of 10,000 characters: "
              f"{least_time(lambda: service.search('a' * (SEARCH - 1) + 'b')):.2f} s; a 5,000-character search: "
              f"{'refused (422)' if _refused(lambda: service.search('a' * 5000)) else 'ran'}.")
        print()
        image_rows(service, tries)
    return 0


def _claimed(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width` x `height` (its CRC made right)."""
    data = bytearray(_saved(Image.new("L", (8, 8)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _body(route: str, data: bytes) -> bytes:
    image = base64.b64encode(data).decode("ascii")
    return json.dumps({"describe": {"image": image}, "check": {"image": image, "prompt": "a sun"},
                       "refine": {"from_image": image}}[route]).encode()


def _memory_kb(name: str) -> int:
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return int(next(line for line in status.splitlines() if line.startswith(name + ":")).split()[1])


def measure(client: TestClient, route: str, body: bytes, tries: int) -> tuple[float, float | None, int]:
    """(least seconds, highest peak MB above the start or None off Linux, status) of `tries` posts of `body`."""
    clear = Path("/proc/self/clear_refs")
    times, peaks, status = [], [], 0
    for _ in range(tries):
        if clear.exists():
            clear.write_text("5", encoding="ascii")  # VmHWM back to VmRSS
        resident = _memory_kb("VmRSS") if clear.exists() else 0
        start = time.perf_counter()
        status = client.post(f"/sdpa/v1/{route}", content=body, headers=JSON).status_code
        times.append(time.perf_counter() - start)
        if clear.exists():
            peaks.append((_memory_kb("VmHWM") - resident) / 1024)
    return min(times), max(peaks) if peaks else None, status


def image_rows(service: Service, tries: int) -> None:
    """Issue 25's images and bodies through the app (see the module's docstring), as a markdown table."""
    client = TestClient(create_app(service, ui=False), base_url="http://127.0.0.1")
    rows: list[tuple[str, str, Callable[[], bytes]]] = [(name, route, make) for name, (route, make) in WORST.items()]
    rows += [
        ("a 36 Mpx progressive JPEG, its scans repeated to 40", "describe", lambda: _repeat_scans(
            _solid("JPEG", "RGB", (6000, 6000), progressive=True), 4)),
        ("a 39.7 Mpx PNG (6,300 x 6,300 RGBA)", "describe", lambda: _solid("PNG", "RGBA", (6300, 6300))),
        ("an 80 Mpx PNG header (8,944 x 8,944)", "describe", lambda: _claimed(8944, 8944)),
        ("a PNG header claiming 2^31-1 x 2^31-1", "check", lambda: _claimed(2**31 - 1, 2**31 - 1)),
    ]
    plain = {route: measure(client, route, _body(route, plain_image()), tries) for route in ("describe", "check",
                                                                                            "refine")}
    print("| input | route | bytes | time (s) | vs plain | peak above start (MB) | status |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for route, (seconds, peak, status) in plain.items():
        print(f"| a plain PNG (512x384, with parameters) | {route} | {len(plain_image()):,} | {seconds:.3f} | 1x | "
              f"{_mb(peak)} | {status} |", flush=True)
    for name, route, make in rows:
        data = make()
        seconds, peak, status = measure(client, route, _body(route, data), tries)
        print(f"| {name} | {route} | {len(data):,} | {seconds:.3f} | {seconds / plain[route][0]:.1f}x | {_mb(peak)} "
              f"| {status} |", flush=True)
    array = b"[" + b"0," * 10_499_999 + b"0]"
    seconds, peak, status = measure(client, "describe", array, tries)
    print(f"| a 21 MB JSON array as the body | describe | {len(array):,} | {seconds:.3f} | "
          f"{seconds / plain['describe'][0]:.1f}x | {_mb(peak)} | {status} |")


def _mb(peak: float | None) -> str:
    return "n/a" if peak is None else f"{max(peak, 0):.0f}"


def _refused(call: Callable[[], object]) -> bool:
    try:
        call()
    except ConfigError:
        return True
    return False


if __name__ == "__main__":
    raise SystemExit(main())
