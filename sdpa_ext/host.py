"""What the WebUI adapter needs that is logic, not glue: reading host objects (duck-typed, so A1111
and Forge both fit and tests pass fakes), and the settings page's options -> setting overrides.

Nothing here imports `modules`, `gradio` or `torch`; scripts/sdpa.py hands the host's objects in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .settings.config import flags, load_settings, web_options

SECTION = ("sdpa", "SD Prompt Assistant")  # the Settings page's section (id, label)
CATEGORY = ("sdpa", "SD Prompt Assistant")  # and the named category it is listed under (else "Uncategorized")


@dataclass(frozen=True)
class Option:
    key: str  # the WebUI option (shared.opts.<key>)
    label: str
    env: str  # the setting it overrides; `<P>` is the role's provider, resolved at load time
    choices: tuple[str, ...] = ()  # () for free text
    info: str = ""


# From the settings table (config.SETTINGS). Blank inherits the environment / .env; a value here wins.
# Keys are never options (see settings/keyfile.py).
OPTIONS = tuple(Option(o.key, o.label, o.env, choices, o.info) for o, choices in web_options())
# The WebUI's flags (preload.py) as argparse names -> the setting each overrides.
FLAGS = {flag.removeprefix("--").replace("-", "_"): setting.name for flag, setting in flags().items()}


def overrides_from(options: Mapping[str, Any], flags: Any = None) -> dict[str, str]:
    """The settings page's values (and the command-line flags) as setting overrides. Blank inherits."""
    out = {env: str(getattr(flags, flag)) for flag, env in FLAGS.items()
           if flags is not None and getattr(flags, flag, None)}
    plain = {o.env: str(options.get(o.key) or "").strip() for o in OPTIONS if "<P>" not in o.env}
    out.update({k: v for k, v in plain.items() if v})
    templated = [o for o in OPTIONS if "<P>" in o.env and str(options.get(o.key) or "").strip()]
    if templated:  # model options name the variable of the provider in effect
        environ = {**os.environ, **out}
        settings = load_settings(environ=environ)
        for option in templated:
            role = "planning" if option.key.startswith("sdpa_planning") else "execution"
            provider = settings.role(role).provider
            out[option.env.replace("<P>", provider.upper())] = str(options[option.key]).strip()
    return out


def arch_of(model: Any) -> str:
    """The architecture of a loaded model: A1111's flags, else Forge's engine class name."""
    if model is None:
        return ""
    for flag, arch in (("is_sd3", "sd3"), ("is_sdxl", "sdxl"), ("is_ssd", "sdxl"), ("is_sd2", "sd2"),
                       ("is_sd1", "sd1")):
        if getattr(model, flag, False) is True:
            return arch
    name = type(model).__name__.lower()
    for part, arch in (("fakeinitial", ""), ("flux", "flux"), ("chroma", "flux"), ("stablediffusion3", "sd3"),
                       ("sd35", "sd3"), ("xl", "sdxl"), ("stablediffusion", "sd1")):
        if part in name:
            return arch
    return ""


def checkpoint_of(model: Any, forge_params: Mapping | None = None, opts: Any = None,
                  checkpoints: Mapping | None = None) -> tuple[str, str]:
    """(name, file) of the loaded checkpoint, else the selected one: Forge's loading parameters, or the
    checkpoint dropdown (`opts.sd_model_checkpoint`, a title looked up in `sd_models.checkpoints_list`)."""
    info = getattr(model, "sd_checkpoint_info", None) or (forge_params or {}).get("checkpoint_info")
    if info is None:
        title = str(getattr(opts, "sd_model_checkpoint", "") or "")
        info = (checkpoints or {}).get(title) if title else None
        if info is None:
            return title, ""
    name = str(getattr(info, "name", "") or getattr(info, "title", "") or "")
    return name, str(getattr(info, "filename", "") or "")


def tokenizer_of(model: Any, hijack_clip: Any = None) -> Callable[[str], list[int]] | None:
    """The host's own CLIP tokenizer: A1111's hijacked text encoder, or Forge's text-processing engine."""
    candidates = [hijack_clip] + [getattr(model, name, None) for name in
                                  ("text_processing_engine_l", "text_processing_engine")]
    for engine in candidates:
        tokenize = getattr(engine, "tokenize", None)
        if callable(tokenize):
            return lambda text, tokenize=tokenize: list(tokenize([text])[0])
    return None


