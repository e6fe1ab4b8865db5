"""The prompt syntax is sacred: every form survives a refine whatever the model does to it."""

from __future__ import annotations

import json

import pytest

from sdpa_ext.assistant import Assistant
from sdpa_ext.craft.prompt import find_spans
from sdpa_ext.craft.reading import read
from sdpa_ext.craft.syntax import guard, problems, repair
from sdpa_ext.types import PromptVersion

from .wire import OpenAIServer

FREE_FORM = "evoke a lonelier, quieter feeling"  # no rule reads it: the model answers

SPANS = ["<lora:detail:0.8>", "<lyco:film:0.5>", "<hypernet:ink:1>", "(masterpiece:1.2)", "(sharp focus)",
         "[blurry]", "easynegative", "[day:night:0.5]", "[cat|dog]", "BREAK", "__colors__", "{red|blue}", "AND"]
ORIGINAL = ("<lora:detail:0.8>, <lyco:film:0.5>, <hypernet:ink:1>, (masterpiece:1.2), (sharp focus), [blurry], "
            "easynegative, cabin, [day:night:0.5], [cat|dog], BREAK, __colors__ sky, {red|blue} door, snow, AND, "
            "mountains")
EMBEDDINGS = ["easynegative"]


def test_every_form_is_found_with_its_kind():
    kinds = {span.text: span.kind for span in find_spans(ORIGINAL, EMBEDDINGS)}
    assert kinds == {
        "<lora:detail:0.8>": "network", "<lyco:film:0.5>": "network", "<hypernet:ink:1>": "network",
        "(masterpiece:1.2)": "group", "(sharp focus)": "group", "[blurry]": "group", "easynegative": "embedding",
        "[day:night:0.5]": "edit", "[cat|dog]": "alternation", "BREAK": "keyword", "__colors__": "wildcard",
        "{red|blue}": "variant", "AND": "keyword"}


def test_escaped_brackets_are_text():
    assert [(s.kind, s.text) for s in find_spans(r"a \(literal\) paren, (real:1.1)")] == [
        ("literal", r"\(literal\)"), ("group", "(real:1.1)")]
    assert problems(r"a \(literal paren") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("(a:1.2), [b], c", []),
    ("(a:1.2, b", ["unclosed '('"]),
    ("a), b", ["unmatched ')'"]),
    ("(a:3.5)", ["weight 3.5 in '(a:3.5)' is outside 0.1-2.0"]),
    ("<lora:x:0.5>, <lora:x:0.9>", ["lora 'x' appears twice"]),
    ("<lora:x:banana>", ["'<lora:x:banana>' has a bad weight"]),
    ("(style: anime)", []),  # a colon without a number is text in A1111
])
def test_problems(text, expected):
    assert problems(text) == expected


def test_repair_balances_clamps_and_dedupes():
    text, notes = repair("(cabin:4), ((snow), <lora:a:0.5>, forest], <lora:a:0.7>")
    assert problems(text) == []
    assert "(cabin:2)" in text and text.count("<lora:a:") == 1 and "<lora:a:0.5>" in text
    assert len(notes) == 3


def _mangle_drop(span: str) -> str:
    return ORIGINAL.replace(span, "", 1)


def _mangle_rewrap(span: str) -> str:
    rewrapped = {"<lora:detail:0.8>": "<lora:detail:1.0>", "(masterpiece:1.2)": "((masterpiece))",
                 "(sharp focus)": "sharp focus", "[blurry]": "(blurry:0.9)", "<lyco:film:0.5>": "<lyco:film>",
                 "[day:night:0.5]": "day to night", "[cat|dog]": "cat or dog", "{red|blue}": "red",
                 "__colors__": "colors", "BREAK": "break", "AND": "and", "easynegative": "easy negative",
                 "<hypernet:ink:1>": "hypernet ink"}[span]
    return ORIGINAL.replace(span, rewrapped, 1)


def _mangle_duplicate(span: str) -> str:
    return ORIGINAL + ", " + span


def _mangle_reorder(span: str) -> str:
    return span + ", " + ORIGINAL.replace(span, "", 1)


