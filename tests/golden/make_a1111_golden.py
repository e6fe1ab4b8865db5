"""Write tests/data/a1111_golden.json: what AUTOMATIC1111 v1.10.1's own code makes of a corpus of prompts.

Opt-in, never run by CI: it needs a WebUI checkout (SDPA_WEBUI_DIR) and an environment with the packages
A1111 pins for this (lark 1.1.2, transformers 4.30.2, ftfy, and open_clip_torch for the CLIP vocabulary):

    python -m venv /tmp/golden && /tmp/golden/bin/pip install lark==1.1.2 transformers==4.30.2 ftfy
    /tmp/golden/bin/pip install --no-deps open_clip_torch==2.20.0
    SDPA_WEBUI_DIR=/path/to/webui /tmp/golden/bin/python tests/golden/make_a1111_golden.py

What runs is A1111's code, not a copy: `modules/prompt_parser.py` is imported as it is (a stub stands in for
torch, which it imports only for tensors); `tokenize_line` and `process_texts` (modules/sd_hijack_clip.py),
`parse_prompt` (modules/extra_networks.py), `get_prompt_lengths` (modules/sd_hijack.py) and
`update_token_counter` (modules/ui.py) are read from the checkout's source and run with stubs for the
options (default emphasis, comma backtrack 20) and the UI plumbing around them. The tokenizer is
transformers' CLIPTokenizer as SD1's FrozenCLIPEmbedder loads it, built from the vocabulary open_clip ships
(bpe_simple_vocab_16e6.txt.gz, no download); with ftfy installed it normalises text with ftfy.fix_text, as in
A1111, whose requirements bring ftfy.
"""

from __future__ import annotations

import ast
import gzip
import importlib.util
import json
import os
import random
import sys
import tempfile
import types
from collections import defaultdict, namedtuple
from functools import reduce
from pathlib import Path

from corpus import corpus, soup  # tests/golden/corpus.py, beside this script

STEPS = 20
OUT = Path(__file__).resolve().parents[1] / "data" / "a1111_golden.json"


def _webui() -> Path:
    root = Path(os.environ.get("SDPA_WEBUI_DIR", ""))
    if not (root / "modules" / "prompt_parser.py").is_file():
        sys.exit("SDPA_WEBUI_DIR must name an A1111 v1.10.1 checkout")
    return root


def _source(path: Path, names: set[str], klass: str | None = None) -> str:
    """The source of the named functions (or of the named methods of `klass`) in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = tree.body
    if klass:
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == klass).body
    found = [n for n in body if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name in names]
    assert {n.name for n in found} == names, (path, names)
    return "\n\n".join(ast.get_source_segment(path.read_text(encoding="utf-8"), n) for n in found)


def _tokenizer():
    from transformers import CLIPTokenizer
    from transformers.models.clip import tokenization_clip

    assert tokenization_clip.CLIPTokenizer is CLIPTokenizer
    spec = importlib.util.find_spec("open_clip")
    bpe = Path(next(iter(spec.submodule_search_locations))) / "bpe_simple_vocab_16e6.txt.gz"
    with gzip.open(bpe) as file:
        merges = file.read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
    from transformers.models.clip.tokenization_clip import bytes_to_unicode

    vocab = list(bytes_to_unicode().values())
    vocab += [v + "</w>" for v in vocab] + ["".join(m.split()) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
    folder = Path(tempfile.mkdtemp())
    (folder / "vocab.json").write_text(json.dumps({v: i for i, v in enumerate(vocab)}), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    tokenizer = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    assert tokenizer.fix_text is not None, "install ftfy: A1111's environment has it"
    assert len(tokenizer) == 49408
    return tokenizer


def _a1111(root: Path):
    """A1111's prompt_parser, extra network parser, tokenizer wrapper and token counter."""
    tokenizer = _tokenizer()  # before the torch stub: transformers looks for torch when imported
    sys.modules.setdefault("torch", types.ModuleType("torch"))  # prompt_parser imports it for tensors only
    spec = importlib.util.spec_from_file_location("prompt_parser", root / "modules" / "prompt_parser.py")
    prompt_parser = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(prompt_parser)

    modules = root / "modules"
    opts = types.SimpleNamespace(emphasis="Original", comma_padding_backtrack=20,
                                 include_styles_into_token_counters=False)
    scope: dict = {"re": __import__("re"), "defaultdict": defaultdict, "namedtuple": namedtuple,
                   "math": __import__("math"), "reduce": reduce, "prompt_parser": prompt_parser, "opts": opts}
    exec(_source(modules / "extra_networks.py", {"ExtraNetworkParams", "parse_prompt"}), scope)
    scope["re_extra_net"] = __import__("re").compile(
        ast.literal_eval(_line_value(modules / "extra_networks.py", "re_extra_net = re.compile(")))
    exec(_source(modules / "sd_hijack_clip.py", {"PromptChunk"}), scope)
    methods = _source(modules / "sd_hijack_clip.py",
                      {"get_target_prompt_token_count", "tokenize_line", "process_texts"}, "TextConditionalModel")
    exec("class Clip:\n" + "\n".join("    " + line for line in methods.splitlines()), scope)
    clip = scope["Clip"]()
    clip.chunk_length, clip.comma_token = 75, tokenizer.get_vocab()[",</w>"]
    clip.id_start, clip.id_end = tokenizer.bos_token_id, tokenizer.eos_token_id
    clip.tokenize = lambda texts: tokenizer(texts, truncation=False, add_special_tokens=False)["input_ids"]
    no_embeddings = types.SimpleNamespace(find_embedding_at_position=lambda tokens, position: (None, None))
    clip.hijack = types.SimpleNamespace(embedding_db=no_embeddings)

    hijack = types.SimpleNamespace(clip=clip)
    exec(_source(modules / "sd_hijack.py", {"get_prompt_lengths"}, "StableDiffusionModelHijack"), scope)
    hijack.get_prompt_lengths = types.MethodType(scope["get_prompt_lengths"], hijack)
    callbacks = types.SimpleNamespace(
        BeforeTokenCounterParams=lambda text, steps, styles, is_positive: types.SimpleNamespace(
            prompt=text, steps=steps, styles=styles, is_positive=is_positive),
        before_token_counter_callback=lambda params: None)
    scope.update(script_callbacks=callbacks, shared=types.SimpleNamespace(opts=opts), model_hijack=hijack,
                 extra_networks=types.SimpleNamespace(parse_prompt=scope["parse_prompt"]))
    exec(_source(modules / "ui.py", {"update_token_counter"}), scope)
    return prompt_parser, scope, clip


