"""Tokens and cost: what `plan` and `refine` send and get back per family, what 100 prompts cost in each
recommended configuration, against the users' guide's figures, and whether Claude's prompt caching helps.

    python bench/cost.py [--tokenizer smollm2|chars4] [--prompts 100] [--refines 3]

Input tokens are counted on the request bodies our code builds (`plan_request` / `refine_request`
through each vendor's wire adapter: the system text, every message, and the answer schema where it
is sent as a separate field). Output tokens are counted on realistic answers: each family's own
example answer (the few-shot the model imitates) for a plan, and that prompt with one change per
refine (the model rewrites the whole prompt). Of the three refines per prompt, the chip ("more detail", a
button) is an edit our rules make without any call; the two typed instructions ("add falling snow" and a
free-form one) are sent to the execution model. Claude's, Gemini's and OpenAI's tokenizers are not
available offline: `smollm2` counts with the BPE of the embedded model (SmolLM2-135M, 49,152-token
vocabulary, through xllamacpp's /tokenize); `chars4` is characters / 4. Both are shown; costs use the
one chosen. Role and message framing (a few tokens per message) is not counted.

Cost: list prices in sdpa_ext/providers/prices.json (dated) through `pricing.cost_usd`, the function
the app uses. Caching: the cacheable prefix is measured against Anthropic's minimum (1024 tokens for
Sonnet/Opus, 2048 for Haiku), then the real Assistant runs against tests/wire's ClaudeServer with
that minimum to see what `usage` reports.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sdpa_ext.assistant import Assistant  # noqa: E402
from sdpa_ext.craft.families import Family, families  # noqa: E402
from sdpa_ext.craft.lexicon import lexicon  # noqa: E402
from sdpa_ext.craft.prompt import find_spans  # noqa: E402
from sdpa_ext.craft.prompting import plan_request, refine_request  # noqa: E402
from sdpa_ext.craft.reading import read  # noqa: E402
from sdpa_ext.providers.claude import ClaudeWire  # noqa: E402
from sdpa_ext.providers.gemini import GeminiWire  # noqa: E402
from sdpa_ext.providers.ollama import OllamaWire  # noqa: E402
from sdpa_ext.providers.openai import OpenAIWire  # noqa: E402
from sdpa_ext.providers.pricing import cost_usd, load_prices  # noqa: E402
from sdpa_ext.providers.types import ChatRequest, Usage  # noqa: E402
from sdpa_ext.settings.config import load_settings  # noqa: E402
from sdpa_ext.types import PromptVersion  # noqa: E402
from tests.wire import Answer, ClaudeServer  # noqa: E402

DESCRIPTION = "a cozy cabin in a snowy forest at dusk"
# Three refines per prompt: the instruction, and the change a good model makes (tags / sentences). A typed
# instruction goes to the execution model, whatever its form; a chip (our button, "more detail") is an exact edit
# with no call.
REFINES = [
    ("the mood should feel lonelier, like a long winter night", "lonely atmosphere, (long winter night:1.2)",
     "The scene feels lonely, like a long winter night."),
    ("add falling snow", "falling snow, snowflakes", "Snow is falling."),
    ("more detail", "intricate details, sharp focus", "Every surface shows intricate, sharp detail."),
]
VARIANTS = ["warm window light", "morning mist", "rim lighting", "bokeh"]
GUIDE = {"Best quality": 1.50, "Single Claude": 3.00}  # USD per 100 prompts, the users' guide
TARGET = 0.40  # at most 40% of the guide's figure

WIRES = {"claude": ClaudeWire(), "gemini": GeminiWire(), "openai": OpenAIWire(), "ollama": OllamaWire()}
BASES = {"claude": "https://api.anthropic.com", "gemini": "https://generativelanguage.googleapis.com",
         "ollama": "http://localhost:11434", "openrouter": "https://openrouter.ai/api/v1",
         "lmstudio": "http://localhost:1234/v1"}


@dataclass(frozen=True)
class Role:
    provider: str  # our provider name
    model: str
    base: str  # key of BASES

    def label(self) -> str:
        where = {"openrouter": "OpenRouter ", "lmstudio": "LM Studio "}.get(self.base, "")
        return f"{where}{self.model}"


# docs/configuration.md's "Recommended configurations" (planning, execution). The embedded default costs nothing.
CONFIGS = [
    ("Best quality", Role("claude", "claude-sonnet-4-5", "claude"), Role("gemini", "gemini-2.5-flash", "gemini")),
    ("Speed", Role("gemini", "gemini-2.5-flash", "gemini"), Role("gemini", "gemini-2.5-flash-lite", "gemini")),
    ("Lowest cost", Role("gemini", "gemini-2.5-flash", "gemini"), Role("ollama", "llama3.2:3b", "ollama")),
    ("Privacy (all local)", Role("ollama", "llama3.1:8b", "ollama"), Role("ollama", "llama3.2:3b", "ollama")),
    ("Single Claude", Role("claude", "claude-sonnet-4-5", "claude"), Role("claude", "claude-sonnet-4-5", "claude")),
    ("Single Ollama", Role("ollama", "llama3.2:3b", "ollama"), Role("ollama", "llama3.2:3b", "ollama")),
    ("OpenRouter planning, LM Studio execution", Role("openai", "anthropic/claude-sonnet-4.5", "openrouter"),
     Role("openai", "qwen2.5-7b-instruct", "lmstudio")),
    # Not a block there: Claude for both roles with the dual-mode defaults (models.json), for comparison.
    ("(for comparison) Claude dual defaults", Role("claude", "claude-sonnet-4-5", "claude"),
     Role("claude", "claude-haiku-4-5", "claude")),
]


# ---------------------------------------------------------------------------------------------
# tokenizers


def chars4(text: str) -> int:
    return round(len(text) / 4)


def smollm2_counter() -> tuple[Callable[[str], int], str]:
    """SmolLM2's BPE through the embedded model's llama.cpp server (started here, stopped at exit)."""
    import requests

    from sdpa_ext.providers.local import LocalRuntime, embedded_model

    with tempfile.TemporaryDirectory() as data_dir:
        model = embedded_model(Path(data_dir))
        url = LocalRuntime.get(model, 1, 512).url().removesuffix("/v1")
    session = requests.Session()
    session.trust_env = False
    cache: dict[str, int] = {}

    def count(text: str) -> int:
        if text not in cache:
            response = session.post(url + "/tokenize", json={"content": text, "add_special": False}, timeout=30)
            response.raise_for_status()
            cache[text] = len(response.json()["tokens"])
        return cache[text]

    return count, f"{model.name} BPE (via xllamacpp /tokenize)"


# ---------------------------------------------------------------------------------------------
# what is sent and what comes back


def answer_json(prompt: str, negative: str, params: dict, notes: str) -> str:
    return json.dumps({"prompt": prompt, "negative_prompt": negative, "params": params, "notes": notes})


def body_text(provider: str, body: dict) -> tuple[str, str]:
    """(the cacheable prefix: system text as sent, everything else the model reads) of a request body."""
    if provider == "claude":
        system = "".join(block["text"] for block in body.get("system") or [])
        return system, "".join(m["content"] for m in body["messages"])
    if provider == "gemini":
        system = "".join(p["text"] for p in (body.get("systemInstruction") or {}).get("parts", []))
        rest = "".join(p["text"] for c in body["contents"] for p in c["parts"])
        schema = body["generationConfig"].get("responseSchema")
        return system, rest + (json.dumps(schema, separators=(",", ":")) if schema else "")
    messages = body["messages"]
    system = "".join(m["content"] for m in messages if m["role"] == "system")
    rest = "".join(m["content"] for m in messages if m["role"] != "system")
    schema = body.get("format") or ((body.get("response_format") or {}).get("json_schema") or {}).get("schema")
    return system, rest + (json.dumps(schema, separators=(",", ":")) if schema else "")


@dataclass
class Call:
    kind: str  # plan or refine
    req: ChatRequest
    answer: str  # a realistic answer text


def session_calls(family: Family, refines: int, variant: int = 0) -> list[Call]:
    """1 plan + `refines` refines of one prompt, each refine starting from the previous answer.
    `variant` > 0 gives the planned prompt another weighted term, as different prompts have."""
    example = family.example
    sentences = family.sentences
    prompt = example["prompt"]
    if variant and family.weights:
        prompt += f", ({VARIANTS[(variant - 1) % len(VARIANTS)]}:1.1)"
    calls = [Call("plan", plan_request(DESCRIPTION, family),
                  answer_json(prompt, example["negative_prompt"], family.params, example["notes"]))]
    current = PromptVersion(prompt=prompt, negative_prompt=example["negative_prompt"],
                            params=dict(family.params), family=family.key)
    for number in range(refines):
        instruction, tags, sentence = REFINES[number % len(REFINES)]
        if instruction in lexicon().chips:  # a chip: our exact edit, no call, no cost
            continue
        reading = read(instruction, current.prompt)
        locked = [span.text for span in find_spans(current.prompt) if not reading.names(span)]
        req = refine_request(current, instruction, family, locked=locked)
        new_prompt = f"{current.prompt} {sentence}" if sentences else f"{current.prompt}, {tags}"
        calls.append(Call("refine", req, answer_json(new_prompt, current.negative_prompt, {},
                                                     f"Applied: {instruction}; everything else kept.")))
        current = PromptVersion(prompt=new_prompt, negative_prompt=current.negative_prompt,
                                params=current.params, family=family.key)
    return calls


def usage_of(call: Call, role: Role, count: Callable[[str], int]) -> tuple[Usage, int]:
    """Tokens of one call through `role`'s wire: (usage, the cacheable system prefix)."""
    body = WIRES[role.provider].chat_call(role.model, call.req, BASES[role.base]).json
    system, rest = body_text(role.provider, body)
    return Usage(input_tokens=count(system) + count(rest), output_tokens=count(call.answer)), count(system)