@pytest.mark.parametrize("span", SPANS)
@pytest.mark.parametrize("mangle", [_mangle_drop, _mangle_rewrap, _mangle_duplicate, _mangle_reorder])
def test_guard_keeps_every_span_whatever_the_model_did(span, mangle):
    answer = mangle(span) + ", dark night"
    result = guard(ORIGINAL, answer, read("make it darker", ORIGINAL, EMBEDDINGS), EMBEDDINGS)
    for expected in SPANS:
        wanted = ORIGINAL.count(expected) if expected not in ("AND",) else 1
        assert result.text.count(expected) >= 1, (expected, result.text)
        if expected.startswith("<"):
            assert result.text.count(expected) == wanted, (expected, result.text)
    assert problems(result.text) == [] and "dark night" in result.text
    assert not result.removed


def test_guard_allows_removal_when_asked_and_says_so():
    asked = read("remove the detail lora", ORIGINAL, EMBEDDINGS)
    result = guard(ORIGINAL, ORIGINAL.replace("<lora:detail:0.8>, ", ""), asked, EMBEDDINGS)
    assert "<lora:detail:0.8>" not in result.text and result.removed == ["<lora:detail:0.8>"]
    result = guard("cabin, (cat:1.2), snow", "cabin, snow", read("no more cat", "cabin, (cat:1.2), snow"))
    assert result.text == "cabin, snow" and result.removed == ["(cat:1.2)"]


def test_guard_allows_a_weight_change_when_asked():
    prompt = "cabin, <lora:detail:0.8>"
    result = guard(prompt, "cabin, <lora:detail:0.5>", read("less detail lora", prompt))
    assert result.text == "cabin, <lora:detail:0.5>"


def test_break_goes_back_where_it_was():
    result = guard("cabin, snow, BREAK, forest, night", "cabin, snow, forest, night, dark", read("darker"))
    assert result.text == "cabin, snow, BREAK, forest, night, dark"


def test_a_lora_changes_only_when_a_clause_names_it_with_a_change_verb():
    prompt = "cabin, <lora:add_detail:0.8>"
    span = find_spans(prompt)[0]

    def targets(instruction: str) -> tuple[bool, bool]:
        reading = read(instruction, prompt)
        return reading.names(span), reading.removes(span)
    assert targets("more detail") == (False, False)  # a word of its name is not its name
    assert targets("add more detail to the face") == (False, False)
    assert targets("lower the add detail lora") == (True, False)
    assert targets("remove <lora:add_detail>") == (True, True)
    assert targets("the add detail lora is great, make it darker") == (False, False)
    assert targets("make it darker") == (False, False)
    for verb in ("erase", "take away", "cut", "ditch", "yeet", "get rid of"):  # one verb list, in the lexicon
        assert targets(f"{verb} the lora") == (True, True), verb


# --- through refine, with scripted model answers ---------------------------------------------------


@pytest.mark.parametrize("mangle", [_mangle_drop, _mangle_rewrap, _mangle_duplicate, _mangle_reorder])
def test_refine_through_a_provider_keeps_every_span(make_settings, mangle):
    answers = iter(json.dumps({"prompt": mangle(span) + ", dark", "negative_prompt": "(worst quality:3), lowres",
                               "params": {}, "notes": "darker"}) for span in SPANS)
    with OpenAIServer(answer=lambda _req: next(answers)) as server:
        assistant = Assistant(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1",
                                             "SDPA_ANSWER_FORM": "full"}))
        from sdpa_ext.types import HostContext

        ctx = HostContext(embeddings=EMBEDDINGS)
        for _span in SPANS:
            current = PromptVersion(prompt=ORIGINAL, negative_prompt="(worst quality:1.4), lowres")
            version = assistant.refine(current, FREE_FORM, ctx=ctx)
            for expected in SPANS:
                assert expected in version.prompt, (expected, version.prompt)
            assert problems(version.prompt) == [] and problems(version.negative_prompt) == []
            assert "(worst quality:1.4)" in version.negative_prompt
            assert version.warnings  # every repair is reported


