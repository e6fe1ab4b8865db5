"""Takes harness: plan every description in N takes with the configured provider (the embedded model when
nothing is configured) and measure that the takes differ and that each is still a right answer.

    python bench/takes.py [--env-file F] [--n 3] [--limit N] [--json OUT]

Differ: between every two takes of a description, the categories of our vocabulary (lighting, colour, mood,
camera, composition, material, medium, detail) whose picks are not the same; the target is at least two for
every pair. Right: each take keeps the description's subject (every labelled noun) and has no contradiction
(a term of a conflict group opposite to the description), as bench/quality.py counts them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quality import DATA, contradictions
from sdpa_ext.assistant import Assistant
from sdpa_ext.craft.checks import has_word
from sdpa_ext.craft.compact import PLAN_CATEGORIES
from sdpa_ext.craft.describe import words_of
from sdpa_ext.craft.vocab import vocab
from sdpa_ext.errors import SdpaError
from sdpa_ext.settings.config import load_settings

MIN_DISTINCT = 2  # categories whose picks differ, between any two takes


def picks(prompt: str) -> dict[str, frozenset[str]]:
    """The vocabulary entries a prompt holds, by category (a tag, or a sentence family's prose)."""
    low = prompt.lower()
    return {category: frozenset(e.tag for e in vocab().categories[category]
                                if e.tag.lower() in low or (e.prose and e.prose.lower() in low))
            for category in PLAN_CATEGORIES}


def distinct(a: str, b: str) -> int:
    """How many categories two prompts pick differently in."""
    first, second = picks(a), picks(b)
    return sum(first[c] != second[c] for c in PLAN_CATEGORIES)


def run(assistant: Assistant, items: list[dict], n: int) -> list[dict]:
    rows = []
    for item in items:
        try:
            takes = assistant.plan_takes(item["description"], n, family=item["family"])
        except SdpaError as err:
            rows.append({"ok": False, "description": item["description"], "error": str(err)})
            continue
        prompts = [v.prompt for v in takes.versions]
        pairs = [distinct(a, b) for a, b in combinations(prompts, 2)]
        rows.append({
            "ok": True, "description": item["description"], "family": item["family"], "takes": len(prompts),
            "min_distinct": min(pairs) if pairs else 0, "mean_distinct": statistics.mean(pairs) if pairs else 0,
            "subject": min(sum(has_word(w, set(words_of(p))) for w in item["subject"]) / len(item["subject"])
                           for p in prompts),
            "contradictions": sum(len(contradictions(p, item["description"])) for p in prompts),
            "calls": takes.calls, "seconds": takes.latency_s, "prompts": prompts,
        })
    return rows


def table(rows: list[dict], n: int) -> str:
    done = [r for r in rows if r["ok"]]
    pairs_ok = sum(r["min_distinct"] >= MIN_DISTINCT and r["takes"] == n for r in done)
    head = ("| descriptions | takes each | all pairs differ in >= 2 categories | mean categories differing | "
            "subject kept (every take) | contradictions | calls | mean seconds for the takes |\n"
            "|---|---|---|---|---|---|---|---|\n")
    return head + (f"| {len(rows)} | {n} | {pairs_ok}/{len(done)} | "
                   f"{statistics.mean(r['mean_distinct'] for r in done):.1f} | "
                   f"{sum(r['subject'] == 1.0 for r in done)}/{len(done)} | "
                   f"{sum(r['contradictions'] for r in done)} | {sum(r['calls'] for r in done)} | "
                   f"{statistics.mean(r['seconds'] for r in done):.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file")
    parser.add_argument("--n", type=int, default=3)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json")
    args = parser.parse_args()
    items = json.loads(DATA.read_text(encoding="utf-8"))["everyday"][:args.limit]
    assistant = Assistant(load_settings(env_file=args.env_file))
    rows = run(assistant, items, args.n)
    print(table(rows, args.n))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