def config_cost(sessions: dict[str, list[Call]], planning: Role, execution: Role,
                count: Callable[[str], int]) -> tuple[list[float], tuple[float, float], set[str], dict[str, float]]:
    """Per family: the cost of one prompt; mean tokens in/out per prompt; unpriced roles; cost by part."""
    per_family, tokens_in, tokens_out, unpriced = [], [], [], set()
    split = {"plan input": 0.0, "plan output": 0.0, "refine input": 0.0, "refine output": 0.0}
    for calls in sessions.values():
        total = 0.0
        for call in calls:
            role = planning if call.kind == "plan" else execution
            usage, _ = usage_of(call, role, count)
            tokens_in.append(usage.input_tokens)
            tokens_out.append(usage.output_tokens)
            cost = cost_usd(role.provider, role.model, usage)
            if cost is None:
                unpriced.add(role.label())
                continue
            total += cost
            split[f"{call.kind} input"] += cost_usd(role.provider, role.model, Usage(usage.input_tokens, 0)) or 0
            split[f"{call.kind} output"] += cost_usd(role.provider, role.model, Usage(0, usage.output_tokens)) or 0
        per_family.append(total)
    return per_family, (sum(tokens_in) / len(sessions), sum(tokens_out) / len(sessions)), unpriced, split


