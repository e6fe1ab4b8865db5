"""Natural-wording harness: instructions as people type them and descriptions that carry a medium, a negation,
wanted lettering, several subjects, counts or an unusual setting (bench/natural_data.json, written before any
tuning; a third of each list, `split: held`, set aside and reported apart; bench/fresh_data.json is a `dev` set, written
later, to find what the reader misses).

    python bench/natural.py [--split tune|held|dev|all] [--models embedded,right,bad,broken] [--json OUT] [--limit N]
                            [--data FILE]

Three answerers: the configured provider (the embedded model when nothing is configured), a scripted large model
that answers each item right (its `right` answer, over the OpenAI wire), and a scripted large model that answers
badly (the right answer with its subject dropped, what the instruction takes away kept or put back, and no
negations in the negative prompt). Refines: took effect (every `expect` group, the `params`, the `negative`),
nothing unasked changed (every `keep`), no contradiction left (no `absent` word, inside phrases too), negations
in the negative prompt, no chat word of the instruction in the prompt (items with `chat`), right answers passed through
unchanged, bad answers repaired (all of the above), broken right answers (`broken`: subject or LoRAs dropped,
`no people` in the positive, weights changed, a code fence) repaired or refused, and an instruction already met
answered as such. Plans: subject kept, nothing `absent`, negations in the negative
prompt, wanted lettering kept with its quotes and no text words in the negative prompt.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sdpa_ext.assistant import Assistant
from sdpa_ext.craft.families import families
from sdpa_ext.craft.params import split_scheduler
from sdpa_ext.errors import SdpaError
from sdpa_ext.settings.config import load_settings
from sdpa_ext.types import HostContext, PromptVersion

DATA = Path(__file__).with_name("natural_data.json")
TEXT_WORDS = {"text", "letters", "lettering", "typography", "words", "writing"}  # a negative term of these alone
# fights wanted lettering; `watermark`, `misspelled text` do not (every data set's right answers keep them)


def has(text: str, phrase: str) -> bool:
    """A whole word or phrase in a text, case-insensitive, plurals and booru count tags counted (`1boy`: boy); one
    that ends in a mark is a prefix (`(lightning:0.` is any weight below 1)."""
    said = phrase.lower().strip()
    body, ends = re.escape(said), r"(?:s|es)?(?![\w])" if said[-1:].isalnum() else ""  # `(lightning:0.`: a prefix
    return re.search(rf"(?<![\w])(?:\d+\+?)?{body}{ends}", text.lower()) is not None


def _answer_index(data: dict) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    by_instruction: dict[str, list[dict]] = {}
    for item in data["instructions"]:  # the same words may be said of several starts
        by_instruction.setdefault(item["instruction"].strip().lower(), []).append(item)
    by_description = {d["description"].strip().lower(): d for d in data["descriptions"]}
    return by_instruction, by_description


def bad_of(right: dict, item: dict, start: dict | None) -> dict:
    """A bad answer made from the right one: the subject dropped, what must go kept, negations not in the
    negative prompt."""
    terms = [t.strip() for t in right["prompt"].split(",") if t.strip()]
    kept = terms[1:] if len(terms) > 2 else terms
    prompt = ", ".join([*kept, *item.get("absent", [])[:2]])
    negative = start["negative"] if start else "lowres, blurry, text, watermark"
    return {"prompt": prompt, "negative_prompt": negative, "params": {}, "notes": "scripted bad answer"}


BREAKS = ("subject dropped", "LoRA dropped", "no people in the positive", "weights changed", "a fence")


def broken_of(right: dict, item: dict, start: dict) -> dict:
    """The right answer broken one of five ways (by the item's number): its subject dropped, its LoRAs dropped, a
    `no people` in the positive prompt, every weight changed, or the prompt inside a code fence."""
    prompt = right["prompt"]
    how = BREAKS[int(re.sub(r"\D", "", item["id"]) or 0) % len(BREAKS)]
    if how == "LoRA dropped" and "<" in prompt:
        prompt = re.sub(r"\s*<\w+:[^>]+>\s*,?", " ", prompt)
    elif how == "no people in the positive":
        prompt += " No people." if start["family"] in ("flux", "sd3") else ", no people"
    elif how == "weights changed" and re.search(r":[\d.]+[)>]", prompt):
        prompt = re.sub(r":[\d.]+([)>])", r":1.9\1", prompt)
    elif how == "a fence":
        prompt = f"```\n{prompt}\n```"
    else:
        cut = re.split(r"(?<=[.!?])\s+", prompt) if start["family"] in ("flux", "sd3") else prompt.split(",")
        prompt = (" " if start["family"] in ("flux", "sd3") else ",").join(cut[1:] if len(cut) > 2 else cut)
    return {**right, "prompt": " ".join(prompt.split()).strip(" ,")}


def scripted(data: dict, bad: bool | str) -> Callable[[dict], str]:
    """The scripted large model's answer to a request body (it finds the item by its instruction or
    description in the last user message). `bad`: True answers badly, `broken` breaks the right answer."""
    by_instruction, by_description = _answer_index(data)

    def answer(body: dict) -> str:
        last = body["messages"][-1]["content"]
        said = re.search(r"Instruction: (.*)$", last, re.M)
        if said:
            items = by_instruction.get(said.group(1).strip().lower(), [])
            item = next((i for i in items if data["starts"][i["start"]]["prompt"][:60] in last), None)
            start = data["starts"].get(item["start"]) if item else None
        else:
            described = re.search(r"Description: (.*)$", last, re.M)
            item = by_description.get(described.group(1).strip().lower()) if described else None
            start = None
        if item is None:
            return json.dumps({"prompt": "", "negative_prompt": "", "params": {}, "notes": "unknown item"})
        right = {**item["right"], "params": item.get("params", {}), "notes": "scripted"}
        if bad == "broken" and start is not None:
            return json.dumps(broken_of(right, item, start))
        return json.dumps(bad_of(right, item, start) if bad else right)
    return answer


@contextmanager
def scripted_settings(data: dict, bad: bool | str, folder: Path):
    from tests.wire import OpenAIServer

    empty = folder / "empty.env"
    empty.write_text("", encoding="utf-8")
    with OpenAIServer(answer=scripted(data, bad)) as server:
        yield load_settings(environ={"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1",
                                     "OPENAI_API_KEY": "none", "SDPA_ANSWER_FORM": "full",
                                     "SDPA_DATA_DIR": str(folder)}, env_file=empty)


def params_met(got: dict, want: dict) -> bool:
    """The settings an item asks for: a size by its orientation (`portrait orientation` is met by the family's own
    portrait size, 832x1216 for SDXL, as by the 768x1344 an item names), every other setting exactly."""
    def orientation(params: dict) -> int:
        width, height = params.get("width", 0), params.get("height", 0)
        return (width > height) - (width < height)
    sized = "width" in want or "height" in want
    want = split_scheduler(want)  # `DPM++ 2M Karras`: DPM++ 2M with Karras, as A1111 1.10 reads it
    return (not sized or orientation(got) == orientation(want)) and all(
        got.get(k) == v for k, v in want.items() if k not in ("width", "height"))


def refine_row(assistant: Assistant, item: dict, start: dict, model: str) -> dict:
    family = start["family"]
    params = dict(families()[family].params)
    current = PromptVersion(prompt=start["prompt"], negative_prompt=start["negative"], family=family, params=params)
    row = {"id": item["id"], "split": item["split"], "instruction": item["instruction"], "start": item["start"]}
    try:
        version = assistant.refine(current, item["instruction"], ctx=HostContext(embeddings=["easynegative"]),
                                   family=family)
    except SdpaError as err:
        return {**row, "ok": False, "error": str(err)}
    except Exception as err:  # a crash fails the item; the run goes on
        return {**row, "ok": False, "error": f"crash: {type(err).__name__}: {str(err)[:200]}"}
    prompt, negative = version.prompt, version.negative_prompt
    effect = all(any(has(prompt, w) for w in group) for group in item["expect"])
    effect = effect and all(has(negative, n) for n in item["negative"])
    effect = effect and params_met(version.params, item.get("params", {}))
    checks = {
        "effect": effect,
        "kept": all(k in prompt or has(prompt, k) for k in item["keep"]),
        "clean": not any(has(prompt, a) for a in item["absent"]),
        "negated": all(has(negative, n) for n in item["negative"]),
    }
    checks["right"] = checks["effect"] and checks["kept"] and checks["clean"]  # took effect, nothing else
    if item.get("chat") is not None:  # no chat word of the instruction in the prompt
        checks["chat"] = not any(has(prompt, w) for w in item["chat"] if not has(start["prompt"], w))
    if model == "broken":  # repaired (the user's spans and subject back, no `no people`, no fence) or refused
        refused = (prompt, negative) == (start["prompt"], start["negative"])
        checks["repaired"] = refused or (checks["kept"] and "`" not in prompt and not has(prompt, "no people"))
    if item.get("nochange"):
        checks["met"] = version.kind == "unchanged" or (prompt, negative) == (start["prompt"], start["negative"])
    right = item["right"]
    passed = _same(prompt, right["prompt"]) and _same(negative, right["negative_prompt"] if families()[
        family].negative_allowed else "")
    return {**row, "ok": True, "prompt": prompt, "negative": negative, "provider": version.provider,
            "kind": version.kind, "warnings": version.warnings, **checks, "all": all(checks.values()),
            "unchanged_right": passed if model == "right" else None}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).strip(" ,") == " ".join(b.split()).strip(" ,")


def plan_row(assistant: Assistant, item: dict) -> dict:
    row = {"id": item["id"], "split": item["split"], "description": item["description"], "kinds": item["kinds"]}
    try:
        version = assistant.plan(item["description"], family=item["family"])
    except SdpaError as err:
        return {**row, "ok": False, "error": str(err)}
    except Exception as err:  # a crash fails the item; the run goes on
        return {**row, "ok": False, "error": f"crash: {type(err).__name__}: {str(err)[:200]}"}
    prompt, negative = version.prompt, version.negative_prompt
    checks = {
        "subject": all(has(prompt, s) for s in item["subject"]),
        "clean": not any(has(prompt, a) for a in item["absent"]),
        "negated": all(has(negative, n) for n in item["negative"]),
        "lettering": all(q in prompt for q in item["quoted"]) and not (item["quoted"] and any(
            set(re.findall(r"[a-z]+", term.lower())) <= TEXT_WORDS for term in negative.split(",") if term.strip())),
    }
    return {**row, "ok": True, "prompt": prompt, "negative": negative, "warnings": version.warnings, **checks,
            "all": all(checks.values())}


REFINE_KEYS = ("effect", "kept", "clean", "right", "negated", "chat", "met", "all", "unchanged_right", "repaired")
PLAN_KEYS = ("subject", "clean", "negated", "lettering", "all")


def _rate(rows: list[dict], key: str) -> str:
    counted = [r for r in rows if r.get("ok") and r.get(key) is not None]
    if not counted:
        return "-"
    return f"{sum(bool(r[key]) for r in counted)}/{len(rows) if key != 'met' else len(counted)}"


def table(title: str, rows_by: dict[str, list[dict]], keys: tuple[str, ...]) -> str:
    labels = {"effect": "took effect", "kept": "nothing unasked changed", "clean": "no contradiction left",
              "negated": "negations in the negative", "met": "already met, said so", "all": "all checks",
              "unchanged_right": "right answer unchanged", "subject": "subject kept", "lettering": "lettering kept",
              "chat": "no chat words", "repaired": "broken answer repaired or refused",
              "right": "took effect, nothing unasked, no contradiction"}
    lines = [f"| {title} | " + " | ".join(labels[k] for k in keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for label, rows in rows_by.items():
        lines.append(f"| {label} ({len(rows)}) | " + " | ".join(_rate(rows, k) for k in keys) + " |")
    return "\n".join(lines)


def run(assistant: Assistant, data: dict, model: str, split: str, limit: int | None) -> dict:
    wanted = [i for i in data["instructions"] if split in ("all", i["split"])][:limit]
    described = [d for d in data["descriptions"] if split in ("all", d["split"])][:limit]
    return {"refine": [refine_row(assistant, i, data["starts"][i["start"]], model) for i in wanted],
            "plan": [plan_row(assistant, d) for d in described]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="all", choices=("tune", "held", "dev", "all"))
    parser.add_argument("--models", default="embedded,right,bad")
    parser.add_argument("--env-file")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", help="write every answer to this file")
    parser.add_argument("--data", default=str(DATA), help="the items (default: bench/natural_data.json)")
    args = parser.parse_args()
    data = json.loads(Path(args.data).read_text(encoding="utf-8"))
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        for model in args.models.split(","):
            if model == "embedded":
                settings = load_settings(env_file=args.env_file)
                results[f"configured ({settings.execution.label})"] = run(Assistant(settings), data, model,
                                                                         args.split, args.limit)
                continue
            with scripted_settings(data, "broken" if model == "broken" else model == "bad", Path(folder)) as settings:
                results[f"scripted {model} model"] = run(Assistant(settings), data, model, args.split, args.limit)
    for part, keys in (("refine", REFINE_KEYS), ("plan", PLAN_KEYS)):
        for split in ("tune", "held", "dev"):
            rows_by = {label: [r for r in res[part] if r["split"] == split] for label, res in results.items()}
            if any(rows_by.values()):
                print(table(f"{part}s, {split}", rows_by, keys), end="\n\n")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
