"""Every adapter over real HTTP against a 127.0.0.1 server that speaks the vendor's wire format."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from sdpa_ext.assistant import Assistant
from sdpa_ext.errors import Cancelled, ProviderError
from sdpa_ext.providers.types import CancelToken, ChatRequest, Message
from sdpa_ext.roles import Roles
from sdpa_ext.types import PromptVersion

from .conftest import CLAUDE_KEY, GEMINI_KEY, OPENAI_KEY, assert_no_keys
from .wire import (
    Blocked,
    ClaudeServer,
    Delay,
    Drop,
    Error,
    GeminiServer,
    Html,
    MidStreamError,
    OllamaServer,
    OpenAIServer,
    PromptBlocked,
    Stream,
)

ANSWER = json.dumps({"prompt": "cozy cabin, snowy forest, dusk, warm window light", "negative_prompt": "blurry",
                     "params": {"steps": 28, "cfg_scale": 6.5, "sampler_name": "DPM++ 2M Karras"},
                     "notes": "cabin first"})
REFINED = json.dumps({"prompt": "cozy cabin, snowy forest, night, moonlight", "negative_prompt": "blurry, daylight",
                      "params": {}, "notes": "darker"})


def server_and_env(provider: str, **kwargs):
    """A wire server for the provider and the environment that points the single role at it."""
    if provider == "claude":
        server = ClaudeServer(api_key=CLAUDE_KEY, **kwargs)
        env = {"LLM_PROVIDER": "claude", "ANTHROPIC_API_KEY": CLAUDE_KEY, "ANTHROPIC_BASE_URL": server.url}
    elif provider == "gemini":
        server = GeminiServer(api_key=GEMINI_KEY, **kwargs)
        env = {"LLM_PROVIDER": "gemini", "GEMINI_API_KEY": GEMINI_KEY, "GEMINI_BASE_URL": server.url}
    elif provider == "ollama":
        server = OllamaServer(**kwargs)
        env = {"LLM_PROVIDER": "ollama", "OLLAMA_HOST": server.url.removeprefix("http://")}
    else:
        server = OpenAIServer(api_key=OPENAI_KEY, **kwargs)
        env = {"LLM_PROVIDER": "openai", "OPENAI_API_KEY": OPENAI_KEY, "OPENAI_BASE_URL": server.url + "/v1",
               "OPENAI_MODEL": "gpt-4.1-mini"}
    return server, env


CHAT_PATH = {"claude": "/v1/messages", "gemini": "GenerateContent", "ollama": "/api/chat",
             "openai": "/v1/chat/completions"}
PROVIDERS = list(CHAT_PATH)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_plan_and_refine_return_the_answer_in_the_documented_shape(make_settings, provider):
    server, env = server_and_env(provider, answer=ANSWER)
    with server:
        deltas: list[str] = []
        assistant = Assistant(make_settings(env))
        version = assistant.plan("a cozy cabin in a snowy forest at dusk", on_delta=deltas.append)
        assert version.prompt == "cozy cabin, snowy forest, dusk, warm window light"
        assert version.negative_prompt == "blurry"
        assert version.params["steps"] == 28 and version.params["sampler_name"] == "DPM++ 2M"
        assert version.params["scheduler"] == "Karras"
        assert (version.provider, version.role) == (provider, "planning")
        assert len(deltas) > 1 and "".join(deltas) == ANSWER  # streamed in pieces
        assert version.usage.input_tokens > 0 and version.usage.output_tokens > 0
        assert version.ttft_s is not None and 0 <= version.ttft_s <= version.latency_s
        server.answer = REFINED
        refined = assistant.refine(version, "give the scene a moodier feeling")
        assert refined.prompt == "cozy cabin, snowy forest, night, moonlight"
        assert refined.params == version.params  # unchanged settings carried over
        assert refined.role == "execution" and refined.parent == version.id
        sent = json.dumps([r.json for r in server.requests if CHAT_PATH[provider] in r.path])
        assert "give the scene a moodier feeling" in sent and "a cozy cabin in a snowy forest at dusk" in sent
        assert_no_keys(*(r.path + json.dumps(r.query) for r in server.requests))


def test_claude_headers_cached_system_block_and_cache_usage(make_settings):
    server, env = server_and_env("claude", answer=ANSWER)
    with server:
        assistant = Assistant(make_settings(env))
        first = assistant.plan("a cozy cabin")
        second = assistant.plan("a cozy cabin")
        request = server.requests[-1]
        assert request.headers["x-api-key"] == CLAUDE_KEY
        assert request.headers["anthropic-version"] == "2023-06-01"
        system = request.json["system"]
        assert system[0]["cache_control"] == {"type": "ephemeral"}
        assert "JSON schema" in system[0]["text"]  # Claude gets the schema as text
        assert first.usage.cache_write_tokens > 0 and first.usage.cache_read_tokens == 0
        assert second.usage.cache_read_tokens == first.usage.cache_write_tokens
        assert second.cost_usd < first.cost_usd  # cache reads are cheaper


def test_gemini_key_in_header_schema_and_system_instruction(make_settings):
    server, env = server_and_env("gemini", answer=ANSWER)
    with server:
        Assistant(make_settings(env)).plan("a cozy cabin")
        request = server.requests[-1]
        assert request.headers["x-goog-api-key"] == GEMINI_KEY
        assert "key" not in request.query and request.query["alt"] == "sse"
        config = request.json["generationConfig"]
        assert config["responseMimeType"] == "application/json"
        assert config["responseSchema"]["type"] == "OBJECT"
        assert "systemInstruction" in request.json


@pytest.mark.parametrize(("action", "expected"), [
    (Blocked("SAFETY"), "blocked the answer (SAFETY)"),
    (PromptBlocked("PROHIBITED_CONTENT"), "blocked the request (PROHIBITED_CONTENT)"),
])
def test_gemini_safety_blocks_are_clear_errors(make_settings, action, expected):
    server, env = server_and_env("gemini")
    with server:
        server.script(":streamGenerateContent", action)
        with pytest.raises(ProviderError, match=re.escape(expected)) as err:
            Assistant(make_settings(env)).plan("a cozy cabin")
        assert "rephrase" in str(err.value)


def test_gemini_non_streaming_call(make_settings):
    server, env = server_and_env("gemini", answer=ANSWER)
    with server:
        roles = Roles.from_settings(make_settings(env))
        completion = roles.complete("planning", ChatRequest([Message("user", "hi")], stream=False))
        assert completion.text == ANSWER
        assert server.requests[-1].path.endswith(":generateContent")


def test_ollama_format_schema_options_and_unknown_model(make_settings):
    server, env = server_and_env("ollama", answer=ANSWER)
    with server:
        Assistant(make_settings(env)).plan("a cozy cabin")
        body = server.requests[-1].json
        assert body["format"]["type"] == "object" and body["stream"] is True
        assert body["options"]["num_ctx"] >= 4096
        with pytest.raises(ProviderError) as err:
            Assistant(make_settings({**env, "OLLAMA_MODEL": "nope:1b"})).plan("a cozy cabin")
        assert err.value.status == 404 and "ollama pull nope:1b" in str(err.value)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_mid_stream_error_ends_the_call_with_its_message(make_settings, provider):
    server, env = server_and_env(provider)
    with server:
        server.script(CHAT_PATH[provider], MidStreamError('{"prompt": "cab', "model crashed"))
        with pytest.raises(ProviderError) as err:
            Assistant(make_settings(env)).plan("a cozy cabin")
        assert "model crashed" in str(err.value) or "overloaded" in str(err.value)
        assert server.count(CHAT_PATH[provider]) == 1  # text had streamed: never retried


@pytest.mark.parametrize("status", [400, 500])
def test_openai_json_schema_rejected_falls_back_and_is_remembered(make_settings, status):
    server, env = server_and_env("openai", answer=ANSWER, reject_json_schema=True, json_schema_status=status)
    with server:
        assistant = Assistant(make_settings(env))
        version = assistant.plan("a cozy cabin")
        assert version.prompt.startswith("cozy cabin")
        formats = [r.json.get("response_format", {}).get("type") for r in server.requests]
        assert formats == ["json_schema", "json_object"]
        assistant.plan("a cozy cabin")
        assert server.requests[-1].json["response_format"]["type"] == "json_object"  # remembered


def test_openai_without_structured_output_uses_plain_text(make_settings):
    server, env = server_and_env("openai", answer="Here you go: " + ANSWER, reject_json_schema=True,
                                 reject_json_object=True)
    with server:
        version = Assistant(make_settings(env)).plan("a cozy cabin")
        assert version.prompt.startswith("cozy cabin")
        last = server.requests[-1].json
        assert "response_format" not in last and "JSON schema" in last["messages"][0]["content"]
        assert last["stream_options"] == {"include_usage": True}


REASONING_MODELS = ["o1", "o3", "o4-mini", "gpt-5", "gpt-5-mini", "openai/o3"]


def test_openai_reasoning_models_get_their_own_parameters(make_settings):
    """Issue 26, point 13: o1, o3, o4-mini and gpt-5 (and OpenRouter's `openai/o3`) refuse `max_tokens` and a
    temperature (HTTP 400): each gets `max_completion_tokens` (room for its reasoning too) and no temperature, in
    one call; other models keep `max_tokens` and their temperature."""
    server, env = server_and_env("openai", answer=ANSWER, models=[*REASONING_MODELS, "gpt-4.1-mini"])
    with server:
        for model in REASONING_MODELS:
            assistant = Assistant(make_settings({**env, "OPENAI_MODEL": model}))
            assert assistant.plan("a cozy cabin").prompt.startswith("cozy cabin")
            body = server.requests[-1].json
            assert "max_tokens" not in body and "temperature" not in body, model
            assert body["max_completion_tokens"] > 700 and body["response_format"]["type"] == "json_schema"
        assert server.count("/chat/completions") == len(REASONING_MODELS)  # nothing refused, nothing retried
        Assistant(make_settings(env)).plan("a cozy cabin")
        body = server.requests[-1].json
        assert (body["max_tokens"], body["temperature"]) == (700, 0.5) and "max_completion_tokens" not in body


@pytest.mark.parametrize("provider", PROVIDERS)
def test_404_model_names_what_the_provider_offers(make_settings, provider):
    if provider == "ollama":
        pytest.skip("Ollama's 404 says `ollama pull` (tested above)")
    server, env = server_and_env(provider)
    model_var = {"claude": "CLAUDE_MODEL", "gemini": "GEMINI_MODEL", "openai": "OPENAI_MODEL"}[provider]
    with server:
        with pytest.raises(ProviderError) as err:
            Assistant(make_settings({**env, model_var: "retired-model-1"})).plan("a cozy cabin")
        assert err.value.status == 404
        assert "this provider offers:" in str(err.value)


# --- the retry policy ------------------------------------------------------------------------


def _plan(make_settings, env, **extra):
    return Assistant(make_settings({**env, **extra})).plan("a cozy cabin")


def test_429_with_retry_after_is_honoured(make_settings):
    server, env = server_and_env("claude", answer=ANSWER)
    with server:
        server.script("/v1/messages", Error(429, "slow down", retry_after=1))
        start = time.monotonic()
        _plan(make_settings, env)
        assert server.count("/v1/messages") == 2
        assert time.monotonic() - start >= 0.95


def test_529_then_500_then_success(make_settings):
    server, env = server_and_env("claude", answer=ANSWER)
    with server:
        server.script("/v1/messages", Error(529, "Overloaded"), Error(500, "oops"))
        assert _plan(make_settings, env).prompt
        assert server.count("/v1/messages") == 3


def test_at_most_three_tries(make_settings):
    server, env = server_and_env("openai")
    with server:
        server.script("/chat/completions", *[Error(503, "down")] * 5)
        with pytest.raises(ProviderError) as err:
            _plan(make_settings, env)
        assert err.value.status == 503 and "try again shortly" in str(err.value)
        assert server.count("/chat/completions") == 3


def test_gemini_retry_info_delay_is_used(make_settings):
    server, env = server_and_env("gemini", answer=ANSWER)
    with server:
        server.script(":streamGenerateContent", Error(429, "quota", retry_after=1))
        start = time.monotonic()
        _plan(make_settings, env)
        assert time.monotonic() - start >= 0.95
        assert server.count(":streamGenerateContent") == 2


@pytest.mark.parametrize(("provider", "status", "key_var"), [
    ("claude", 401, "ANTHROPIC_API_KEY"), ("openai", 401, "OPENAI_API_KEY"), ("claude", 403, None)])
def test_auth_errors_are_not_retried_and_name_the_key(make_settings, provider, status, key_var):
    server, env = server_and_env(provider)
    with server:
        server.script(CHAT_PATH[provider], Error(status, "invalid x-api-key"))
        with pytest.raises(ProviderError) as err:
            _plan(make_settings, env)
        assert server.count(CHAT_PATH[provider]) == 1
        assert err.value.status == status
        if key_var:
            assert key_var in str(err.value)
        assert_no_keys(str(err.value))


def test_spend_limit_429_is_not_retried(make_settings):
    server, env = server_and_env("openai")
    with server:
        server.script("/chat/completions", Error(429, "You exceeded your current quota", kind="insufficient_quota"))
        with pytest.raises(ProviderError, match="quota reached"):
            _plan(make_settings, env)
        assert server.count("/chat/completions") == 1


def test_total_deadline_stops_a_silent_server(make_settings):
    server, env = server_and_env("ollama")
    with server:
        server.script("/api/chat", Delay(10))
        start = time.monotonic()
        with pytest.raises(ProviderError, match=r"within 1\.5s"):
            _plan(make_settings, env, SDPA_TIMEOUT="1.5")
        assert time.monotonic() - start < 4  # the 1.5 s deadline, not the server's 10 s


def test_html_error_page_and_dropped_connection(make_settings):
    server, env = server_and_env("openai", answer=ANSWER)
    with server:
        server.script("/chat/completions", Html(502), Drop())
        assert _plan(make_settings, env).prompt  # 502 retried, the drop is a failed stream: retried too
        assert server.count("/chat/completions") == 3


def test_stream_cut_before_its_end_is_an_error(make_settings):
    server, env = server_and_env("claude")
    with server:
        frames = ['event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\n\n',
                  'event: content_block_delta\ndata: {"type":"content_block_delta","delta":'
                  '{"type":"text_delta","text":"{\\"prompt\\": \\"ca"}}\n\n']
        server.script("/v1/messages", Stream(frames, close_early=True))
        with pytest.raises(ProviderError, match="stream"):
            _plan(make_settings, env)


def test_cancel_stops_a_streaming_call_at_once(make_settings):
    server, env = server_and_env("openai")
    with server:
        frames = [f'data: {{"choices":[{{"delta":{{"content":"x{i}"}}}}]}}\n\n' for i in range(100)]
        server.script("/chat/completions", Stream(frames, delay=0.2))
        roles = Roles.from_settings(make_settings(env))
        cancel = CancelToken()
        got: list[str] = []

        def on_delta(text: str) -> None:
            got.append(text)
            if len(got) == 2:
                threading.Timer(0.1, cancel.cancel).start()

        start = time.monotonic()
        with pytest.raises(Cancelled):
            roles.complete("planning", ChatRequest([Message("user", "hi")]), on_delta=on_delta, cancel=cancel)
        assert time.monotonic() - start < 5 and len(got) < 25  # not the 20 s (100 pieces) of the whole stream


# --- roles -----------------------------------------------------------------------------------


def test_dual_mode_sends_plan_to_planning_and_refine_to_execution(make_settings):
    with ClaudeServer(api_key=CLAUDE_KEY, answer=ANSWER) as planning, OllamaServer(answer=REFINED) as execution:
        settings = make_settings({"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "claude",
                                  "EXECUTION_LLM_PROVIDER": "ollama", "ANTHROPIC_API_KEY": CLAUDE_KEY,
                                  "ANTHROPIC_BASE_URL": planning.url, "OLLAMA_HOST": execution.url})
        assistant = Assistant(settings)
        version = assistant.plan("a cabin")
        refined = assistant.refine(version, "give the scene a moodier feeling")
        assert (version.provider, refined.provider) == ("claude", "ollama")
        assert planning.count("/v1/messages") == 1 and execution.count("/api/chat") == 1


def test_planning_failure_falls_back_to_execution_with_a_note(make_settings):
    with ClaudeServer(api_key="another-key") as planning, OllamaServer(answer=ANSWER) as execution:
        env = {"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "claude", "EXECUTION_LLM_PROVIDER": "ollama",
               "ANTHROPIC_API_KEY": CLAUDE_KEY, "ANTHROPIC_BASE_URL": planning.url, "OLLAMA_HOST": execution.url}
        version = Assistant(make_settings(env)).plan("a cabin")
        assert version.provider == "ollama"
        assert "planning with Claude Sonnet" in version.warnings[0] and "401" in version.warnings[0]
        assert_no_keys(*version.warnings)
        with pytest.raises(ProviderError) as err:
            Assistant(make_settings({**env, "SDPA_FALLBACK": "false"})).plan("a cabin")
        assert err.value.status == 401


def test_a_refine_never_gets_the_history(make_settings):
    server, env = server_and_env("openai", answer=REFINED)
    with server:
        current = PromptVersion(prompt="cabin, snow", negative_prompt="blurry", source="an old description")
        Assistant(make_settings(env)).refine(current, "give the scene a moodier feeling")
        assert "an old description" not in json.dumps(server.requests[-1].json)
