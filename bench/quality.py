"""Prompt-quality harness: plan every description and apply every refinement with the configured
provider (the embedded model when nothing is configured) and with a scripted bad model (answers that
drift, drop the subject and set wrong settings), then print the tables.

    python bench/quality.py [--env-file F] [--set everyday|original] [--limit N] [--json OUT] [--no-bad-model]

Plans: answered, subject kept (every labelled noun of the description in the prompt), invented (content
words in neither the description nor our vocabulary), contradictions (terms of a conflict group opposite
to the description), style (tags or sentences), valid syntax, settings in the family's ranges, within
the token budget (SD1.5 75, other tag families 150, Flux/SD3 256), mean warm latency.
Refines, by kind (chips, common forms, free-form): took effect, "no change" said, the user's syntax
spans kept, settings in range, mean latency.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sdpa_ext.assistant import Assistant
from sdpa_ext.craft.checks import has_word
from sdpa_ext.craft.describe import describe, words_of
from sdpa_ext.craft.families import families
from sdpa_ext.craft.grammar import attention, plain
from sdpa_ext.craft.params import family_params
from sdpa_ext.craft.prompt import find_spans, tag_terms
from sdpa_ext.craft.reading import UNREAD, read
from sdpa_ext.craft.syntax import problems
from sdpa_ext.craft.vocab import clash, facets, known_words
from sdpa_ext.errors import SdpaError
from sdpa_ext.settings.config import load_settings
from sdpa_ext.types import HostContext, PromptVersion

DATA = Path(__file__).with_name("quality_data.json")
BUDGET = {"sd15": 75, "sdxl": 150, "pony": 150, "illustrious": 150, "flux": 256, "sd3": 256}
EMBEDDINGS = ["easynegative"]
_SHORT = {"a", "an", "the", "of", "and", "in", "on", "at", "by", "with", "it", "is", "its", "to", "for", "as", "from",
          "under", "over", "into", "through", "this", "that", "scene", "lit", "captured", "your"}


def tagness(prompt: str) -> bool:
    """A tag prompt: at least 4 comma-separated items, most of them 1 to 6 words."""
    items = [t for t in prompt.split(",") if t.strip()]
    short = sum(1 <= len(t.split()) <= 6 for t in items)
    return len(items) >= 4 and short / len(items) >= 0.75


def sentenceness(prompt: str) -> bool:
    """A sentence prompt: ends like a sentence, reads as sentences of 6+ words, no attention weights."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", prompt.strip()) if s]
    long_enough = statistics.mean(len(s.split()) for s in sentences) >= 6 if sentences else False
    weighted = any(segment.weight not in (1.0, -1) for segment in attention(prompt))
    return prompt.strip().endswith((".", "!")) and long_enough and not weighted


def invented(prompt: str, description: str, family: str) -> list[str]:
    """Content words of the prompt in neither the description nor the vocabulary data."""
    fam = families()[family]
    allowed = known_words() | set(re.findall(r"[a-z0-9]+", description.lower())) | set(words_of(" ".join(
        [*fam.quality, *fam.prefix, fam.negative, "source_anime rating_safe 1girl 1boy solo no humans"])))
    said = words_of(description)
    found = [w for w in re.findall(r"[a-z0-9]+", plain(prompt).lower())
             if len(w) > 2 and w not in _SHORT and w not in allowed and not any(has_word(w, {a}) for a in said)]
    return sorted(set(found))


def contradictions(prompt: str, description: str) -> list[str]:
    context = facets(description)
    pieces = [c for s in re.split(r"(?<=[.!?])\s+", prompt) for c in re.split(r",\s*", s)] \
        if prompt.rstrip().endswith(".") else tag_terms(prompt)
    return [p for p in pieces if p.strip() and clash(facets(p), context)]


def settings_ok(version: PromptVersion) -> bool:
    notes: list[str] = []
    return family_params(families()[version.family], version.params, notes=notes) == version.params and not notes


