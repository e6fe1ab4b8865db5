"""Parsing messy model answers into the JSON object, with salvage."""

from __future__ import annotations

import pytest

from sdpa_ext.craft.parse import parse_answer

GOOD = {"prompt": "cabin, snow", "negative_prompt": "blurry"}


@pytest.mark.parametrize("text", [
    '{"prompt": "cabin, snow", "negative_prompt": "blurry"}',
    '```json\n{"prompt": "cabin, snow", "negative_prompt": "blurry"}\n```',
    'Here is your prompt:\n{"prompt": "cabin, snow", "negative_prompt": "blurry"}\nEnjoy! {not json}',
    "{'prompt': 'cabin, snow', 'negative_prompt': 'blurry'}",
    '{"prompt": "cabin, snow", "negative_prompt": "blurry",}',
    'Sure! ```\n{"prompt": "cabin, snow", "negative_prompt": "blurry"}``` Let me know.',
])
def test_messy_answers_parse(text):
    parsed = parse_answer(text)
    assert parsed.data == GOOD
    assert not parsed.salvaged


def test_python_literals_are_accepted():
    assert parse_answer("{'prompt': 'x', 'params': {'hires': True, 'seed': None}}").data == {
        "prompt": "x", "params": {"hires": True, "seed": None}}


def test_truncated_object_keeps_complete_members():
    parsed = parse_answer('{"prompt": "cabin, snow", "negative_prompt": "blurry", "notes": "I chose the')
    assert parsed.salvaged
    assert parsed.data == GOOD


def test_truncated_nested_params_keep_complete_numbers():
    parsed = parse_answer('{"prompt": "fox", "params": {"steps": 30, "cfg_scale": 6')
    assert parsed.data == {"prompt": "fox", "params": {"steps": 30, "cfg_scale": 6}}


def test_truncated_inside_first_value_fails_clearly():
    parsed = parse_answer('{"prompt": "cabin, sn')
    assert parsed.data is None and "no JSON object" in parsed.error


@pytest.mark.parametrize("text", ["", "   ", "I cannot help with that.", "[1, 2, 3]"])
def test_no_object_is_an_error(text):
    parsed = parse_answer(text)
    assert parsed.data is None and parsed.error


def test_huge_garbage_is_fast():
    import time

    start = time.perf_counter()
    parse_answer("{" + '"a": "b", ' * 50_000)
    assert time.perf_counter() - start < 5
