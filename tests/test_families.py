"""Model families: detection, and the family's rules applied to whatever the model answers."""

from __future__ import annotations

import json

import pytest

from sdpa_ext.assistant import Assistant
from sdpa_ext.craft.families import families, resolve_family
from sdpa_ext.craft.params import _names, family_params, size_fits
from sdpa_ext.errors import ConfigError
from sdpa_ext.types import HostContext

from .wire import OpenAIServer


@pytest.mark.parametrize(("ctx", "family", "why"), [
    (HostContext(), "sdxl", "no checkpoint known"),
    (HostContext(checkpoint="ponyDiffusionV6XL.safetensors", arch="sdxl"), "pony", "SDXL and its name says pony"),
    (HostContext(checkpoint="waiIllustriousSDXL_v140", arch="sdxl"), "illustrious", "says illustrious"),
    (HostContext(checkpoint="noobaiXLNAIXL_vPred10", arch="sdxl"), "illustrious", "says illustrious"),
    (HostContext(checkpoint="flux1-dev-fp8", arch="flux"), "flux", "reports a flux"),
    (HostContext(checkpoint="my_model", arch="sd1"), "sd15", "reports a sd1"),
    (HostContext(checkpoint="sd3.5_large", arch="sd3"), "sd3", "reports a sd3"),
    (HostContext(checkpoint="flux1-schnell.safetensors"), "flux", "name 'flux1-schnell.safetensors' suggests flux"),
    (HostContext(checkpoint="realisticVisionV60B1"), "sd15", "suggests sd15"),
    (HostContext(checkpoint="mystery_merge_v3"), "sdxl", "gives no hint"),
])
def test_auto_detection_says_what_and_why(ctx, family, why):
    chosen, reason = resolve_family("auto", ctx)
    assert chosen.key == family and why in reason


def test_an_explicit_family_wins_and_a_wrong_one_is_named():
    assert resolve_family("flux", HostContext(arch="sdxl"))[0].key == "flux"
    with pytest.raises(ConfigError, match=r"family='fluxx'.*did you mean 'flux'"):
        resolve_family("fluxx")


def test_family_data_is_complete_and_valid():
    for family in families().values():
        warnings: list[str] = []
        assert family_params(family, family.params, notes=warnings) == family.params and not warnings, family.key
        assert all(w % 64 == 0 and h % 64 == 0 and size_fits(family, w, h) for w, h in family.sizes)
        assert (family.params["width"], family.params["height"]) in family.sizes
        assert family.params["sampler_name"] in _names()["samplers"]