def style_ok(version: PromptVersion) -> bool:
    return sentenceness(version.prompt) if families()[version.family].sentences else tagness(version.prompt)


def run_plans(assistant: Assistant, items: list[dict]) -> list[dict]:
    rows = []
    for item in items:
        try:
            version = assistant.plan(item["description"], family=item["family"])
        except SdpaError as err:
            rows.append({"ok": False, "error": str(err), "description": item["description"]})
            continue
        said = set(words_of(version.prompt))
        english = describe(item["description"]).english
        rows.append({
            "ok": True, "description": item["description"], "family": item["family"], "prompt": version.prompt,
            "subject": sum(has_word(w, said) for w in item["subject"]) / len(item["subject"]) if english else 1.0,
            "invented": invented(version.prompt, item["description"], item["family"]) if english else [],
            "contradictions": contradictions(version.prompt, item["description"]),
            "valid": not problems(version.prompt) and not problems(version.negative_prompt),
            "style": style_ok(version), "settings": settings_ok(version),
            "budget": version.tokens["prompt"]["count"] <= BUDGET[item["family"]],
            "latency": version.latency_s, "warnings": version.warnings,
        })
    return rows


def _effect(item: dict, version: PromptVersion) -> bool:
    text = f"{version.prompt} {version.negative_prompt}".lower()
    checks = []
    if "expect" in item:
        checks.append(any(e.lower() in text or has_word(e, set(words_of(text))) for e in item["expect"]))
    if "absent" in item:
        checks.append(all(a.lower() not in version.prompt.lower() for a in item["absent"]))
    if isinstance(item.get("negative"), list):
        checks.append(all(n in version.negative_prompt for n in item["negative"]))
    if "params" in item:
        checks.append(all(version.params.get(k) == v for k, v in item["params"].items()))
    return all(checks)


def run_refines(assistant: Assistant, items: list[dict], bases: dict) -> list[dict]:
    ctx = HostContext(embeddings=EMBEDDINGS)
    rows = []
    for item in items:
        base = bases.get(item.get("base", ""), item)
        family = base["family"]
        negative = base["negative"] if isinstance(base.get("negative"), str) else families()[family].negative
        current = PromptVersion(prompt=base["prompt"], negative_prompt=negative, family=family,
                                params=dict(families()[family].params))
        reading = read(item["instruction"], current.prompt, EMBEDDINGS)
        spans = [s.text for s in find_spans(current.prompt, EMBEDDINGS) if not reading.removes(s)]
        row = {"kind": item.get("kind", "original"), "instruction": item["instruction"], "ok": False,
               "nochange": False}
        chip = item["instruction"] if item.get("kind") == "chip" else None  # a chip is a button, not typed text
        try:
            version = assistant.refine(current, "" if chip else item["instruction"], chip=chip, ctx=ctx,
                                       family=family)
            if version.kind == "unchanged" and UNREAD in version.notes:  # said what it could not read
                rows.append({**row, "nochange": True, "error": version.notes, "latency": 0.0})
                continue
        except SdpaError as err:
            rows.append({**row, "error": str(err), "latency": 0.0})
            continue
        rows.append({**row, "ok": True, "prompt": version.prompt, "effect": _effect(item, version),
                     "kept": sum(s in version.prompt for s in spans) / len(spans) if spans else 1.0,
                     "valid": not problems(version.prompt), "settings": settings_ok(version),
                     "latency": version.latency_s, "provider": version.provider, "warnings": version.warnings})
    return rows


def _pct(rows: list[dict], key: str) -> str:
    if not rows:
        return "-"
    return f"{100 * sum(float(r.get(key) or 0) for r in rows if r['ok']) / len(rows):.0f}%"


