"""Build the chat requests for plan (planning LLM) and refine (execution LLM)."""

from __future__ import annotations

import json

from ..providers.types import ChatRequest, Image, Message
from ..types import PromptVersion
from .families import Family
from .params import KEYS


def answer_schema(family: Family) -> dict:
    """The JSON the model must answer with. Length caps keep small local models from running away."""
    params = {
        "type": "object",
        "properties": {
            "steps": {"type": "integer"},
            "cfg_scale": {"type": "number"},
            "sampler_name": {"type": "string"},
            "scheduler": {"type": "string"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    }
    if "distilled_cfg_scale" in family.params:
        params["properties"]["distilled_cfg_scale"] = {"type": "number"}
    return {
        "type": "object",
        "properties": {
            "prompt": {"type": "string", },
            "negative_prompt": {"type": "string"},
            "params": params,
            "notes": {"type": "string"},
        },
        "required": ["prompt", "negative_prompt", "params", "notes"],
    }


def _negative_rule(family: Family) -> str:
    if not family.negative_allowed:
        return f"{family.label} takes no negative prompt: negative_prompt must be an empty string."
    return f"short comma-separated list of defects to avoid, for example: {family.negative}."


def plan_request(description: str, family: Family, *, style: dict | None = None, style_name: str = "",
                 language: str = "English") -> ChatRequest:
    """The planning LLM's request: description -> prompt, negative prompt, settings, notes."""
    sizes = ", ".join(f"{w}x{h}" for w, h in family.sizes)
    system = "\n".join([
        f"You are an expert prompt writer for Stable Diffusion {family.label} image models.",
        f"Turn the user's description into a {family.label} prompt.",
        f"- prompt: {family.rules}",
        "- Keep every subject, object, colour and detail the user asked for; add what makes the picture "
        "good (lighting, composition, style) without changing what they asked for.",
        f"- Write the prompt in {language}, translating the description if it is in another language.",
        f"- negative_prompt: {_negative_rule(family)}",
        f"- params: only the settings worth changing from these defaults for {family.label}: "
        f"{json.dumps(family.params)}; sizes: {sizes} (pick the aspect the scene needs).",
        "- notes: one short sentence on what you chose and why.",
        "Answer with one JSON object with the keys prompt, negative_prompt, params and notes, and nothing else.",
    ])
    example = family.example
    example_answer = {"prompt": example["prompt"], "negative_prompt": example["negative_prompt"],
                      "params": {"width": family.params["width"], "height": family.params["height"]},
                      "notes": example["notes"]}
    ask = f"Description: {description}"
    if style is not None:
        ask += f"\nStyle: {style_name} ({', '.join(style['tags'])})"
    messages = [
        Message("user", f"Description: {example['description']}"),
        Message("assistant", json.dumps(example_answer)),
        Message("user", ask),
    ]
    return ChatRequest(messages=messages, system=system, schema=answer_schema(family), schema_name="sd_prompt",
                       temperature=0.5, max_tokens=700)


def refine_request(current: PromptVersion, instruction: str, family: Family, *, language: str = "English",
                   locked: list[str] | None = None) -> ChatRequest:
    """The execution LLM's request: only the current fields and the instruction, never the history. The system
    prompt is short and the same for every refine of a family (so providers can cache it); what changes from
    call to call, the locked spans included, goes in the user message."""
    system = "\n".join([
        f"You edit a Stable Diffusion {family.label} prompt as the instruction asks, however it is phrased.",
        "- Change only what it asks, inside the user's phrases where needed (night: `sunlit field` -> `field`); "
        "keep every other term, its order and its syntax. Take out what it removes or contradicts.",
        "- Keep LoRA tags <lora:name:w>, weights (term:1.2), [a:b:0.5], [a|b], BREAK, AND, __wildcards__ and "
        "locked pieces exactly, unless the instruction names them. Weights at most 1.5.",
        "- What must not appear goes in the negative prompt, not as `no X` in the prompt.",
        f"- Style: {family.rules}",
        f"- Write in {language}. params: only settings that change.",
        "Answer with JSON: prompt, negative_prompt (both whole), params, notes (one short sentence).",
    ])
    message = Message("user", _refine_ask(current.prompt, current.negative_prompt, current.params, instruction,
                                          locked or []))
    return ChatRequest(messages=[message], system=system, schema=answer_schema(family), schema_name="sd_prompt_edit",
                       temperature=0.3, max_tokens=700)


def _refine_ask(prompt: str, negative: str, params: dict, instruction: str, locked: list[str]) -> str:
    settings = {k: v for k, v in params.items() if k in KEYS}
    lines = [f"Current prompt: {prompt}", f"Current negative prompt: {negative}",
             f"Current settings: {json.dumps(settings)}"]
    if locked:
        lines.append("Locked pieces: " + " ; ".join(locked))
    return "\n".join([*lines, f"Instruction: {instruction}"])


def describe_request(image: Image, family: Family, *, language: str = "English") -> ChatRequest:
    """The planning LLM's request for a prompt from an image: what it shows, in the family's style."""
    sizes = ", ".join(f"{w}x{h}" for w, h in family.sizes)
    system = "\n".join([
        f"You are an expert prompt writer for Stable Diffusion {family.label} image models.",
        "Write the prompt that would make an image like the attached one: its subject, what the subject looks "
        "like and does, the setting, the light, the colours, the medium or art style and the composition. Say "
        "only what you see.",
        f"- prompt: {family.rules}",
        f"- Write in {language}.",
        f"- negative_prompt: {_negative_rule(family)}",
        f"- params: only settings worth changing from {json.dumps(family.params)}; sizes: {sizes} (the aspect "
        "closest to the image's).",
        "- notes: one short sentence on what the image shows.",
        "Answer with one JSON object with the keys prompt, negative_prompt, params and notes, and nothing else.",
    ])
    ask = Message("user", f"Image: {image.width}x{image.height} px, attached. Write its prompt.", [image])
    return ChatRequest(messages=[ask], system=system, schema=answer_schema(family), schema_name="sd_prompt",
                       temperature=0.3, max_tokens=700)


CHECK_SCHEMA = {"type": "object", "properties": {
    "matches": {"type": "array", "items": {"type": "string"}},
    "mismatches": {"type": "array", "items": {"type": "string"}},
    "refines": {"type": "array", "items": {"type": "string"}, "maxItems": 3}},
    "required": ["matches", "mismatches", "refines"]}


def check_request(image: Image, description: str, prompt: str) -> ChatRequest:
    """The execution LLM's look at a generated image: what matches the description and the prompt, what does
    not, and at most three refines that would fix it, each an instruction a user could type."""
    system = ("You check an image made by Stable Diffusion against what the user wanted. List briefly what "
              "matches and what does not (missing subjects, wrong light, colours, count, style, anatomy). Then "
              "propose at most three short instructions that would fix the prompt (like `make the cabin "
              "visible`, `add falling snow`); none when it matches. Answer with JSON only.")
    ask = Message("user", f"Wanted: {description or '(no description)'}\nPrompt used: {prompt}\n"
                          "The generated image is attached.", [image])
    return ChatRequest(messages=[ask], system=system, schema=CHECK_SCHEMA, schema_name="image_check",
                       temperature=0.2, max_tokens=400)
