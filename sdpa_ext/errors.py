"""One exception family. Each error carries a one-line message a user can act on."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .secrets import scrub


class SdpaError(Exception):
    """Base class: `str(err)` is the one-line user message."""

    exit_code = 1


class ConfigError(SdpaError):
    """A setting is wrong: names the setting, the bad value and the valid values."""

    exit_code = 2

    def __init__(self, setting: str, value: object = None, valid: Iterable[str] = (), hint: str = ""):
        self.setting = setting
        self.value = value
        self.valid = list(valid)
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        if self.value is None:
            return f"{self.setting}: {self.hint}" if self.hint else self.setting
        parts = [f"{self.setting}={self.value!r} is not valid"]
        if self.valid:
            parts.append("valid values: " + ", ".join(self.valid))
            near = difflib.get_close_matches(str(self.value or "").lower(), self.valid, n=1, cutoff=0.6)
            if near:
                parts.append(f"did you mean {near[0]!r}?")
        if self.hint:
            parts.append(self.hint)
        return "; ".join(parts)


class Forbidden(ConfigError):
    """This user may not do that (it needs an administrator, SDPA_SERVE_ADMINS): the API answers 403."""


class Busy(SdpaError):
    """The server is at its limit for this kind of work (pictures read at once): the API answers 503."""


class ProviderError(SdpaError):
    """A provider call failed: names the provider, the HTTP status and what to do."""

    exit_code = 3

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status: int | None = None,
        hint: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
        streamed: bool = False,
    ):
        self.provider = provider
        self.status = status
        self.detail = message
        self.hint = hint
        self.retryable = retryable
        self.retry_after = retry_after
        self.streamed = streamed
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.provider}"
        if self.status is not None:
            head += f" HTTP {self.status}"
        text = f"{head}: {self.detail}"
        if self.hint:
            text += f" ({self.hint})"
        return scrub(" ".join(text.split()))


class Cancelled(SdpaError):
    """The caller cancelled a running call."""

    exit_code = 130

    def __init__(self, message: str = "cancelled"):
        super().__init__(message)