def _plan(make_settings, answer: dict, family: str):
    with OpenAIServer(answer=json.dumps(answer)) as server:
        assistant = Assistant(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1"}))
        version = assistant.plan("a lighthouse in a storm", family=family)
        return version, server.requests[-1].json


def test_flux_gets_sentences_no_weights_no_negative_and_its_settings(make_settings):
    answer = {"prompt": "A (tall:1.3) lighthouse in a storm. Waves crash.", "negative_prompt": "blurry",
              "params": {"cfg_scale": 1, "steps": 20}, "notes": "n"}
    version, request = _plan(make_settings, answer, "flux")
    assert version.prompt == "A tall lighthouse in a storm. Waves crash."
    assert version.negative_prompt == ""
    assert any("ignores negative prompts" in w for w in version.warnings)
    assert version.params["cfg_scale"] == 1.0 and version.params["distilled_cfg_scale"] == 3.5
    assert "natural-language sentences" in request["messages"][0]["content"]


def test_pony_gets_its_score_prefix_first(make_settings):
    answer = {"prompt": "1girl, lighthouse, score_9, storm", "negative_prompt": "", "params": {}, "notes": ""}
    version, _ = _plan(make_settings, answer, "pony")
    assert version.prompt.startswith("score_9, score_8_up, score_7_up, rating_safe, 1girl, lighthouse")
    assert "added the Pony Diffusion tags score_9, score_8_up, score_7_up, rating_safe" in version.warnings
    assert version.negative_prompt.startswith("score_6")  # the family's default negative when none came


def test_bad_settings_are_dropped_and_said(make_settings):
    answer = {"prompt": "lighthouse, storm", "negative_prompt": "x",
              "params": {"steps": 900, "sampler_name": "Super Sampler 9000", "width": 1000, "height": "tall"},
              "notes": ""}
    version, _ = _plan(make_settings, answer, "sd15")
    assert version.params["steps"] == 80 and version.params["sampler_name"] == "DPM++ 2M"
    assert (version.params["width"], version.params["height"]) == (512, 768)  # "tall" is no height
    assert sorted(version.warnings) == ["height='tall' ignored: not a number", "steps 900 -> 80 (SD 1.5 uses 4-80)",
                                        "unknown sampler 'Super Sampler 9000' replaced by DPM++ 2M"]


def test_style_presets_and_output_language_reach_the_model(make_settings):
    answer = {"prompt": "lighthouse", "negative_prompt": "", "params": {}, "notes": ""}
    with OpenAIServer(answer=json.dumps(answer)) as server:
        assistant = Assistant(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1"}))
        assistant.plan("un phare dans la tempête", style="oil painting")
        sent = json.dumps(server.requests[-1].json)
    assert "Style: oil painting" in sent and "translating the description" in sent
    with pytest.raises(ConfigError, match="style='crayon'"):
        assistant.plan("a cat", style="crayon")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("description", "", "description: is empty"),
    ("description", "x" * 100_000, "description: is 100,000 characters; the limit is 4,000"),
])
def test_bad_descriptions_are_refused_before_any_call(make_settings, field, value, message):
    with OpenAIServer() as server:
        assistant = Assistant(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1"}))
        with pytest.raises(ConfigError, match=message):
            assistant.plan(value)
        assert server.requests == []


def _safetensors(path, names: list[str]) -> str:
    """A safetensors file with these tensor names (headers only: the detection never reads weights)."""
    header = {name: {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]} for name in names}
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header).encode()
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + b"\0\0")
    return str(path)


@pytest.mark.parametrize(("names", "family"), [
    (["model.diffusion_model.double_blocks.0.img_attn.qkv.weight"], "flux"),
    (["model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight"], "sd3"),
    (["conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight"], "sdxl"),
    (["cond_stage_model.transformer.text_model.embeddings.position_ids"], "sd15"),
    (["cond_stage_model.model.transformer.resblocks.0.ln_1.weight"], "sd15"),
])
def test_auto_reads_the_selected_checkpoints_header_without_loading_it(tmp_path, names, family):
    ctx = HostContext(checkpoint="my_merge_v3", checkpoint_file=_safetensors(tmp_path / "m.safetensors", names))
    chosen, reason = resolve_family("auto", ctx)
    assert chosen.key == family and "selected checkpoint's tensors" in reason


def test_auto_without_a_loaded_model_uses_the_dropdown_then_forges_preset(tmp_path):
    from sdpa_ext.host import host_context

    class Info:
        name, title = "ponyDiffusionV6XL", "ponyDiffusionV6XL.safetensors [abc]"
        filename = _safetensors(tmp_path / "pony.safetensors", ["conditioner.embedders.1.model.ln_final.weight"])

    class Opts:
        sd_model_checkpoint = Info.title
        forge_preset = "sd"

    ctx = host_context(None, opts=Opts(), checkpoints={Info.title: Info()})
    assert (ctx.checkpoint, ctx.checkpoint_file, ctx.preset) == ("ponyDiffusionV6XL", Info.filename, "sd")
    assert resolve_family("auto", ctx)[0].key == "pony"  # the file says SDXL, the name says Pony
    chosen, reason = resolve_family("auto", HostContext(preset="sd"))  # Forge, "sd" preset, nothing selected
    assert chosen.key == "sd15" and "preset is 'sd'" in reason
    assert resolve_family("auto", HostContext(preset="flux"))[0].key == "flux"
    assert resolve_family("auto", HostContext(preset="all"))[0].key == "sdxl"
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\xff" * 20)
    assert resolve_family("auto", HostContext(checkpoint_file=str(broken), preset="xl"))[0].key == "sdxl"