def _line_value(path: Path, prefix: str) -> str:
    line = next(x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith(prefix))
    return line[len(prefix):].rsplit(")", 1)[0]


def _chunks(clip, text: str) -> list[int]:
    """Real tokens in each 75-token chunk A1111 makes of one text (the padding is the end token)."""
    chunks, _ = clip.tokenize_line(text)
    return [[*c.tokens[1:-1], clip.id_end].index(clip.id_end) for c in chunks]


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def record(prompt: str, prompt_parser, scope: dict, clip) -> dict:
    """Everything A1111 makes of one prompt."""
    text, networks = scope["parse_prompt"](prompt)
    indexes, flat, _ = prompt_parser.get_multicond_prompt_list([text])
    parts = [[flat[i], w] for i, w in indexes[0]]
    entry: dict = {"prompt": prompt, "networks": [[name, p.items] for name, ps in networks.items() for p in ps],
                   "text": text, "parts": parts, "schedules": [], "attention": {}}
    for part, _ in parts:
        try:
            prompt_parser.schedule_parser.parse(part)
            parsed = True
        except Exception:  # lark.exceptions.LarkError: A1111 then uses the text as it is
            parsed = False
        schedule = prompt_parser.get_learned_conditioning_prompt_schedules([part], STEPS)[0]
        entry["schedules"].append({"parsed": parsed, "steps": schedule})
        for _, step_text in schedule:
            try:
                attention = prompt_parser.parse_prompt_attention(step_text)
                entry["attention"][step_text] = {"segments": attention, "chunks": _chunks(clip, step_text)}
            except Exception as exc:  # a weight that is no number: A1111 raises
                entry["attention"][step_text] = {"error": _error(exc)}
    for key, positive in (("counter", True), ("negative_counter", False)):
        try:
            html = scope["update_token_counter"](prompt, STEPS, [], is_positive=positive)
            count, limit = html.split(">", 1)[1].split("<", 1)[0].split("/")
            entry[key] = {"count": int(count), "limit": int(limit)}
        except Exception as exc:
            entry[key] = {"error": _error(exc)}
    return entry


def _soup(text: str, prompt_parser) -> list:
    """[text, schedule, attention of the text or the error's type]."""
    try:
        attention = prompt_parser.parse_prompt_attention(text)
    except ValueError:
        attention = "ValueError"
    return [text, prompt_parser.get_learned_conditioning_prompt_schedules([text], STEPS)[0], attention]


def main() -> None:
    root = _webui()
    prompt_parser, scope, clip = _a1111(root)
    prompts = corpus(random.Random(11))
    fixture = {"source": "AUTOMATIC1111 stable-diffusion-webui v1.10.1: modules/prompt_parser.py, extra_networks.py, "
                         "sd_hijack_clip.py, sd_hijack.py, ui.py (update_token_counter); transformers "
                         f"CLIPTokenizer with ftfy; steps={STEPS}; comma backtrack 20; emphasis Original",
               "prompts": [record(p, prompt_parser, scope, clip) for p in prompts]}
    fixture["soup"] = [_soup(text, prompt_parser) for text in soup(random.Random(12), 1500)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(prompts)} prompts, {len(fixture['soup'])} random strings -> {OUT}")


if __name__ == "__main__":
    main()