def plan_table(rows: list[dict], label: str) -> str:
    done = [r for r in rows if r["ok"]]
    warm = [r["latency"] for r in done[1:]] or [r["latency"] for r in done]
    cells = [label, str(len(rows)), f"{100 * len(done) / max(1, len(rows)):.0f}%", _pct(rows, "subject"),
             str(sum(len(r["invented"]) for r in done)), str(sum(len(r["contradictions"]) for r in done)),
             _pct(rows, "style"), _pct(rows, "valid"), _pct(rows, "settings"), _pct(rows, "budget"),
             f"{statistics.median(warm):.2f} / {statistics.mean(warm):.2f} s" if warm else "-"]
    head = ("| plans | n | answered | subject kept | invented | contradictions | style | valid syntax | "
            "settings in range | in token budget | warm latency (median / mean) |")
    return "\n".join([head, "|---" * 11 + "|", "| " + " | ".join(cells) + " |"])


def refine_table(rows: list[dict], label: str) -> str:
    lines = ["| refines | kind | n | answered | took effect | said \"no change\" | spans kept | settings in range | "
             "mean latency |", "|---" * 9 + "|"]
    for kind in dict.fromkeys(r["kind"] for r in rows):
        items = [r for r in rows if r["kind"] == kind]
        done = [r for r in items if r["ok"]]
        latency = f"{statistics.mean(r['latency'] for r in done):.2f} s" if done else "-"
        lines.append("| " + " | ".join([label, kind, str(len(items)), f"{100 * len(done) / len(items):.0f}%",
                                        _pct(items, "effect"), str(sum(r["nochange"] for r in items)),
                                        _pct(items, "kept"), _pct(items, "settings"), latency]) + " |")
    return "\n".join(lines)


BAD_PLAN = {"prompt": "beach scene at noon, sunset over the sea, summer, 10 years old girl, "
                      "150 people are killed in a storm, masterpiece",
            "negative_prompt": "blurry", "notes": "drifted",
            "params": {"cfg_scale": 7, "width": 1536, "height": 1536, "steps": float("nan"),
                       "sampler_name": "Super Sampler", "seed": 42}}
BAD_REFINE = {"prompt": "something else entirely, beach at noon, (masterpiece:1.9)", "negative_prompt": "",
              "notes": "drifted", "params": {"cfg_scale": 30, "width": 100, "height": 5000, "steps": -4}}


def bad_answer(body: dict) -> str:
    """The scripted bad model: a plan or a whole-prompt refine that drifts, whatever was asked."""
    name = ((body.get("response_format") or {}).get("json_schema") or {}).get("name", "")
    return json.dumps(BAD_REFINE if name.endswith("edit") else BAD_PLAN)


@contextmanager
def bad_model(data_dir: Path):
    from tests.wire import OpenAIServer

    empty = data_dir / "empty.env"
    empty.write_text("", encoding="utf-8")
    with OpenAIServer(answer=bad_answer) as server:
        yield load_settings(environ={"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1",
                                     "OPENAI_API_KEY": "none", "SDPA_ANSWER_FORM": "full",
                                     "SDPA_DATA_DIR": str(data_dir)}, env_file=empty)


def _items(data: dict, which: str, limit: int | None) -> tuple[list[dict], list[dict]]:
    if which == "original":
        return data["plans"][:limit], data["refines"][:limit]
    return data["everyday"][:limit], data["refinements"][:limit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-file")
    parser.add_argument("--set", default="everyday", choices=("everyday", "original"))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", help="write every answer to this file")
    parser.add_argument("--no-bad-model", action="store_true")
    args = parser.parse_args()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    plans, refines = _items(data, args.set, args.limit)
    results = {}
    settings = load_settings(env_file=args.env_file)
    runs = [(settings.planning.label, settings)]
    tmp = Path(__file__).with_name(".quality-tmp")
    tmp.mkdir(exist_ok=True)
    with bad_model(tmp) as bad:
        if not args.no_bad_model:
            runs.append(("scripted bad model", bad))
        for label, chosen in runs:
            assistant = Assistant(chosen)
            results[label] = {"plan": run_plans(assistant, plans),
                              "refine": run_refines(assistant, refines, data.get("bases", {}))}
    for label, rows in results.items():
        print(plan_table(rows["plan"], label), end="\n\n")
        print(refine_table(rows["refine"], label), end="\n\n")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
