"""plan / refine with the configured LLMs; every front end reaches them through service.Service."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, replace

from .config import Settings, load_settings
from .craft import compact
from .craft.answer import compact_plan_fields, edit_fields, plan_fields, read_answer, refine_fields, ruled, to_version
from .craft.checks import terms
from .craft.describe import describe
from .craft.edits import Edit, apply_edit, read_parts
from .craft.families import Family, get_style, resolve_family
from .craft.params import family_params
from .craft.prompting import plan_request, refine_request
from .craft.syntax import find_spans, targets
from .craft.tokens import count_tokens
from .craft.vocab import facets
from .errors import ConfigError, NoChange, ProviderError
from .providers.types import CancelToken
from .roles import Roles
from .types import HostContext, PromptVersion

MAX_DESCRIPTION = 4000
MAX_INSTRUCTION = 2000
MAX_PROMPT = 10000
NOT_ENGLISH = ("the embedded model reads English only, so your own words are the prompt; Claude, Gemini, Ollama "
               "and OpenAI-compatible models translate (set LLM_PROVIDER, see the README's configurations)")


def clean_input(name: str, text: str | None, limit: int, *, required: bool = True) -> str:
    """Strip control characters; reject empty or oversized input with a message naming the field."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ch.isprintable()).strip()
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
        description = clean_input("description", description, MAX_DESCRIPTION)
        chosen, reason = resolve_family(self._family(family), ctx)
        style_data = get_style(style)
        desc = describe(description)
        started = time.monotonic()
        if self.settings.compact("planning") and not desc.english:
            fields = compact_plan_fields(None, chosen, desc, None, style_data)
            fields.warnings.insert(0, NOT_ENGLISH)
            completion = ruled("planning", time.monotonic() - started)
        elif self.settings.compact("planning"):
            options = compact.plan_options(desc, chosen, style_data)
            req = compact.plan_request(desc, options)
            req.stream = self.settings.stream
            completion = self.roles.complete("planning", req, on_delta=on_delta, cancel=cancel)
            fields = compact_plan_fields(completion, chosen, desc, options, style_data)
        else:
            req = plan_request(description, chosen, style=style_data, style_name=style or "", language=self.language)
            req.stream = self.settings.stream
            completion = self.roles.complete("planning", req, on_delta=on_delta, cancel=cancel)
            fields = plan_fields(completion, chosen, desc=desc, style=style_data)
        version = to_version(completion, fields, chosen, kind="plan", source=description, reason=reason)
        return with_tokens(within_limits(version), ctx)

    def refine(self, current: PromptVersion, instruction: str, *, ctx: HostContext | None = None,
               family: str | None = "auto", on_delta: Callable[[str], None] | None = None,
               cancel: CancelToken | None = None) -> PromptVersion:
        """The current fields + an instruction -> a changed prompt, by the execution LLM.

        The model sees only the current fields and the instruction, never the history."""
        instruction = clean_input("instruction", instruction, MAX_INSTRUCTION)
        current = replace(current, prompt=clean_input("prompt", current.prompt, MAX_PROMPT),  # never the caller's
                          negative_prompt=clean_input("negative_prompt", current.negative_prompt, MAX_PROMPT,
                                                      required=False))
        ctx = ctx or HostContext()
        chosen, reason = resolve_family(self._family(family if family != "auto" or not current.family
                                                     else current.family), ctx)
        started = time.monotonic()
        edit, rest = read_parts(instruction)
        if not rest:  # chips and common forms: our rules, no model
            fields = self._apply(edit, current, chosen, instruction, ctx)
            completion = ruled("execution", time.monotonic() - started)
        elif self.settings.compact("execution"):  # the embedded model picks; the parts our rules read hold
            completion, fields = self._choose_edit(current, instruction, "; ".join(rest), edit, chosen, ctx,
                                                   on_delta, cancel)
        else:
            locked = [span.text for span in find_spans(current.prompt, ctx.embeddings)
                      if not targets(instruction, span)[0]]
            req = refine_request(current, instruction, chosen, language=self.language, locked=locked)
            req.stream = self.settings.stream
            completion = self.roles.complete("execution", req, on_delta=on_delta, cancel=cancel)
            fields = refine_fields(completion, chosen, current, instruction, embeddings=ctx.embeddings)
        version = to_version(completion, fields, chosen, kind="refine", source=instruction, reason=reason,
                             base=current)
        return with_tokens(within_limits(version), ctx)

    @staticmethod
    def _apply(edit: Edit, current: PromptVersion, family: Family, instruction: str, ctx: HostContext):
        applied = apply_edit(current.prompt, current.negative_prompt, family_params(family, current.params), edit,
                             family, instruction, ctx.embeddings)
        if not applied.changes:
            raise NoChange("; ".join(applied.notes) or "the prompt already has what the instruction asks for")
        return edit_fields(applied, family, current, instruction, embeddings=ctx.embeddings)

    def _choose_edit(self, current: PromptVersion, instruction: str, free: str, known: Edit, family: Family,
                     ctx: HostContext, on_delta: Callable[[str], None] | None, cancel: CancelToken | None):
        """An instruction with free-form parts (`free`) for the embedded model: it picks additions from our
        vocabulary and removals from the prompt's own terms; the parts our rules read (`known`) hold too."""
        asked = facets(instruction, entries=False)
        options = compact.refine_options(instruction, asked, current.prompt)
        if not options and not asked:
            if known.empty():
                raise NoChange(f"the embedded model does not know what {free!r} asks for; try a chip, "
                               "'add X', 'remove X', 'make it X', 'more X', 'less X' or 'change A to B'")
            return ruled("execution", 0.0), self._apply(known, current, family, instruction, ctx)
        plain = [t for t in terms(current.prompt) if not find_spans(t, ctx.embeddings)]
        req = compact.refine_request(plain, instruction, options)
        req.stream = self.settings.stream
        completion = self.roles.complete("execution", req, on_delta=on_delta, cancel=cancel)
        data, _ = read_answer(completion)
        edit = known.merge(compact.choice_edit(data, options, plain, instruction, asked))
        return completion, self._apply(edit, current, family, instruction, ctx)
