"""The shape of a vendor adapter: what differs between providers, and nothing else."""

from __future__ import annotations

import json

from ..errors import ProviderError
from .http import HttpCall
from .stream import SseEvent
from .types import ChatRequest, Delta


class Wire:
    """A vendor's wire format. Subclasses fill in request bodies, answers, frames and errors."""

    provider = ""
    key_var = ""
    stream_format = "sse"  # or "ndjson"

    def headers(self, api_key: str) -> dict[str, str]:
        return {"content-type": "application/json"}

    def chat_call(self, model: str, req: ChatRequest, base_url: str) -> HttpCall:
        raise NotImplementedError

    def parse_reply(self, body: dict) -> Delta:
        """A whole (non-streamed) answer."""
        raise NotImplementedError

    def parse_event(self, frame: SseEvent | dict) -> Delta | None:
        """One stream frame -> a delta (None for frames that carry nothing: pings, unknown events)."""
        raise NotImplementedError

    def models_call(self) -> HttpCall:
        raise NotImplementedError

    def parse_models(self, body: dict) -> list[str]:
        raise NotImplementedError

    def describe_error(self, body: object) -> tuple[str, float | None]:
        """An error body -> (message, retry delay the server asked for)."""
        if isinstance(body, dict):
            error = body.get("error", body)
            if isinstance(error, dict):
                return str(error.get("message") or error.get("type") or error), None
            return str(error), None
        return str(body)[:200], None

    def fallback(self, base_url: str, err: ProviderError, req: ChatRequest) -> bool:
        """Adjust for a server that rejected a feature (e.g. json_schema); True: try again now."""
        return False

    def version_call(self) -> HttpCall | None:
        """A cheap call that proves the server answers (None: use the model list)."""
        return None

    def stream_error(self, message: str, *, retryable: bool = False) -> ProviderError:
        return ProviderError(self.provider, message, retryable=retryable,
                             hint="the provider broke off the answer: try again")

    @staticmethod
    def system_with_schema(req: ChatRequest) -> str:
        """The system prompt, plus the schema as text for providers without native structured output."""
        if req.schema is None:
            return req.system
        schema = json.dumps(req.schema, separators=(",", ":"))
        return (f"{req.system}\n\nAnswer with exactly one JSON object that matches this JSON schema, "
                f"and nothing else:\n{schema}").strip()
