"""Several takes in one answer: a large model writes N whole answers at once, asked to make them differ in
what matters for the picture (composition, light, mood, medium), not in wording. Each take is then read and
checked as a single answer would be (answer.plan_fields / refine_fields with `answer=`); a take that says the same
as an earlier one, its terms perhaps reordered, is left out with a note (distinct_takes)."""

from __future__ import annotations

import json
from dataclasses import replace

from ..errors import ProviderError
from ..providers.pricing import price_for
from ..providers.types import ChatRequest, Completion, Message
from ..types import PromptVersion
from .answer import Fields, read_answer
from .families import Family
from .prompt import Prompt
from .prompting import answer_schema

MAX_TAKES = 4
DIFFER = ("Make them differ in what matters for the picture: composition and framing, light, mood, colour and "
          "medium (and the aspect where it suits), not in wording. Each keeps everything the user asked for.")


def check_n(n: object) -> int:
    """A number of takes, 1 to MAX_TAKES."""
    from ..errors import ConfigError

    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_TAKES:
        raise ConfigError("n", n, hint=f"expected a whole number from 1 to {MAX_TAKES}")
    return n


def takes_schema(family: Family, n: int) -> dict:
    return {"type": "object",
            "properties": {"takes": {"type": "array", "items": answer_schema(family), "minItems": n, "maxItems": n}},
            "required": ["takes"]}


def as_takes(req: ChatRequest, family: Family, n: int, task: str) -> ChatRequest:
    """The same request asking for `n` takes of `task` in one answer (an example answer becomes a list of one)."""
    system = "\n".join([req.system, f"Write {n} takes of {task}, each a whole answer as described above. {DIFFER}",
                        f"Answer with one JSON object {{\"takes\": [...]}} holding the {n} answers, and nothing else."])
    messages = [Message(m.role, json.dumps({"takes": [json.loads(m.content)]})) if m.role == "assistant" else m
                for m in req.messages]
    return replace(req, system=system, messages=messages, schema=takes_schema(family, n),
                   schema_name=f"{req.schema_name}_takes", max_tokens=req.max_tokens * n,
                   temperature=max(req.temperature, 0.7))


def take_answers(completion: Completion, n: int) -> list[tuple[dict, list[str]]]:
    """Each take of an answer as (data, warnings); a model that wrote one answer instead gives one take."""
    data, warnings = read_answer(completion)
    takes = data.get("takes") if isinstance(data.get("takes"), list) else [data] if "prompt" in data else []
    found = [(take, list(warnings)) for take in takes[:n] if isinstance(take, dict)]
    if not found:
        raise ProviderError(completion.provider, f"{completion.model}'s answer has no takes",
                            hint="your prompt is unchanged; try again, ask for one take, or use a stronger model")
    if len(found) < n:
        found[0][1].append(f"asked for {n} takes, the model wrote {len(found)}")
    return found


def distinct_takes(answers: list[tuple[Completion, Fields]], family: Family) -> list[tuple[Completion, Fields]]:
    """The takes that differ from every earlier one. A take that says the same as an earlier one (the same terms,
    perhaps in another order, the same negative prompt and settings) is left out, with a note on the first take:
    a duplicate is never shown as a different take."""
    kept: dict[tuple, tuple[int, tuple[Completion, Fields]]] = {}  # what a take says -> its number, the take
    notes: list[str] = []
    for index, answer in enumerate(answers, 1):
        said = _said(answer[1], family)
        if said not in kept:
            kept[said] = index, answer
            continue
        number, (_, earlier) = kept[said]
        order = "" if _whole(earlier) == _whole(answer[1]) else " (its terms in another order)"
        notes.append(f"take {index} said the same as take {number}{order}: left out")
    takes = [answer for _, answer in kept.values()]
    takes[0][1].warnings.extend(notes)
    return takes


def _whole(fields: Fields) -> tuple[str, str, str]:
    return fields.prompt, fields.negative, json.dumps(fields.params, sort_keys=True)


def _said(fields: Fields, family: Family) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """What a take says, whatever the order of its terms (a term's case and closing stop aside)."""
    return _terms(fields.prompt, family), _terms(fields.negative, None), _whole(fields)[2]


def _terms(text: str, family: Family | None) -> tuple[str, ...]:
    return tuple(sorted(" ".join(term.text.lower().strip(" .!?").split())
                        for term in Prompt.parse(text, family).terms))


def estimate(last: PromptVersion, n: int, prices_file: str = "", *, call_per_take: bool) -> tuple[float | None, float]:
    """What `n` takes would cost (None: the price is unknown) and take in seconds, judged from one answer: with a
    call per take (the embedded model) n times that call; in one call, the same input and n times the output."""
    if call_per_take:
        return (None if last.cost_usd is None else n * last.cost_usd), n * last.latency_s
    first = last.ttft_s if last.ttft_s is not None else 0.0
    seconds = first + n * max(last.latency_s - first, 0.0)
    row = price_for(last.provider, last.model, prices_file)
    if row is None:
        return None, seconds
    usage = last.usage
    spent = (usage.input_tokens * row["input"] + usage.cache_read_tokens * row.get("cache_read", row["input"])
             + n * usage.output_tokens * row["output"])
    return round(spent / 1_000_000, 8), seconds