def test_refine_acceptance_example_keeps_lora_weight_and_break(make_settings):
    answer = json.dumps({"prompt": "masterpiece, cabin, snow, dark night, <lora:detail:1>", "negative_prompt": "",
                         "params": {}, "notes": "darker"})
    with OpenAIServer(answer=answer) as server:
        assistant = Assistant(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1"}))
        current = PromptVersion(prompt="<lora:detail:0.8>, (masterpiece:1.2), cabin, BREAK, snow")
        version = assistant.refine(current, FREE_FORM)
    assert "<lora:detail:0.8>" in version.prompt and "(masterpiece:1.2)" in version.prompt
    assert "BREAK" in version.prompt and "dark night" in version.prompt
    assert version.prompt.index("cabin") < version.prompt.index("BREAK") < version.prompt.index("snow")


@pytest.mark.parametrize(("original", "answer", "instruction", "expected"), [
    ("a cabin :1.2 AND a frozen lake :0.8", "AND, a cabin :1.2 and a frozen lake :0.8, dark", FREE_FORM,
     "a cabin :1.2 AND a frozen lake, dark :0.8"),
    ("cabin, snow, BREAK, forest", "BREAK, cabin, snow, forest, dark", FREE_FORM, "cabin, snow, BREAK, forest, dark"),
    ("cabin, snow, BREAK, forest", "cabin, snow, break, forest, dark", FREE_FORM, "cabin, snow, BREAK, forest, dark"),
    ("cabin, BREAK, forest", "cabin, forest, dark", FREE_FORM, "cabin, BREAK, forest, dark"),
    ("(瀑布:1.2), rocks", "瀑布, rocks, mist", FREE_FORM, "(瀑布:1.2), rocks, mist"),
    ("[blurry], garden", "([[blurry]], garden:1.1), dusk", FREE_FORM, "[blurry], garden, dusk"),
    (r"\(artist\), portrait", "(artist), portrait, moody", FREE_FORM, r"\(artist\), portrait, moody"),
    ("[day:night:0.5], city", "[day:night:0.5], city | neon", FREE_FORM, "[day:night:0.5], city, neon"),
    ("cute girl, >_<, heart <3", "cute girl, >_<, heart <3, pastel", FREE_FORM, "cute girl, >_<, heart <3, pastel"),
    ("a cat, sitting", "((a cat), sitting:1.2.3)", FREE_FORM, "((a cat), sitting:1.2)"),
    ("<lora:detail:0.8>, cabin", '{"prompt": "<lora:detail:0.8>, <lora:extra:1>, cabin, dusk"}', FREE_FORM,
     "<lora:detail:0.8>, cabin, dusk"),
    ("<lora:add_detail:0.8>, cabin", "<lora:add_detail:0.3>, cabin, more detail", "more detail",
     "<lora:add_detail:0.8>, cabin, more detail"),
    ("<lora:add_detail:0.8>, cabin", "<lora:add_detail:0.5>, cabin", "lower the add detail lora",
     "<lora:add_detail:0.5>, cabin"),
])
def test_the_cases_issue_11_lists(original, answer, instruction, expected):
    result = guard(original, answer, read(instruction, original))
    assert result.text == expected
    assert problems(result.text) == []


def test_a_prompt_nested_as_json_is_unwrapped_by_repair_too():
    text, notes = repair('{"prompt": "cabin, <lora:x:1>", "negative_prompt": ""}')
    assert text == "cabin, <lora:x:1>" and "JSON" in notes[0]
    assert repair('cabin, {red|blue} door, "quoted"') == ('cabin, {red|blue} door, "quoted"', [])


def test_json_without_a_prompt_is_refused():
    result = guard("cabin, snow", '{"tags": ["cabin", "<lora:x:1>"]}', read(FREE_FORM))
    assert result.text == "cabin, snow" and "JSON" in result.repairs[0]


@pytest.mark.parametrize("prompt", ["((" * 2000 + "x" + "))" * 2000, "[a|" * 1500 + "b" + "]" * 1500,
                                    "{a|" * 1500 + "b" + "}" * 1500, ", ".join(f"(w{i}:1.2)" for i in range(800))])
def test_pathological_prompts_are_guarded_without_failing(prompt):
    result = guard(prompt, "y", read(FREE_FORM, prompt))
    assert result.text and all(span.text in result.text for span in find_spans(prompt)[:50])


def test_asked_for_a_break_the_answer_keeps_its_own_without_empty_chunks():
    answer = "BREAK, cabin, snow, BREAK, BREAK, forest, BREAK"
    assert guard("cabin, snow, forest", answer, read("split it with a BREAK before the forest")).text == \
        "cabin, snow, BREAK, forest"
    result = guard("cabin, snow, BREAK, forest", "cabin, snow, forest", read("remove the BREAK"))
    assert result.text == "cabin, snow, forest"