def host_context(model: Any, *, forge_params: Mapping | None = None, embeddings: Any = None,
                 hijack_clip: Any = None, opts: Any = None, checkpoints: Mapping | None = None,
                 read_image: Callable | None = None, interrogate: Callable | None = None):
    """What the host says about the loaded (or selected) checkpoint, as a types.HostContext."""
    from .types import HostContext

    names = list(getattr(embeddings, "word_embeddings", {}) or {})
    name, file = checkpoint_of(model, forge_params, opts, checkpoints)
    arch = arch_of(model)
    return HostContext(checkpoint=name, arch=arch, embeddings=names, count_tokens=tokenizer_of(model, hijack_clip),
                       checkpoint_file="" if arch else file, preset=str(getattr(opts, "forge_preset", "") or ""),
                       read_image=read_image, interrogate=interrogate)


def infotext_reader(parse_generation_parameters: Callable[..., dict], read_info_from_image: Callable | None = None,
                    open_image: Callable[[bytes], Any] | None = None, styles: Any = None):
    """The host's own infotext reading, as HostContext.read_image: the host's image reader
    (`images.read_info_from_image`, Forge's stealth info included) when its Pillow opens the bytes, else ours;
    then the host's `parse_generation_parameters`. Styles the host took out of the prompt are put back (the
    version is what made the image), and the settings are the ones the text holds, not the UI defaults the
    host adds for missing keys. When the host's parser fails, ours reads the text, and the Infotext says why."""
    from .images.infotext import Infotext, parse
    from .images.metadata import parameters

    def read(data: bytes) -> Infotext | None:
        text = None
        if read_info_from_image is not None and open_image is not None:
            try:
                text = read_info_from_image(open_image(data))[0]
            except Exception:  # Pillow cannot open it (the page sends only the metadata): ours reads it
                text = None
        text = text if isinstance(text, str) and text.strip() else parameters(data)
        if not text or not text.strip():
            return None
        try:
            fields = dict(parse_generation_parameters(text, []))
        except Exception as err:  # Forge's fails on a `Model:` field with no checkpoint loaded: ours reads it
            return replace(parse(text), failed=f"{type(err).__name__}: {err}"[:200])
        prompt, negative = str(fields.pop("Prompt", "")), str(fields.pop("Negative prompt", ""))
        used = fields.pop("Styles array", None)
        if used and styles is not None:
            prompt = styles.apply_styles_to_prompt(prompt, used)
            negative = styles.apply_negative_styles_to_prompt(negative, used)
        written = parse(text).settings
        return Infotext(prompt, negative, {key: str(value) for key, value in fields.items() if key in written})

    return read


def sd_facts(ctx, processing: Any = None, cmd_opts: Any = None, resident_gb: float | None = None):
    """SD's side of the budget from the host (a hardware.planner.SdFacts): family, the generation's size
    and batch, memory mode."""
    from .craft.families import resolve_family
    from .hardware.planner import SdFacts

    family = resolve_family("auto", ctx)[0].key if (ctx.arch or ctx.checkpoint) else ""
    mode = "normal"
    if cmd_opts is not None:
        if getattr(cmd_opts, "lowvram", False) or getattr(cmd_opts, "always_low_vram", False):
            mode = "lowvram"
        elif getattr(cmd_opts, "medvram", False) or getattr(cmd_opts, "medvram_sdxl", False):
            mode = "medvram"
    return SdFacts(family=family, checkpoint=ctx.checkpoint, footprint_gb=resident_gb or None,
                   source="host" if family else "none", mode=mode,
                   width=int(getattr(processing, "width", 1024) or 1024),
                   height=int(getattr(processing, "height", 1024) or 1024),
                   batch=int(getattr(processing, "batch_size", 1) or 1))


def infotext(description: str, label: str) -> dict[str, str]:
    """What goes into the image's parameters: the description and the planning model, never a key."""
    text = " ".join(description.split())[:300]
    return {"SDPA description": text, "SDPA model": label} if text else {}


__all__ = ["CATEGORY", "FLAGS", "OPTIONS", "SECTION", "Option", "arch_of", "checkpoint_of", "host_context",
           "infotext", "infotext_reader", "overrides_from", "sd_facts", "tokenizer_of"]