def money(value: float | None) -> str:
    if value is None:
        return "unpriced"
    return "$0" if value == 0 else f"${value:.3f}" if value >= 0.1 else f"${value:.4f}"


# ---------------------------------------------------------------------------------------------
# prompt caching against the Claude double


def cache_run(min_tokens: int, refines: int, rounds: int) -> dict[str, float]:
    """The real Assistant on Claude (Sonnet) against ClaudeServer: `rounds` prompts per family."""
    totals = {"calls": 0, "with_read": 0, "read": 0, "write": 0, "input": 0, "cost": 0.0, "cost_uncached": 0.0}
    with tempfile.TemporaryDirectory() as data_dir, ClaudeServer(cache_min_tokens=min_tokens) as server:
        env_file = Path(data_dir) / "empty.env"
        env_file.write_text("", encoding="utf-8")
        settings = load_settings({"LLM_PROVIDER": "claude", "CLAUDE_MODEL": "claude-sonnet-4-5",
                                  "ANTHROPIC_API_KEY": "test-key", "ANTHROPIC_BASE_URL": server.url,
                                  "SDPA_DATA_DIR": data_dir}, env_file=env_file)
        assistant = Assistant(settings)
        for number in range(rounds):
            for key, family in families().items():
                calls = session_calls(family, refines, variant=number)
                server.script("/v1/messages", *(Answer(text=call.answer) for call in calls))
                version = assistant.plan(DESCRIPTION, family=key)
                results = [version]
                for number in range(refines):
                    said = REFINES[number % len(REFINES)][0]
                    chip = said if said in lexicon().chips else None
                    version = assistant.refine(version, "" if chip else said, chip=chip, family=key)
                    results.append(version)
                for result in results:
                    if result.provider == "rules":  # answered without a call
                        continue
                    usage = result.usage
                    totals["calls"] += 1
                    totals["with_read"] += usage.cache_read_tokens > 0
                    totals["read"] += usage.cache_read_tokens
                    totals["write"] += usage.cache_write_tokens
                    totals["input"] += usage.input_tokens
                    totals["cost"] += result.cost_usd or 0.0
                    flat = Usage(usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens,
                                 usage.output_tokens)
                    totals["cost_uncached"] += cost_usd("claude", "claude-sonnet-4-5", flat) or 0.0
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokenizer", choices=("smollm2", "chars4"), default="smollm2")
    parser.add_argument("--prompts", type=int, default=100)
    parser.add_argument("--refines", type=int, default=3)
    args = parser.parse_args()
    count, tokenizer = chars4, "characters / 4"
    if args.tokenizer == "smollm2":
        try:
            count, tokenizer = smollm2_counter()
        except Exception as err:  # no xllamacpp or no model: say so and go on with the estimate
            print(f"(SmolLM2 tokenizer unavailable: {err}; using characters / 4)\n")
    prices = load_prices()
    claude = Role("claude", "claude-sonnet-4-5", "claude")

    # 1. Tokens per family, Claude request bodies.
    print(f"Tokens per call, Claude request bodies as our code builds them (system block + messages), "
          f"answers in the full form. Counted with {tokenizer}; chars/4 after the slash.\n")
    print("| family | plan input | of it the system block (cacheable) | plan output | refine input | "
          "of it the system block | refine output |")
    print("|---|---|---|---|---|---|---|")
    for key, family in families().items():
        calls = session_calls(family, args.refines)
        cells = []
        for call in (calls[0], calls[1]):
            body = ClaudeWire().chat_call(claude.model, call.req, BASES["claude"]).json
            system, rest = body_text("claude", body)
            cells += [f"{count(system) + count(rest)} / {chars4(system) + chars4(rest)}",
                      f"{count(system)} / {chars4(system)}", f"{count(call.answer)} / {chars4(call.answer)}"]
        print(f"| {key} | {' | '.join(cells)} |")

    # 2. Cost of N prompts per configuration, spread evenly over the six families.
    keys = list(families())
    sessions = {key: session_calls(families()[key], args.refines) for key in keys}
    print(f"\nCost of {args.prompts} prompts (1 plan + {args.refines} refines each, spread evenly over the "
          f"{len(keys)} families, no caching: see below) at list prices checked {prices['checked']} "
          f"(sdpa_ext/providers/prices.json), tokens by {tokenizer}; the same with chars/4 beside:\n")
    print(f"| configuration | planning | execution | tokens in / out per prompt | {args.prompts} prompts | "
          f"by family | with chars/4 | users' guide | ours / guide | target <= {TARGET:.0%} of the guide |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    notes: list[str] = []
    parts: dict[str, dict[str, float]] = {}
    for name, planning, execution in CONFIGS:
        runs = {label: config_cost(sessions, planning, execution, counter)
                for label, counter in (("chosen", count), ("chars4", chars4))}
        per_family, tokens, unpriced, split = runs["chosen"]
        parts[name] = split
        hundred = statistics.mean(per_family) * args.prompts
        hundred4 = statistics.mean(runs["chars4"][0]) * args.prompts
        guide = GUIDE.get(name)
        ratio, verdict = "-", "-"
        if guide is not None:
            limit = TARGET * guide * args.prompts / 100
            ratio = f"{hundred / (guide * args.prompts / 100):.0%}"
            verdict = (f"met ({money(limit - hundred)} under {money(limit)})" if hundred <= limit else
                       f"not met: {money(hundred - limit)} over {money(limit)}")
        cost_cell = money(hundred)
        if unpriced:
            cost_cell += " + unpriced execution"
            notes.append(f"{name}: {', '.join(sorted(unpriced))} has no list price (a local server: the app's "
                         "`cost_usd` is null; it costs your own hardware and power)")
        spread = f"{money(min(per_family) * args.prompts)} to {money(max(per_family) * args.prompts)}"
        print(f"| {name} | {planning.label()} | {execution.label()} | {tokens[0]:,.0f} / {tokens[1]:,.0f} | "
              f"{cost_cell} | {spread} | {money(hundred4)} | "
              f"{'-' if guide is None else f'${guide * args.prompts / 100:.2f}'} | {ratio} | {verdict} |")
    for note in notes:
        print(f"\n- {note}")
    print(f"\nWhere the money goes, per {args.prompts} prompts:\n")
    print("| configuration | plan input | plan output | refine input | refine output |")
    print("|---|---|---|---|---|")
    for name in GUIDE:
        split = parts[name]
        print(f"| {name} | " + " | ".join(money(split[k] / len(keys) * args.prompts) for k in
                                          ("plan input", "plan output", "refine input", "refine output")) + " |")

    # 3. Prompt caching.
    print("\nClaude prompt caching: the system block is marked `cache_control: ephemeral`. Does it reach "
          "Anthropic's minimum cacheable prompt (1024 tokens for Sonnet/Opus, 2048 for Haiku)?\n")
    print("| family | plan: system block | plan: whole prompt (system + few-shot + ask) | refine: system block | "
          "reaches 1024 (Sonnet) | reaches 2048 (Haiku) |")
    print("|---|---|---|---|---|---|")
    biggest = 0
    for key in keys:
        plan_usage, plan_system = usage_of(sessions[key][0], claude, count)
        _, refine_system = usage_of(sessions[key][1], claude, count)
        biggest = max(biggest, plan_system, refine_system)
        top = max(plan_system, refine_system)
        print(f"| {key} | {plan_system} | {plan_usage.input_tokens} | {refine_system} | "
              f"{'yes' if top >= 1024 else 'no'} | {'yes' if top >= 2048 else 'no'} |")
    rounds = 2
    print(f"\nMeasured: the real `Assistant` on Claude Sonnet against tests/wire's ClaudeServer, {rounds} prompts "
          f"per family (1 plan + {args.refines} refines each; the refines our rules answer make no call); "
          "the double counts tokens as characters / 4 and caches the system block when it reaches "
          "`cache_min_tokens`:\n")
    print("| cache_min_tokens | calls with a cache read | cache-read tokens | cache-write tokens | "
          "uncached input tokens | cost (Sonnet) | cost if nothing were cached | saved |")
    print("|---|---|---|---|---|---|---|---|")
    for minimum, label in ((1024, "1024 (Sonnet, Opus)"), (2048, "2048 (Haiku)"),
                           (0, "0 (no minimum: what caching would do if the prefix qualified)")):
        t = cache_run(minimum, args.refines, rounds)
        saved = 1 - t["cost"] / t["cost_uncached"]
        print(f"| {label} | {t['with_read']:.0f} of {t['calls']:.0f} | {t['read']:,.0f} | {t['write']:,.0f} | "
              f"{t['input']:,.0f} | ${t['cost']:.4f} | ${t['cost_uncached']:.4f} | {saved:.0%} |")
    systems = {ClaudeWire().chat_call(claude.model, call.req, BASES["claude"]).json["system"][0]["text"]
               for number in range(rounds) for key in keys
               for call in session_calls(families()[key], args.refines, variant=number)[1:]}
    stable = len(systems) == len(keys)
    sent = sum(len(session_calls(families()[key], args.refines)) - 1 for key in keys) * rounds
    print(f"\nThe {sent} refines sent above use {len(systems)} different system blocks "
          f"for {len(keys)} families: " + ("one per family, so a cached block would be read again on every refine."
                                         if stable else "more than one per family: each new one would be a cache "
                                         "write, not a read."))
    print(f"\nThe largest cacheable prefix is {biggest} tokens ({tokenizer}): "
          f"{'below' if biggest < 1024 else 'above'} Sonnet's 1024-token minimum, so on the real API caching "
          f"{'does nothing for our requests' if biggest < 1024 else 'applies'}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
