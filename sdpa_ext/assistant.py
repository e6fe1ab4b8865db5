"""plan / refine: the one use-case layer every front end (CLI, API, UI) calls."""

from __future__ import annotations

from collections.abc import Callable

from .config import Settings, load_settings
from .craft.answer import build_version
from .craft.families import get_style, resolve_family
from .craft.prompting import plan_request, refine_request
from .errors import ConfigError
from .providers.types import CancelToken
from .roles import Roles
from .types import HostContext, PromptVersion

MAX_DESCRIPTION = 4000
MAX_INSTRUCTION = 2000
MAX_PROMPT = 10000


def clean_input(name: str, text: str | None, limit: int, *, required: bool = True) -> str:
    """Strip control characters; reject empty or oversized input with a message naming the field."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ch.isprintable()).strip()
    if required and not text:
        raise ConfigError(name, hint="is empty: write what you want")
    if len(text) > limit:
        raise ConfigError(name, hint=f"is {len(text):,} characters; the limit is {limit:,}")
    return text


class Assistant:
    """Writes and refines prompts with the configured planning and execution LLMs."""

    def __init__(self, settings: Settings | None = None, roles: Roles | None = None, language: str = "English"):
        self.settings = settings or load_settings()
        self.roles = roles or Roles.from_settings(self.settings)
        self.language = language

    def plan(self, description: str, *, ctx: HostContext | None = None, family: str | None = "auto",
             style: str | None = None, on_delta: Callable[[str], None] | None = None,
             cancel: CancelToken | None = None) -> PromptVersion:
        """Description -> a first prompt, by the planning LLM."""
        description = clean_input("description", description, MAX_DESCRIPTION)
        chosen, reason = resolve_family(family, ctx)
        style_data = get_style(style)
        req = plan_request(description, chosen, style=style_data, style_name=style or "", language=self.language)
        completion = self.roles.complete("planning", req, on_delta=on_delta, cancel=cancel)
        version = build_version(completion, chosen, kind="plan", source=description)
        version.family_reason = reason
        return version

    def refine(self, current: PromptVersion, instruction: str, *, ctx: HostContext | None = None,
               family: str | None = "auto", on_delta: Callable[[str], None] | None = None,
               cancel: CancelToken | None = None) -> PromptVersion:
        """The current fields + an instruction -> a changed prompt, by the execution LLM."""
        instruction = clean_input("instruction", instruction, MAX_INSTRUCTION)
        current.prompt = clean_input("prompt", current.prompt, MAX_PROMPT)
        current.negative_prompt = clean_input("negative_prompt", current.negative_prompt, MAX_PROMPT,
                                              required=False)
        chosen, reason = resolve_family(family if family != "auto" or not current.family else current.family, ctx)
        req = refine_request(current, instruction, chosen, language=self.language)
        completion = self.roles.complete("execution", req, on_delta=on_delta, cancel=cancel)
        version = build_version(completion, chosen, kind="refine", source=instruction, base=current)
        version.family_reason = reason
        return version
