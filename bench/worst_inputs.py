"""The cost of the worst inputs we know of, against a plain prompt of the same length (issue 17).

    python bench/worst_inputs.py [--tries 3]

For each entry point (a chip refine, a model refine and a plan through an echoing OpenAI-compatible double,
the guard, describe, the token counter, history search), the least of `--tries` times of a plain text and of
every shape of tests/test_cost.py; the table shows the plain time, the slowest shape, its time and the ratio
(tests/test_cost.py fails above 20x). Then the cases issue 17 reported, timed whole.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sdpa_ext.config import load_settings  # noqa: E402
from sdpa_ext.craft.describe import describe  # noqa: E402
from sdpa_ext.craft.reading import read  # noqa: E402
from sdpa_ext.craft.syntax import guard  # noqa: E402
from sdpa_ext.craft.tokens import count_tokens  # noqa: E402
from sdpa_ext.errors import ConfigError  # noqa: E402
from sdpa_ext.service import Service  # noqa: E402
from sdpa_ext.types import PromptVersion  # noqa: E402
from tests.test_cost import DESCRIPTION, PLAIN, PROMPT, SEARCH, _fill, least_time, shapes  # noqa: E402
from tests.wire import OpenAIServer  # noqa: E402

KEY = "bench-key-0123456789abcdef"


def echo(body: dict) -> str:
    asked = body["messages"][-1]["content"]
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
    return 0


def _refused(call: Callable[[], object]) -> bool:
    try:
        call()
    except ConfigError:
        return True
    return False


if __name__ == "__main__":
    raise SystemExit(main())
