"""plan / refine with the configured LLMs; every front end reaches them through service.Service."""

from __future__ import annotations

import base64
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, replace

from .craft import compact
from .craft.answer import (
    RULED,
    Fields,
    compact_plan_fields,
    edit_fields,
    plan_fields,
    read_answer,
    refine_fields,
    ruled,
    to_version,
)
from .craft.describe import Description, describe
from .craft.edits import apply_edit
from .craft.families import Family, get_style, resolve_family
from .craft.lexicon import lexicon, words_of
from .craft.params import family_params
from .craft.prompt import Prompt
from .craft.prompting import check_request, describe_request, plan_request, refine_request
from .craft.reading import Reading, chip_edit, read
from .craft.takes import as_takes, check_n, distinct_takes, take_answers
from .craft.tokens import count_tokens
from .craft.vocab import facets
from .errors import ConfigError, ProviderError
from .images import vision
from .images.infotext import read_image
from .images.metadata import image_kind
from .images.pictures import tokens
from .providers.pricing import price_for
from .providers.types import CancelToken, Image
from .roles import Roles, note
from .settings.config import Settings, load_settings
from .types import HostContext, ImageCheck, PromptVersion, Takes

MAX_DESCRIPTION = 4000
MAX_INSTRUCTION = 2000
MAX_PROMPT = 10000
MAX_IMAGE = 16 * 1024 * 1024  # bytes of an image to read parameters from
DROPPED = ("Cc", "Cs")  # control characters and lone surrogates: never the user's text
NOT_ENGLISH = ("the embedded model reads English only, so your own words are the prompt; Claude, Gemini, Ollama "
               "and OpenAI-compatible models translate (set LLM_PROVIDER: the README's \"Choosing a model\")")


def clean_input(name: str, text: str | None, limit: int, *, required: bool = True) -> str:
    """Every character the user typed but control characters (C0 and C1; newlines and tabs stay) and lone
    surrogates: CJK's ideographic space, a no-break space and an emoji's joiner are kept, as A1111 keeps them.
    Empty or oversized input is refused with a message naming the field."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or unicodedata.category(ch) not in DROPPED).strip()
    if required and not text:
        raise ConfigError(name, hint="is empty: write what you want")
    if len(text) > limit:
        raise ConfigError(name, hint=f"is {len(text):,} characters; the limit is {limit:,}")
    return text


def within_limits(version: PromptVersion) -> PromptVersion:
    """Hold the model's answer to the limits its input has, so every refine of it can run: refused when over."""
    for name, text in (("prompt", version.prompt), ("negative prompt", version.negative_prompt)):
        if len(text) > MAX_PROMPT:
            raise ProviderError(version.provider or "model", f"the answer's {name} is {len(text):,} characters; "
                                f"the limit is {MAX_PROMPT:,}", hint="the model ran away: try again or use another")
    return version


def sent(image: Image, provider: str, model: str = "") -> str:
    """What went to the model: the image's size, about how many input tokens it costs, and their price."""
    count = tokens(image, provider)
    row = price_for(provider, model) if model else None
    price = f", about ${count * row['input'] / 1_000_000:.4f} of the call" if row else ""
    return f"image sent as {image.width}x{image.height} JPEG, no metadata (about {count:,} tokens{price})"


def _line(text: str) -> str:
    return " ".join(text.split())[:200]


def with_tokens(version: PromptVersion, ctx: HostContext | None = None) -> PromptVersion:
    """Attach the CLIP token counts and 75-token chunks of both fields."""
    host = ctx.count_tokens if ctx is not None else None
    version.tokens = {"prompt": asdict(count_tokens(version.prompt, host)),
                      "negative": asdict(count_tokens(version.negative_prompt, host, positive=False))}
    return version


