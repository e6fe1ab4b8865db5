"""Prompt-quality harness: plan every description and apply every refinement with the configured
provider (the embedded model when nothing is configured), then print a table.

    python bench/quality.py [--env-file F] [--limit N] [--json OUT]

Columns: valid syntax (brackets, weights, LoRA tags), protected spans kept on refine, family style
adherence (tag-ness for tag families, sentence-ness for Flux/SD3), subject words kept, within the
token budget (SD1.5 75, other tag families 150, Flux/SD3 256), failures, mean latency and tokens.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sdpa_ext.assistant import Assistant
from sdpa_ext.config import load_settings
from sdpa_ext.craft.syntax import find_spans, problems, targets, words
from sdpa_ext.errors import SdpaError
from sdpa_ext.types import HostContext, PromptVersion

DATA = Path(__file__).with_name("quality_data.json")
BUDGET = {"sd15": 75, "sdxl": 150, "pony": 150, "illustrious": 150, "flux": 256, "sd3": 256}
EMBEDDINGS = ["easynegative"]


def tagness(prompt: str) -> bool:
    """A tag prompt: at least 4 comma-separated items, most of them 1 to 6 words."""
    items = [t for t in prompt.split(",") if t.strip()]
    short = sum(1 <= len(t.split()) <= 6 for t in items)
    return len(items) >= 4 and short / len(items) >= 0.75


def sentenceness(prompt: str) -> bool:
    """A sentence prompt: ends like a sentence, reads as sentences of 8+ words, no attention weights."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", prompt.strip()) if s]
    long_enough = statistics.mean(len(s.split()) for s in sentences) >= 8 if sentences else False
    return prompt.strip().endswith((".", "!")) and long_enough and not re.search(r"\(\S[^()]*:\s*[\d.]+\)", prompt)


def _stem_in(word: str, text_words: set[str]) -> bool:
    stem = word.lower().rstrip("s")
    return any(w.startswith(stem[: max(4, len(stem) - 1)]) for w in text_words)


def run(settings, limit: int | None) -> dict:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assistant = Assistant(settings)
    plans, refines = data["plans"][:limit], data["refines"][:limit]
    rows = {"plan": [], "refine": []}
    for item in plans:
        start = time.monotonic()
        try:
            version = assistant.plan(item["description"], family=item["family"])
        except SdpaError as err:
            rows["plan"].append({"ok": False, "error": str(err), "latency": time.monotonic() - start})
            continue
        prompt_words = set(words(version.prompt))
        style_ok = sentenceness(version.prompt) if item["family"] in ("flux", "sd3") else tagness(version.prompt)
        rows["plan"].append({
            "ok": True, "valid": not problems(version.prompt) and not problems(version.negative_prompt),
            "style": style_ok,
            "subject": sum(_stem_in(w, prompt_words) for w in item["subject"]) / len(item["subject"]),
            "budget": version.tokens["prompt"]["count"] <= BUDGET[item["family"]],
            "latency": version.latency_s, "tokens": version.usage.input_tokens + version.usage.output_tokens
            + version.usage.cache_read_tokens, "prompt": version.prompt,
        })
    ctx = HostContext(embeddings=EMBEDDINGS)
    for item in refines:
        current = PromptVersion(prompt=item["prompt"], negative_prompt=item["negative"], family=item["family"],
                                params={"width": 832, "height": 1216})
        spans = [s.text for s in find_spans(item["prompt"], EMBEDDINGS) if not targets(item["instruction"], s)[1]]
        start = time.monotonic()
        try:
            version = assistant.refine(current, item["instruction"], ctx=ctx, family=item["family"])
        except SdpaError as err:
            rows["refine"].append({"ok": False, "error": str(err), "latency": time.monotonic() - start})
            continue
        effect = any(_stem_in(w, set(words(version.prompt + " " + version.negative_prompt))) for w in item["expect"])
        if "absent" in item:
            effect = all(a.lower() not in version.prompt.lower() for a in item["absent"])
        if "params" in item:
            effect = all(version.params.get(k) == v for k, v in item["params"].items())
        kept = sum(s in version.prompt for s in spans) / len(spans) if spans else 1.0
        rows["refine"].append({
            "ok": True, "valid": not problems(version.prompt), "kept": kept, "effect": effect,
            "style": sentenceness(version.prompt) if item["family"] in ("flux", "sd3") else tagness(version.prompt),
            "budget": version.tokens["prompt"]["count"] <= BUDGET[item["family"]],
            "latency": version.latency_s, "tokens": version.usage.input_tokens + version.usage.output_tokens
            + version.usage.cache_read_tokens, "prompt": version.prompt,
        })
    return rows


def _pct(rows: list[dict], key: str) -> str:
    done = [r for r in rows if r["ok"]]
    if not rows:
        return "-"
    return f"{100 * sum(float(r[key]) for r in done) / len(rows):.0f}%"


def table(rows: dict, label: str) -> str:
    lines = [f"| {label} | n | answered | valid syntax | spans kept | style | subject kept | took effect | "
             "in token budget | mean latency | mean tokens |", "|---|" + "---|" * 10]
    for kind in ("plan", "refine"):
        items = rows[kind]
        done = [r for r in items if r["ok"]]
        latency = f"{statistics.mean(r['latency'] for r in done):.2f} s" if done else "-"
        tokens = f"{statistics.mean(r['tokens'] for r in done):.0f}" if done else "-"
        plan = kind == "plan"
        cells = [kind, str(len(items)), f"{100 * len(done) / max(1, len(items)):.0f}%", _pct(items, "valid"),
                 "-" if plan else _pct(items, "kept"), _pct(items, "style"), _pct(items, "subject") if plan else "-",
                 "-" if plan else _pct(items, "effect"), _pct(items, "budget"), latency, tokens]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-file")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", help="write every answer to this file")
    args = parser.parse_args()
    settings = load_settings(env_file=args.env_file)
    label = settings.planning.label
    rows = run(settings, args.limit)
    print(table(rows, label))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
