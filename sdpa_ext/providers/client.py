"""One client for every provider: the HTTP core + one wire adapter -> a Completion."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import secrets
from ..errors import Cancelled, ProviderError
from ..settings.config import RoleConfig
from .http import STATE, Deadline, Http, with_retries
from .pricing import cost_usd
from .stream import iter_lines, iter_ndjson, iter_sse
from .types import CancelToken, ChatRequest, Completion, Delta, Usage
from .wire import Wire

MAX_ANSWER_CHARS = 100_000  # a prompt is a few hundred characters; more is a runaway model


@contextlib.contextmanager
def in_flight(provider: str, base_url: str, limit: int, deadline: Deadline, cancel: CancelToken | None):
    """At most `limit` calls in flight per endpoint; the rest wait their turn (within their deadline)."""
    slot = STATE.slot(base_url, limit)
    while not slot.acquire(timeout=0.05):
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        if deadline.remaining() <= 0:
            raise ProviderError(provider, f"still waiting for a free slot after {deadline.seconds:g}s "
                                f"({limit} calls in flight to {base_url})",
                                hint="raise SDPA_MAX_INFLIGHT or SDPA_TIMEOUT")
    try:
        yield
    finally:
        slot.release()


@dataclass
class _Run:
    """The state of one attempt."""

    start: float
    parts: list[str] = field(default_factory=list)
    size: int = 0
    usage: Usage = field(default_factory=Usage)
    ttft: float | None = None
    finish: str = ""
    done: bool = False

    @property
    def streamed(self) -> bool:
        return self.ttft is not None


class Client:
    """The client of one role: `complete()` a chat request, list models, check the endpoint."""

    def __init__(self, config: RoleConfig, wire: Wire, *, timeout_s: float = 120.0,
                 connect_timeout_s: float = 10.0, prices_file: str = "", max_inflight: int = 4):
        self.max_inflight = max_inflight
        self.config = config
        self.wire = wire
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.prices_file = prices_file

    @property
    def provider(self) -> str:
        return self.config.provider

    @property
    def model(self) -> str:
        return self.config.model

    @property
    def role(self) -> str:
        return self.config.role

    def base_url(self) -> str:
        return self.config.endpoint

    def ready(self) -> bool:
        """Whether a call can start at once (the embedded model says False until it has loaded)."""
        return True

    def http(self) -> Http:
        return Http(self.provider, self.base_url(), self.wire.headers(self.config.api_key),
                    connect_timeout=self.connect_timeout_s, describe_error=self.wire.describe_error,
                    key_var=self.wire.key_var)

    def complete(self, req: ChatRequest, *, on_delta: Callable[[str], None] | None = None,
                 cancel: CancelToken | None = None, deadline: Deadline | None = None) -> Completion:
        """Run one chat call (streamed when `req.stream`), retrying per the policy until text has streamed.
        `deadline`: a budget shared with an earlier call (a fallback), else SDPA_TIMEOUT from now."""
        deadline = deadline or Deadline(self.timeout_s)
        notes: list[str] = []
        run = with_retries(lambda: self._attempt(req, deadline, cancel, on_delta, notes),
                           deadline=deadline, cancel=cancel)
        text = secrets.scrub("".join(run.parts))  # a server echoing our request would put the key in the answer
        if not text.strip():
            raise ProviderError(self.provider, f"{self.model} returned an empty answer",
                                hint="try again, or choose another model")
        return Completion(
            text=text,
            provider=self.provider,
            model=self.model,
            role=self.role,
            usage=run.usage,
            cost_usd=cost_usd(self.provider, self.model, run.usage, self.prices_file),
            latency_s=round(time.monotonic() - deadline.start, 4),
            ttft_s=None if run.ttft is None else round(run.ttft, 4),
            finish_reason=run.finish or "",
            notes=notes,
        )

    def _attempt(self, req: ChatRequest, deadline: Deadline, cancel: CancelToken | None,
                 on_delta: Callable[[str], None] | None, notes: list[str]) -> _Run:
        http = self.http()
        with in_flight(self.provider, http.base_url, self.max_inflight, deadline, cancel):
            return self._exchange(http, req, deadline, cancel, on_delta, notes)

    def _exchange(self, http: Http, req: ChatRequest, deadline: Deadline, cancel: CancelToken | None,
                  on_delta: Callable[[str], None] | None, notes: list[str]) -> _Run:
        run = _Run(start=deadline.start)
        while True:
            call = self.wire.chat_call(self.model, req, http.base_url)
            try:
                response = http.send(call, deadline, cancel)
                break
            except ProviderError as err:
                if self.wire.fallback(http.base_url, err, req):
                    notes.append(f"{http.base_url} rejected a structured-output form; using a simpler one")
                    continue
                if err.status == 404:
                    err.hint = self._missing_model_hint()
                    err.args = (err._message(),)
                raise
        try:
            if not call.stream:
                self._take(run, self.wire.parse_reply(http.read_json(response, deadline, cancel)), on_delta)
            else:
                lines = iter_lines(http.chunks(response, deadline, cancel))
                frames = iter_ndjson(lines) if self.wire.stream_format == "ndjson" else iter_sse(lines)
                for frame in frames:  # read to the end, past the done marker: the connection stays reusable
                    delta = None if run.done else self.wire.parse_event(frame)
                    if delta is not None:
                        self._take(run, delta, on_delta)
            if not run.done:
                raise http.error("the stream ended before the answer was complete", retryable=True,
                                 hint="try again")
        except ValueError as err:  # a malformed frame
            raise http.error(f"sent a malformed answer: {err}", streamed=run.streamed,
                             hint="the server is not speaking this provider's format; check the base URL") from err
        except ProviderError as err:
            err.streamed = err.streamed or run.streamed
            raise
        return run

    def _take(self, run: _Run, delta: Delta, on_delta: Callable[[str], None] | None) -> None:
        if delta.text:
            run.size += len(delta.text)
            if run.size > MAX_ANSWER_CHARS:
                raise ProviderError(self.provider, f"answer longer than {MAX_ANSWER_CHARS} characters; stopped",
                                    streamed=run.streamed, hint="the model ran away; try again or another model")
            if run.ttft is None:
                run.ttft = time.monotonic() - run.start
            run.parts.append(delta.text)
            if on_delta is not None:
                on_delta(delta.text)
        run.usage.merge(delta.usage)
        run.finish = delta.finish or run.finish
        run.done = run.done or delta.done

    def list_models(self, timeout_s: float | None = None) -> list[str]:
        """The provider's live model list."""
        deadline = Deadline(timeout_s or min(self.timeout_s, 30.0))
        return self.wire.parse_models(self.http().request_json(self.wire.models_call(), deadline))

    def check(self) -> str:
        """A cheap call proving the endpoint answers: the server version or the number of models."""
        call = self.wire.version_call()
        if call is not None:
            body = self.http().request_json(call, Deadline(min(self.timeout_s, 15.0)))
            return f"version {body.get('version', '?')}"
        return f"{len(self.list_models(15.0))} models"

    def _missing_model_hint(self) -> str:
        if self.provider == "ollama":
            return f"run `ollama pull {self.model}`"
        try:
            offered = self.list_models(5.0)
        except (ProviderError, Cancelled):
            return f"model {self.model!r} is not served here; run `python -m sdpa_ext models`"
        shown = ", ".join(offered[:10]) + (" ..." if len(offered) > 10 else "")
        return f"model {self.model!r} is not served here; this provider offers: {shown}"