class Assistant:
    """Writes and refines prompts with the configured planning and execution LLMs."""

    def __init__(self, settings: Settings | None = None, roles: Roles | None = None, language: str = "English"):
        self.settings = settings or load_settings()
        self.roles = roles or Roles.from_settings(self.settings)
        self.language = language

    def _family(self, asked: str | None) -> str:
        """`auto` means the settings' family (SDPA_FAMILY), itself `auto` unless the user chose one."""
        return self.settings.family if (asked or "auto") == "auto" else asked

    def plan(self, description: str, *, ctx: HostContext | None = None, family: str | None = "auto",
             style: str | None = None, on_delta: Callable[[str], None] | None = None,
             cancel: CancelToken | None = None) -> PromptVersion:
        """Description -> a first prompt, by the planning LLM."""
        return self.plan_takes(description, 1, ctx=ctx, family=family, style=style, on_delta=on_delta,
                               cancel=cancel).versions[0]

    def plan_takes(self, description: str, n: int = 1, *, ctx: HostContext | None = None,
                   family: str | None = "auto", style: str | None = None,
                   on_delta: Callable[[str], None] | None = None, cancel: CancelToken | None = None) -> Takes:
        """Description -> `n` first prompts (takes), each through the same checks: a large model writes them in one
        call, asked to make them differ; the embedded model picks again per take from what earlier takes left."""
        n = check_n(n)
        description = clean_input("description", description, MAX_DESCRIPTION)
        chosen, reason = resolve_family(self._family(family), ctx)
        style_data = get_style(style)
        desc = describe(description, chosen)
        started = time.monotonic()
        if self.settings.compact("planning") and not desc.english:
            fields = compact_plan_fields(None, chosen, desc, None, style_data)
            fields.warnings.insert(0, NOT_ENGLISH + ("; one take: there is nothing to choose" if n > 1 else ""))
            answers = [(ruled("planning", time.monotonic() - started, "own words"), fields)]
        elif self.settings.compact("planning"):
            answers = self._compact_plans(desc, chosen, style_data, n, on_delta, cancel)
        else:
            req = plan_request(description, chosen, style=style_data, style_name=style or "", language=self.language)
            req = as_takes(req, chosen, n, "the prompt") if n > 1 else req
            req.stream = self.settings.stream
            completion = self.roles.complete("planning", req, on_delta=on_delta, cancel=cancel)
            answers = [(completion, plan_fields(completion, chosen, desc=desc, style=style_data, answer=answer))
                       for answer in (take_answers(completion, n) if n > 1 else [None])]
        versions = [with_tokens(within_limits(to_version(completion, fields, chosen, kind="plan", source=description,
                                                         reason=reason)), ctx)
                    for completion, fields in distinct_takes(answers, chosen)]
        return Takes.of(versions, [completion for completion, _ in answers])  # every call counts, a dropped take's too

    def _compact_plans(self, desc: Description, family: Family, style: dict | None, n: int,
                       on_delta: Callable[[str], None] | None, cancel: CancelToken | None) -> list:
        """The embedded model's picks, one call per take; each take chooses among what earlier takes left."""
        base = compact.plan_options(desc, family, style)
        used: dict[str, set[str]] = {}
        answers = []
        for index in range(n):
            options = base.take(index, used)
            req = compact.choice_request(desc, options)
            req.stream = self.settings.stream
            completion = self.roles.complete("planning", req, on_delta=on_delta, cancel=cancel)
            for entry in options.chosen(read_answer(completion)[0]):
                used.setdefault(entry.category, set()).add(entry.tag)
            answers.append((completion, compact_plan_fields(completion, family, desc, options, style)))
        return answers

    def describe_image(self, image: Image, *, ctx: HostContext | None = None, family: str | None = "auto",
                       on_delta: Callable[[str], None] | None = None,
                       cancel: CancelToken | None = None) -> PromptVersion:
        """An image -> a prompt in the family's style, by the planning LLM (which must see images), through the
        same checks as a plan. Inside the WebUI, when the planning model cannot see, the host's interrogator
        stands in: its caption (DeepBooru's tags for a tag family, else CLIP's) is planned from, and the version
        says so."""
        if not vision.sees(self.settings.planning.provider, self.settings.planning.model) and ctx is not None \
                and ctx.interrogate is not None:  # outside any except: the host's own errors carry none of ours
            return self._describe_by_host(image, ctx, family, on_delta, cancel)
        vision.require("planning", self.settings.planning, self.settings.dual)
        chosen, reason = resolve_family(self._family(family), ctx)
        req = describe_request(image, chosen, language=self.language)
        req.stream = self.settings.stream
        completion = self.roles.complete("planning", req, on_delta=on_delta, cancel=cancel)
        fields = plan_fields(completion, chosen, desc=describe(""), style=None)
        version = to_version(completion, fields, chosen, kind="plan", source="(an image)", reason=reason)
        version.warnings.insert(0, sent(image, completion.provider, completion.model))
        return with_tokens(within_limits(version), ctx)

    def _describe_by_host(self, image: Image, ctx: HostContext, family: str | None,
                          on_delta: Callable[[str], None] | None, cancel: CancelToken | None) -> PromptVersion:
        chosen, _ = resolve_family(self._family(family), ctx)
        which = "DeepBooru" if chosen.booru else "CLIP"
        # said before the host's models load (BLIP downloads itself on first use)
        note(on_delta, f"{self.settings.planning.label} cannot see images: the WebUI's {which} interrogator stands "
                       "in (the first time, it downloads its model)")
        try:
            caption, which = ctx.interrogate(base64.b64decode(image.data), chosen.booru)
        except Exception as err:  # the host's models (BLIP, DeepBooru) may be missing or fail to load
            raise ConfigError("planning model", hint=f"{self.settings.planning.label} cannot see images and the "
                              f"WebUI's interrogator failed ({type(err).__name__}: {err}); use a model that "
                              "sees images") from err
        if "<error>" in caption:  # A1111's interrogator reports a failure in its answer (the reason is in its log)
            raise ConfigError("planning model", hint=f"{self.settings.planning.label} cannot see images and the "
                              f"WebUI's {which} interrogator failed (its log says why: offline, its model cannot "
                              "be downloaded); use a model that sees images")
        if not caption.strip():
            raise ConfigError("planning model", hint=f"the WebUI's {which} interrogator found nothing to say")
        version = self.plan(caption[:MAX_DESCRIPTION], ctx=ctx, family=chosen.key, on_delta=on_delta,
                            cancel=cancel)
        version.source = f"(an image, by the WebUI's {which} interrogator)"
        version.warnings.insert(0, f"the WebUI's {which} interrogator stood in ({self.settings.planning.label} "
                                   f"cannot see images): {caption[:200]!r}")
        return version

    def check_image(self, image: Image, description: str, prompt: str, *,
                    cancel: CancelToken | None = None) -> ImageCheck:
        """A generated image, the description and the prompt -> what matches, what does not, up to three refines,
        by the execution LLM (which must see images)."""
        vision.require("execution", self.settings.execution, self.settings.dual)
        description = clean_input("description", description, MAX_DESCRIPTION, required=False)
        prompt = clean_input("prompt", prompt, MAX_PROMPT)
        completion = self.roles.complete("execution", check_request(image, description, prompt), cancel=cancel)
        data, _ = read_answer(completion)
        lists = {key: [_line(v) for v in data.get(key) or [] if isinstance(v, str) and v.strip()][:limit]
                 for key, limit in (("matches", 12), ("mismatches", 12), ("refines", 3))}
        return ImageCheck(**lists, provider=completion.provider, model=completion.model, usage=completion.usage,
                          cost_usd=completion.cost_usd, latency_s=completion.latency_s,
                          image=sent(image, completion.provider, completion.model))

    def from_image(self, data: bytes, *, name: str = "", ctx: HostContext | None = None,
                   family: str | None = "auto") -> PromptVersion:
        """An image's generation parameters (A1111/Forge infotext) as a version to refine from: its prompt,
        negative prompt and settings (seed, model, LoRA hashes and the rest kept in `extra`); a prompt that is
        empty is read as A1111 reads it, '' beside the rest, with a warning. Inside the WebUI the host reads the
        image; standalone, our reader. With no checkpoint known, the family follows the image's model name."""
        ctx = ctx or HostContext()
        label = name or "the image"
        if len(data) > MAX_IMAGE:
            raise ConfigError("from_image", hint=f"{label} is {len(data):,} bytes; the limit is {MAX_IMAGE:,}")
        if not image_kind(data):
            raise ConfigError("from_image", hint=f"{label} is not a PNG, JPEG or WebP image")
        info = (ctx.read_image or read_image)(data)
        if info is None or not (info.prompt.strip() or info.negative_prompt.strip() or info.settings):
            raise ConfigError("from_image", hint=f"{label} carries no generation parameters (no 'parameters' text "
                              "or EXIF comment: saved without infotext, or a tool stripped it)")
        prompt = clean_input("from_image", info.prompt, MAX_PROMPT, required=False)  # '' as A1111 reads it
        negative = clean_input("from_image", info.negative_prompt, MAX_PROMPT, required=False)
        model = info.settings.get("Model", "")
        if model and not (ctx.checkpoint or ctx.arch):
            ctx = replace(ctx, checkpoint=model)
        chosen, reason = resolve_family(self._family(family), ctx)
        held: list[str] = []  # an image's settings hold to the family's rules like any other (steps 99999999)
        if info.failed:
            held.append(f"the WebUI's reader failed on {label} ({info.failed}); read by ours, as A1111 reads it")
        if not prompt:
            held.append(f"{label}'s prompt is empty (A1111 reads it so too): its negative prompt and settings are "
                        "here; say what to draw and a refine writes the prompt")
        said = info.params()
        params = {k: v for k, v in family_params(chosen, said, notes=held).items() if k in said}
        version = PromptVersion(prompt=prompt, negative_prompt=negative, params=params, extra=info.extra(),
                                provider="rules", model=RULED["image"], role="", kind="image", source=label,
                                family=chosen.key, family_reason=reason, warnings=held,
                                notes=f"read from {label} by "
                                      f"{'the WebUI' if ctx.read_image and not info.failed else 'our reader'}: "
                                      f"{len(info.settings)} settings")
        return with_tokens(version, ctx)

    def refine(self, current: PromptVersion, instruction: str = "", *, chip: str | None = None,
               ctx: HostContext | None = None, family: str | None = "auto",
               on_delta: Callable[[str], None] | None = None, cancel: CancelToken | None = None) -> PromptVersion:
        """The current fields + an instruction -> a changed prompt (refine_takes with one take)."""
        return self.refine_takes(current, instruction, 1, chip=chip, ctx=ctx, family=family, on_delta=on_delta,
                                 cancel=cancel).versions[0]

    def refine_takes(self, current: PromptVersion, instruction: str = "", n: int = 1, *, chip: str | None = None,
                     ctx: HostContext | None = None, family: str | None = "auto",
                     on_delta: Callable[[str], None] | None = None, cancel: CancelToken | None = None) -> Takes:
        """The current fields + an instruction -> changed prompts.

        A chip (our own buttons: darker, brighter, more detail, simpler, cinematic, photo, anime, square) is an
        exact edit with no model call. A typed instruction is the execution model's: a configured one (Claude,
        Gemini, Ollama, OpenAI-compatible) answers it, under checks that read what it asks, in `n` takes from one
        call; the embedded model's refines are our rules' reading, and its choice of a typed edit for what they
        cannot read (one take, as a chip). The model sees only the current fields and the instruction, never the
        history. An instruction already met gives the current fields back as kind `unchanged`, with a note. An empty
        prompt (an old image may have one) is refined like any other: the instruction or chip writes it."""
        n = check_n(n)
        if chip is not None and chip not in lexicon().chips:
            raise ConfigError("chip", chip, valid=list(lexicon().chips))
        instruction = clean_input("instruction", instruction or chip or "", MAX_INSTRUCTION)
        current = replace(current,  # never the caller's; an empty prompt (an old image's) is the edit's to write
                          prompt=clean_input("prompt", current.prompt, MAX_PROMPT, required=False),
                          negative_prompt=clean_input("negative_prompt", current.negative_prompt, MAX_PROMPT,
                                                      required=False))
        ctx = ctx or HostContext()
        chosen, reason = resolve_family(self._family(family if family != "auto" or not current.family
                                                     else current.family), ctx)
        started = time.monotonic()
        single = chip is not None or self.settings.compact("execution")  # our rules' one exact edit
        if chip is not None:
            answers = [(ruled("execution", time.monotonic() - started, "chip"),
                        self._apply(Reading(edit=chip_edit(chip)), current, chosen, ctx))]
        elif self.settings.compact("execution"):
            answers = [self._embedded(current, instruction, chosen, ctx, on_delta, cancel)]
        else:
            answers = self._typed(current, instruction, n, chosen, ctx, on_delta, cancel)
        changed = [(completion, fields) for completion, fields in answers if fields is not None and (
            fields.prompt, fields.negative, fields.params) != (current.prompt, current.negative_prompt, current.params)]
        if not changed:
            completion, fields = answers[0]
            return Takes.of([self._unchanged(current, completion, chosen, reason, instruction, fields)], [completion])
        changed = distinct_takes(changed, chosen)
        versions = [with_tokens(within_limits(to_version(completion, fields, chosen, kind="refine", source=instruction,
                                                         reason=reason, base=current)), ctx)
                    for completion, fields in changed]
        if n > 1 and single:
            versions[0].warnings.append("one take: a chip, and the embedded model's refine, is one exact edit")
        return Takes.of(versions, [answers[0][0]])

    def _typed(self, current: PromptVersion, instruction: str, n: int, family: Family, ctx: HostContext,
               on_delta: Callable[[str], None] | None, cancel: CancelToken | None) -> list:
        """A configured model's answer to a typed instruction, in `n` takes from one call, each checked."""
        parsed = Prompt.parse(current.prompt)  # read once: the reading and the locked spans share it
        reading = read(instruction, parsed, ctx.embeddings)  # what it asks, for the checks
        locked = [span.text for span in parsed.spans(ctx.embeddings) if not reading.names(span)]
        req = refine_request(current, instruction, family, language=self.language, locked=locked)
        req = as_takes(req, family, n, "the edit (each carries out the instruction)") if n > 1 else req
        req.stream = self.settings.stream
        completion = self.roles.complete("execution", req, on_delta=on_delta, cancel=cancel)
        return [(completion, refine_fields(completion, family, current, reading, embeddings=ctx.embeddings,
                                           answer=answer))
                for answer in (take_answers(completion, n) if n > 1 else [None])]

    @staticmethod
    def _unchanged(current: PromptVersion, completion, family: Family, reason: str, instruction: str,
                   fields: Fields | None) -> PromptVersion:
        """The instruction is already met: the current fields back, with a note, and nothing to record."""
        notes = "; ".join(fields.warnings if fields else []) or "the prompt already does what the instruction asks"
        return replace(current, kind="unchanged", source=instruction, provider=completion.provider,
                       model=completion.model, role=completion.role, usage=completion.usage,
                       cost_usd=completion.cost_usd, latency_s=completion.latency_s, ttft_s=completion.ttft_s,
                       family=family.key, family_reason=reason, notes=f"no change: {notes}", warnings=[])

    @staticmethod
    def _apply(reading: Reading, current: PromptVersion, family: Family, ctx: HostContext) -> Fields | None:
        """A reading applied by our rules; None when it changes nothing (the instruction is already met)."""
        applied = apply_edit(Prompt.parse(current.prompt, family), current.negative_prompt,
                             family_params(family, current.params), reading, family)
        if not applied.changes:
            return Fields(current.prompt, current.negative_prompt, current.params, "", applied.notes) \
                if applied.notes else None
        if not (current.prompt or applied.prompt.strip()):  # a size on an old image's empty prompt
            raise ConfigError("prompt", hint="is empty and the edit writes none: say what to draw first "
                              "('add a red fox'), then change the rest")
        return edit_fields(applied, family, current, reading, embeddings=ctx.embeddings)

    def _embedded(self, current: PromptVersion, instruction: str, family: Family, ctx: HostContext,
                  on_delta: Callable[[str], None] | None, cancel: CancelToken | None):
        """The embedded model's refine: our rules read the instruction; for the clauses they cannot read, the
        model chooses a typed edit (an operation, a target among the prompt's phrases the clause names, a value
        among our vocabulary's entries). What nobody could read is named in the notes, never pasted."""
        started = time.monotonic()
        parsed = Prompt.parse(current.prompt)  # read once: the reading and the model's choices share it
        reading = read(instruction, parsed, ctx.embeddings)
        if reading.exact:
            return ruled("execution", time.monotonic() - started, "rules"), self._apply(reading, current, family, ctx)
        free = "; ".join(reading.unread)
        spans = parsed.spans(ctx.embeddings)
        plain = [t.text.strip() for t in parsed.terms if t.text.strip()
                 and not any(s.start < t.end and s.end > t.start for s in spans)]
        asked = facets(" ".join(reading.unread_words), entries=False)
        choices = compact.edit_choices(reading.unread_words, plain, asked)
        named = any(set(reading.unread_words) & set(words_of(t)) for t in choices.targets)
        reading.notes.append(reading.unread_note())
        if not choices.entries and not asked and not named:  # nothing to choose: what was read, and the note
            applied = self._apply(reading, current, family, ctx) if not reading.edit.empty() or reading.spans else None
            return ruled("execution", time.monotonic() - started, "rules"), applied or Fields(
                current.prompt, current.negative_prompt, current.params, "", reading.notes)
        req = compact.edit_request(choices, plain, free)
        req.stream = self.settings.stream
        completion = self.roles.complete("execution", req, on_delta=on_delta, cancel=cancel)
        data, _ = read_answer(completion)
        reading.edit.merge(compact.typed_edit(data, choices, reading.unread_words, asked))
        return completion, self._apply(reading, current, family, ctx)
