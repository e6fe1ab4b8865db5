"""Every HTML builder of the UI with hostile strings (model ids, provider errors, prompts, notes, diffs, GPU
names): the strings come out as text, never as elements or attributes. Pure: runs under every Gradio
(tests/hostenvs.py); tests/test_security.py renders the same builders in Chromium."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from sdpa_ext.providers.types import Usage
from sdpa_ext.types import PromptVersion
from sdpa_ext.ui import render

HOSTILE = ["<img src=x onerror=\"window.sdpaPwned=1\" id=sdpa-injected>",
           "<script id=sdpa-injected>window.sdpaPwned=1</script>",
           "'><svg onload=window.sdpaPwned=1 id=sdpa-injected>",
           "\"><iframe srcdoc='<script>parent.sdpaPwned=1</script>' id=sdpa-injected></iframe>",
           "</td></tr></table><b id=sdpa-injected>x</b>"]
OURS = {"div", "span", "b", "small", "ul", "li", "ins", "del", "br", "p", "code", "table", "tr", "td"}


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def builders(bad: str) -> dict[str, str]:
    """Each builder's HTML with `bad` in every string it shows."""
    version = PromptVersion(prompt=bad, negative_prompt=bad, provider=bad, model=bad, family=bad, notes=bad,
                            warnings=[bad, bad], usage=Usage(input_tokens=3, output_tokens=4), cost_usd=0.01,
                            latency_s=1.5)
    version.tokens = {"prompt": {"count": 3, "limit": 75, "source": bad, "chunks": [{"tokens": 3, "text": bad}]},
                      "negative": {"count": 1, "limit": 75, "source": bad, "chunks": [{"tokens": 1, "text": bad}]}}
    report = {"gpus": [{"index": 0, "name": bad, "total_gb": 8.0, "free_gb": 6.0}], "message": bad,
              "sd": {"footprint_gb": 2.0}, "ollama": {"loaded": [{"name": bad, "vram_gb": 1.0}]},
              "budget_gb": 3.0, "recommended": {"mode": bad, "reason": bad, "gpu_index": 0, "dual": {
                  "planning": {"model": bad, "vram_gb": 2.0, "pull": bad},
                  "execution": {"model": bad, "vram_gb": 1.0, "pull": ""}}}}
    return {
        "status": render.status(version, note=bad),
        "status_error": render.status(None, error=bad),
        "status_note": render.status(None, note=bad),
        "diff": render.diff_html({"added": [bad], "removed": [bad]}),
        "tokens": render.tokens_html(version),
        "vram_bar": render.vram_bar(report),
        "vram_bar_no_gpu": render.vram_bar({**report, "gpus": []}),
        "check_table": render.check_table([("planning", bad, bad, [bad, bad], True),
                                           ("execution", bad, bad, [], False)]),
        "progress": render.progress(0.5, bad),
    }


@pytest.mark.parametrize("bad", HOSTILE)
def test_every_builder_shows_hostile_strings_as_text(bad):
    for name, html in builders(bad).items():
        parsed = Elements()
        parsed.feed(html)
        tags = {tag for tag, _ in parsed.tags}
        assert tags <= OURS, (name, tags - OURS)
        attributes = {key for _, attrs in parsed.tags for key in attrs}
        assert attributes <= {"class", "style", "title"}, (name, attributes)
        titles = " ".join(attrs.get("title") or "" for _, attrs in parsed.tags)
        assert bad in parsed.text or bad in titles, name  # shown, not dropped


def test_esc_is_the_one_helper_and_escapes_quotes():
    assert render.esc("<a href='x'>\"&") == "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;"
    assert render.esc(None) == "" and render.esc(3) == "3"


def test_the_token_line_counts_chunks_and_names_its_tokenizer():
    version = PromptVersion(prompt="p", negative_prompt="n")
    version.tokens = {"prompt": {"count": 80, "limit": 150, "source": "clip-bpe",
                                 "chunks": [{"tokens": 70, "text": "a"}, {"tokens": 10, "text": "b"}]},
                      "negative": {"count": 43, "limit": 75, "source": "estimate", "chunks": [{"tokens": 43}]}}
    parsed = Elements()
    parsed.feed(render.tokens_html(version))
    assert parsed.text == "Prompt 80/150 2 chunks (70 + 10)Negative 43/75 1 chunk (estimate)"
    titles = [attrs["title"] for _, attrs in parsed.tags if "title" in attrs]
    assert titles[0].startswith("Counted with CLIP's vocabulary") and "estimate" in titles[1]
