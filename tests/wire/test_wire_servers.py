"""Self-tests: each double speaks its vendor's documented wire format."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from .claude import ClaudeServer
from .gemini import Blocked, GeminiServer, PromptBlocked
from .ollama import OllamaServer
from .openai import OpenAIServer
from .server import (
    DEFAULT_ANSWER,
    Answer,
    Delay,
    Drip,
    Drop,
    Error,
    Html,
    MidStreamError,
    Reply,
    Stream,
    WireServer,
)

CLAUDE_HEADERS = {"x-api-key": "test-key", "anthropic-version": "2023-06-01"}
GEMINI_HEADERS = {"x-goog-api-key": "test-key"}
USER = [{"role": "user", "content": "a cabin in the snow"}]


def sse_events(text: str) -> list[tuple[str | None, str]]:
    """(event, data) pairs of an SSE body; comment lines are skipped."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = block.split("\n")
        event = next((ln[6:].strip() for ln in lines if ln.startswith("event:")), None)
        data = [ln[5:].strip() for ln in lines if ln.startswith("data:")]
        if data:
            out.append((event, "\n".join(data)))
    return out


def wait_for(predicate: Any, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def claude() -> Iterator[ClaudeServer]:
    with ClaudeServer() as server:
        yield server


@pytest.fixture
def gemini() -> Iterator[GeminiServer]:
    with GeminiServer() as server:
        yield server


@pytest.fixture
def ollama() -> Iterator[OllamaServer]:
    with OllamaServer(pull_delay=0.02) as server:
        yield server


@pytest.fixture
def oai() -> Iterator[OpenAIServer]:
    with OpenAIServer(api_key="sk-test") as server:
        yield server


def claude_post(
    server: ClaudeServer, headers: dict[str, str] | None = None, **body: Any
) -> requests.Response:
    payload = {"model": "claude-sonnet-4-5", "max_tokens": 256, "messages": USER, **body}
    return requests.post(
        f"{server.url}/v1/messages", headers=headers or CLAUDE_HEADERS, json=payload, timeout=5
    )


def oai_post(server: OpenAIServer, key: str = "sk-test", **body: Any) -> requests.Response:
    payload = {"model": "gpt-4o-mini", "messages": USER, **body}
    headers = {"Authorization": f"Bearer {key}"}
    return requests.post(f"{server.url}/v1/chat/completions", headers=headers, json=payload, timeout=5)


# Generic machinery -------------------------------------------------------------------


def test_records_requests(claude: ClaudeServer) -> None:
    claude_post(claude)
    requests.get(f"{claude.url}/v1/models?limit=5", headers=CLAUDE_HEADERS, timeout=5)
    first, second = claude.requests
    assert (first.method, first.path, first.query) == ("POST", "/v1/messages", {})
    assert first.headers["x-api-key"] == "test-key"
    assert first.json["max_tokens"] == 256 and json.loads(first.body) == first.json
    assert second.query == {"limit": "5"}
    assert claude.count("/v1/") == 2 and claude.count("/models") == 1


def test_bare_server_scripts_and_404() -> None:
    with WireServer() as server:
        server.script("/sdapi/v1/options", Reply(json={"sd_model_checkpoint": "x"}))
        assert requests.get(f"{server.url}/sdapi/v1/options", timeout=5).json() == {
            "sd_model_checkpoint": "x"
        }
        assert requests.get(f"{server.url}/sdapi/v1/options", timeout=5).status_code == 404


def test_scripts_are_fifo_then_default(oai: OpenAIServer) -> None:
    oai.script(
        "/chat/completions",
        Error(429, "slow down", retry_after=2),
        Error(503, "busy", retry_after="Wed, 21 Oct 2026 07:28:00 GMT"),
    )
    first, second, third = (oai_post(oai) for _ in range(3))
    assert first.status_code == 429 and first.headers["Retry-After"] == "2"
    assert second.status_code == 503 and second.headers["Retry-After"] == "Wed, 21 Oct 2026 07:28:00 GMT"
    assert third.status_code == 200 and "Retry-After" not in third.headers


def test_validation_does_not_consume_scripts(oai: OpenAIServer) -> None:
    oai.script("/chat/completions", Reply(json={"scripted": True}))
    assert oai_post(oai, key="wrong").status_code == 401
    assert oai_post(oai).json() == {"scripted": True}


def test_answer_text_callable_and_default() -> None:
    with OpenAIServer(answer=lambda body: body["messages"][-1]["content"].upper()) as server:
        assert server.answer != DEFAULT_ANSWER
        server.script("/chat", Answer(text="scripted"))
        assert oai_post(server).json()["choices"][0]["message"]["content"] == "scripted"
        assert oai_post(server).json()["choices"][0]["message"]["content"] == "A CABIN IN THE SNOW"


def test_delay_makes_client_time_out_then_default(oai: OpenAIServer) -> None:
    oai.script("/chat", Delay(0.5), Delay(0.05, then=Error(500, "late")))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            f"{oai.url}/v1/chat/completions",
            json={"model": "gpt-4o-mini", "messages": USER},
            headers={"Authorization": "Bearer sk-test"},
            timeout=0.1,
        )
    assert oai_post(oai).status_code == 500
    assert oai_post(oai).status_code == 200


def test_drip_sends_headers_then_slow_body(oai: OpenAIServer) -> None:
    oai.script("/chat", Drip([b'{"a": ', b"1}"], interval=0.3), Drip(['{"a": ', "1}"], interval=0.01))
    resp = requests.post(
        f"{oai.url}/v1/chat/completions",
        json={"model": "gpt-4o-mini", "messages": USER},
        headers={"Authorization": "Bearer sk-test"},
        stream=True,
        timeout=0.15,
    )
    assert resp.status_code == 200 and resp.headers["Content-Length"] == "8"
    with pytest.raises(requests.exceptions.ConnectionError):
        resp.content  # noqa: B018 - reading the body is the point
    assert oai_post(oai).json() == {"a": 1}


def test_drop_and_html(oai: OpenAIServer) -> None:
    oai.script("/chat", Drop(), Html(502))
    with pytest.raises(requests.exceptions.ConnectionError):
        oai_post(oai)
    page = oai_post(oai)
    assert page.status_code == 502 and page.headers["Content-Type"].startswith("text/html")
    assert "<html>" in page.text


def test_raw_stream_and_close_early(oai: OpenAIServer) -> None:
    oai.script(
        "/chat",
        Stream(["data: {not json\n\n", b"data: [DONE]\n\n"]),
        Stream(["data: {}\n\n"], close_early=True),
    )
    assert oai_post(oai, stream=True).text == "data: {not json\n\ndata: [DONE]\n\n"
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        oai_post(oai, stream=True).content  # noqa: B018


# Anthropic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "body", "status", "kind"),
    [
        ({"anthropic-version": "2023-06-01"}, {}, 401, "authentication_error"),
        ({**CLAUDE_HEADERS, "x-api-key": "bad"}, {}, 401, "authentication_error"),
        ({"x-api-key": "test-key"}, {}, 400, "invalid_request_error"),
        (CLAUDE_HEADERS, {"max_tokens": None}, 400, "invalid_request_error"),
        (
            CLAUDE_HEADERS,
            {"messages": [{"role": "system", "content": "x"}, *USER]},
            400,
            "invalid_request_error",
        ),
        (CLAUDE_HEADERS, {"temperature": 1.5}, 400, "invalid_request_error"),
        (CLAUDE_HEADERS, {"response_format": {"type": "json_object"}}, 400, "invalid_request_error"),
        (CLAUDE_HEADERS, {"model": "claude-3-5-sonnet-20241022"}, 404, "not_found_error"),
    ],
)
def test_claude_validation(claude: ClaudeServer, headers: dict, body: dict, status: int, kind: str) -> None:
    resp = claude_post(claude, headers=headers, **body)
    assert resp.status_code == status
    payload = resp.json()
    assert payload["type"] == "error" and payload["error"]["type"] == kind and payload["error"]["message"]
    assert resp.headers["request-id"].startswith("req_")


def test_claude_message_and_alias(claude: ClaudeServer) -> None:
    dated = claude_post(claude, model="claude-sonnet-4-5-20250929").json()
    assert dated["type"] == "message" and dated["stop_reason"] == "end_turn"
    assert dated["content"] == [{"type": "text", "text": DEFAULT_ANSWER}]
    assert set(dated["usage"]) == {
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    }
    assert claude_post(claude, system="You write prompts.").status_code == 200


def test_claude_stream_event_order(claude: ClaudeServer) -> None:
    claude.script(
        "/v1/messages",
        Answer(stream_chunks=['{"prompt": ', '"fox"}'], finish="max_tokens", usage={"output_tokens": 7}),
    )
    resp = claude_post(claude, stream=True)
    assert resp.headers["Content-Type"] == "text/event-stream"
    events = sse_events(resp.text)
    names = [e for e, _ in events]
    assert names == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "future_event",
        "ping",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    data = [json.loads(d) for _, d in events]
    assert all(d["type"] == e for (e, _), d in zip(events, data, strict=True))
    assert (
        "".join(d["delta"]["text"] for d in data if d["type"] == "content_block_delta") == '{"prompt": "fox"}'
    )
    assert data[0]["message"]["usage"]["input_tokens"] >= 1
    assert data[8]["delta"]["stop_reason"] == "max_tokens" and data[8]["usage"] == {"output_tokens": 7}


def test_claude_prompt_caching() -> None:
    system = [{"type": "text", "text": "x" * 400, "cache_control": {"type": "ephemeral"}}]
    with ClaudeServer() as server:
        first, second = (claude_post(server, system=system).json()["usage"] for _ in range(2))
        assert (first["cache_creation_input_tokens"], first["cache_read_input_tokens"]) == (100, 0)
        assert (second["cache_creation_input_tokens"], second["cache_read_input_tokens"]) == (0, 100)
        plain = claude_post(server, system="x" * 400).json()["usage"]
        assert plain["cache_creation_input_tokens"] == plain["cache_read_input_tokens"] == 0
    with ClaudeServer(cache_min_tokens=1024) as server:
        usage = claude_post(server, system=system).json()["usage"]
        assert usage["cache_creation_input_tokens"] == 0


def test_claude_errors_and_mid_stream(claude: ClaudeServer) -> None:
    claude.script("/v1/messages", Error(429, "rate limited", retry_after=7), Error(529, "Overloaded"))
    claude.script("/v1/messages", MidStreamError('{"prompt": "ca', "Overloaded"))
    limited = claude_post(claude)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert limited.json()["error"]["type"] == "rate_limit_error"
    assert claude_post(claude).json()["error"] == {"type": "overloaded_error", "message": "Overloaded"}
    events = sse_events(claude_post(claude, stream=True).text)
    assert events[-1][0] == "error"
    assert json.loads(events[-1][1]) == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }
    assert [e for e, _ in events].count("content_block_delta") >= 2


def test_claude_models(claude: ClaudeServer) -> None:
    listing = requests.get(f"{claude.url}/v1/models", headers=CLAUDE_HEADERS, timeout=5).json()
    assert listing["has_more"] is False and listing["first_id"] == "claude-sonnet-4-5-20250929"
    assert listing["data"][0] == {
        "type": "model",
        "id": "claude-sonnet-4-5-20250929",
        "display_name": "Claude Sonnet 4.5",
        "created_at": "2025-09-29T00:00:00Z",
    }
    assert requests.get(f"{claude.url}/v1/models", timeout=5).status_code == 401


# Gemini ------------------------------------------------------------------------------


def gemini_post(
    server: GeminiServer,
    method: str = "generateContent",
    model: str = "gemini-2.5-flash",
    query: str = "",
    headers: dict | None = None,
    **body: Any,
) -> requests.Response:
    payload = {"contents": [{"role": "user", "parts": [{"text": "a cabin"}]}], **body}
    url = f"{server.url}/v1beta/models/{model}:{method}{query}"
    return requests.post(url, headers=GEMINI_HEADERS if headers is None else headers, json=payload, timeout=5)


@pytest.mark.parametrize(
    ("kwargs", "status", "state"),
    [
        ({"query": "?key=test-key"}, 400, "INVALID_ARGUMENT"),
        ({"headers": {}}, 403, "PERMISSION_DENIED"),
        ({"headers": {"x-goog-api-key": "bad"}}, 400, "INVALID_ARGUMENT"),
        ({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}, 400, "INVALID_ARGUMENT"),
        ({"messages": USER}, 400, "INVALID_ARGUMENT"),
        ({"generationConfig": {"responseSchema": {"type": "OBJECT"}}}, 400, "INVALID_ARGUMENT"),
        ({"model": "gemini-1.5-flash"}, 404, "NOT_FOUND"),
    ],
)
def test_gemini_validation(gemini: GeminiServer, kwargs: dict, status: int, state: str) -> None:
    resp = gemini_post(gemini, **kwargs)
    assert resp.status_code == status
    error = resp.json()["error"]
    assert (error["code"], error["status"]) == (status, state) and error["message"]


def test_gemini_bad_key_error_info(gemini: GeminiServer) -> None:
    error = gemini_post(gemini, headers={"x-goog-api-key": "bad"}).json()["error"]
    assert error["details"][0]["reason"] == "API_KEY_INVALID"


def test_gemini_generate_content(gemini: GeminiServer) -> None:
    config = {"responseMimeType": "application/json", "responseSchema": {"type": "OBJECT"}}
    body = gemini_post(
        gemini, systemInstruction={"parts": [{"text": "Write prompts."}]}, generationConfig=config
    ).json()
    candidate = body["candidates"][0]
    assert candidate["content"] == {"parts": [{"text": DEFAULT_ANSWER}], "role": "model"}
    assert candidate["finishReason"] == "STOP"
    usage = body["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]
    assert gemini.requests[-1].json["generationConfig"] == config


def test_gemini_sse_stream(gemini: GeminiServer) -> None:
    resp = gemini_post(gemini, method="streamGenerateContent", query="?alt=sse")
    assert resp.headers["Content-Type"] == "text/event-stream"
    assert "\r\n\r\n" in resp.text and "[DONE]" not in resp.text
    frames = [json.loads(d) for _, d in sse_events(resp.text)]
    assert len(frames) > 1
    assert "".join(f["candidates"][0]["content"]["parts"][0]["text"] for f in frames) == DEFAULT_ANSWER
    assert all("usageMetadata" not in f and "finishReason" not in f["candidates"][0] for f in frames[:-1])
    assert (
        frames[-1]["candidates"][0]["finishReason"] == "STOP"
        and frames[-1]["usageMetadata"]["candidatesTokenCount"]
    )
    assert len({f["responseId"] for f in frames}) == 1


def test_gemini_stream_without_alt_sse_is_a_json_array(gemini: GeminiServer) -> None:
    body = gemini_post(gemini, method="streamGenerateContent").json()
    assert isinstance(body, list) and body[-1]["candidates"][0]["finishReason"] == "STOP"


def test_gemini_blocked(gemini: GeminiServer) -> None:
    gemini.script(":generateContent", Blocked(), PromptBlocked("PROHIBITED_CONTENT"))
    gemini.script(":streamGenerateContent", Blocked("RECITATION"))
    blocked = gemini_post(gemini).json()["candidates"][0]
    assert blocked["finishReason"] == "SAFETY" and "content" not in blocked
    prompt = gemini_post(gemini).json()
    assert "candidates" not in prompt and prompt["promptFeedback"]["blockReason"] == "PROHIBITED_CONTENT"
    frames = sse_events(gemini_post(gemini, method="streamGenerateContent", query="?alt=sse").text)
    assert json.loads(frames[0][1])["candidates"][0]["finishReason"] == "RECITATION"


def test_gemini_rate_limit_and_mid_stream(gemini: GeminiServer) -> None:
    gemini.script(
        "models/", Error(429, "Quota exceeded", retry_after=22), Error(503, "The model is overloaded.")
    )
    gemini.script("models/", MidStreamError('{"prompt": "ca', "Internal error"))
    limited = gemini_post(gemini)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "22"
    error = limited.json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["details"] == [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "22s"}]
    assert gemini_post(gemini).json()["error"]["status"] == "UNAVAILABLE"
    frames = [
        json.loads(d)
        for _, d in sse_events(gemini_post(gemini, method="streamGenerateContent", query="?alt=sse").text)
    ]
    assert frames[-1] == {"error": {"code": 500, "message": "Internal error", "status": "INTERNAL"}}
    assert "candidates" in frames[0]


def test_gemini_models(gemini: GeminiServer) -> None:
    models = requests.get(f"{gemini.url}/v1beta/models", headers=GEMINI_HEADERS, timeout=5).json()["models"]
    assert models[0]["name"] == "models/gemini-2.5-flash"
    assert "generateContent" in models[0]["supportedGenerationMethods"] and models[0]["displayName"]
    one = requests.get(f"{gemini.url}/v1beta/models/gemini-2.5-pro", headers=GEMINI_HEADERS, timeout=5)
    assert one.json()["name"] == "models/gemini-2.5-pro"


# Ollama ------------------------------------------------------------------------------


def ollama_chat(server: OllamaServer, **body: Any) -> requests.Response:
    payload = {"model": "llama3.2:3b", "messages": USER, **body}
    return requests.post(f"{server.url}/api/chat", json=payload, timeout=5)


def test_ollama_chat_streams_ndjson_by_default(ollama: OllamaServer) -> None:
    resp = ollama_chat(ollama, format={"type": "object"}, options={"temperature": 0.2, "num_ctx": 8192})
    assert resp.headers["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in resp.text.splitlines()]
    assert all(not line["done"] for line in lines[:-1]) and len(lines) > 2
    assert "".join(line["message"]["content"] for line in lines) == DEFAULT_ANSWER
    final = lines[-1]
    assert final["done"] is True and final["done_reason"] == "stop"
    for key in ("total_duration", "load_duration", "prompt_eval_count", "eval_count", "eval_duration"):
        assert isinstance(final[key], int)


def test_ollama_chat_without_stream(ollama: OllamaServer) -> None:
    ollama.script("/api/chat", Answer(text="short", usage={"eval_count": 3}, finish="length"))
    body = ollama_chat(ollama, stream=False, format="json").json()
    assert body["message"] == {"role": "assistant", "content": "short"}
    assert (body["done_reason"], body["eval_count"]) == ("length", 3)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"model": "llama3.2"}, 404, 'model "llama3.2" not found, try pulling it first'),
        ({"format": "yaml"}, 400, "invalid format"),
        ({"keep_alive": "5 minutes"}, 400, "invalid duration"),
    ],
)
def test_ollama_chat_validation(ollama: OllamaServer, body: dict, status: int, error: str) -> None:
    resp = ollama_chat(ollama, **body)
    assert resp.status_code == status and error in resp.json()["error"]


def test_ollama_load_ps_unload(ollama: OllamaServer) -> None:
    assert requests.get(f"{ollama.url}/api/ps", timeout=5).json() == {"models": []}
    ollama_chat(ollama, keep_alive="10m", options={"num_ctx": 8192})
    (loaded,) = requests.get(f"{ollama.url}/api/ps", timeout=5).json()["models"]
    assert loaded["name"] == "llama3.2:3b" and loaded["size"] == loaded["size_vram"] == 2019393189
    assert loaded["context_length"] == 8192 and loaded["details"]["family"] == "llama"
    assert loaded["expires_at"].endswith("Z") and len(loaded["expires_at"].split(".")[1]) == 10
    unload = ollama_chat(ollama, messages=[], keep_alive=0).json()
    assert (unload["done"], unload["done_reason"]) == (True, "unload")
    assert requests.get(f"{ollama.url}/api/ps", timeout=5).json() == {"models": []}
    assert (
        requests.post(f"{ollama.url}/api/chat", json={"model": "qwen2.5:7b"}, timeout=5).json()["done_reason"]
        == "load"
    )
    assert [m["name"] for m in requests.get(f"{ollama.url}/api/ps", timeout=5).json()["models"]] == [
        "qwen2.5:7b"
    ]


def test_ollama_tags_version_show(ollama: OllamaServer) -> None:
    assert requests.get(f"{ollama.url}/api/version", timeout=5).json() == {"version": "0.12.0"}
    assert requests.get(ollama.url, timeout=5).text == "Ollama is running"
    tags = requests.get(f"{ollama.url}/api/tags", timeout=5).json()["models"]
    assert [(m["name"], m["size"]) for m in tags] == [("llama3.2:3b", 2019393189), ("qwen2.5:7b", 4683087332)]
    assert tags[0]["details"]["parameter_size"] == "3B"
    show = requests.post(f"{ollama.url}/api/show", json={"model": "llama3.2:3b"}, timeout=5)
    assert {"modelfile", "parameters", "template", "details", "model_info", "capabilities"} <= set(
        show.json()
    )
    missing = requests.post(f"{ollama.url}/api/show", json={"model": "nope"}, timeout=5)
    assert missing.status_code == 404 and missing.json() == {"error": "model 'nope' not found"}


def test_ollama_pull_progress_installs(ollama: OllamaServer) -> None:
    with requests.post(f"{ollama.url}/api/pull", json={"model": "gemma3:1b"}, stream=True, timeout=5) as resp:
        lines = [json.loads(line) for line in resp.iter_lines() if line]
    statuses = [line["status"] for line in lines]
    assert statuses[0] == "pulling manifest" and statuses[-3:] == [
        "verifying sha256 digest",
        "writing manifest",
        "success",
    ]
    progress = [line for line in lines if "digest" in line]
    assert progress[0]["completed"] == 0 and progress[-1]["completed"] == progress[-1]["total"]
    assert all(line["status"] == f"pulling {line['digest'][7:19]}" for line in progress)
    assert "gemma3:1b" in [
        m["name"] for m in requests.get(f"{ollama.url}/api/tags", timeout=5).json()["models"]
    ]
    assert ollama_chat(ollama, model="gemma3:1b").status_code == 200


def test_ollama_pull_cancelled_by_client(ollama: OllamaServer) -> None:
    resp = requests.post(f"{ollama.url}/api/pull", json={"model": "gemma3:1b"}, stream=True, timeout=5)
    lines = resp.iter_lines()
    assert json.loads(next(lines))["status"] == "pulling manifest"
    assert "digest" in json.loads(next(lines))
    resp.close()
    assert wait_for(lambda: ollama.pulls_cut == ["gemma3:1b"])
    assert "gemma3:1b" not in [m["name"] for m in ollama.installed]


def test_ollama_pull_unknown_and_not_streamed() -> None:
    with OllamaServer(installed=[], registry=[{"name": "tinyllama", "size": 637700138}]) as server:
        lines = requests.post(
            f"{server.url}/api/pull", json={"model": "nope:1b"}, timeout=5
        ).text.splitlines()
        assert json.loads(lines[-1]) == {"error": "pull model manifest: file does not exist"}
        done = requests.post(
            f"{server.url}/api/pull", json={"model": "tinyllama", "stream": False}, timeout=5
        )
        assert done.json() == {"status": "success"}
        assert [(m["name"], m["size"]) for m in server.installed] == [("tinyllama:latest", 637700138)]


def test_ollama_errors(ollama: OllamaServer) -> None:
    ollama.script(
        "/api/chat",
        Error(500, "llama runner process has terminated"),
        MidStreamError('{"pro', "an error was encountered while running the model"),
    )
    failed = ollama_chat(ollama)
    assert failed.status_code == 500 and failed.json() == {"error": "llama runner process has terminated"}
    lines = [json.loads(line) for line in ollama_chat(ollama).text.splitlines()]
    assert "".join(line["message"]["content"] for line in lines[:-1]) == '{"pro' and lines[-1] == {
        "error": "an error was encountered while running the model"
    }


# OpenAI-compatible ---------------------------------------------------------------------


def test_openai_auth(oai: OpenAIServer) -> None:
    missing = requests.post(f"{oai.url}/v1/chat/completions", json={}, timeout=5)
    assert missing.status_code == 401 and missing.json()["error"]["type"] == "invalid_request_error"
    assert oai_post(oai, key="sk-wrong").json()["error"]["code"] == "invalid_api_key"
    with OpenAIServer() as keyless:
        assert requests.post(
            f"{keyless.url}/v1/chat/completions", json={"model": "gpt-4o-mini", "messages": USER}, timeout=5
        ).ok


def test_openai_stream_with_usage(oai: OpenAIServer) -> None:
    resp = oai_post(oai, stream=True, stream_options={"include_usage": True})
    assert resp.headers["Content-Type"] == "text/event-stream"
    assert "\n: keep-alive\n" in "\n" + resp.text
    data = [d for _, d in sse_events(resp.text)]
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks[:-1]) == DEFAULT_ANSWER
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_openai_stream_without_usage(oai: OpenAIServer) -> None:
    chunks = [json.loads(d) for _, d in sse_events(oai_post(oai, stream=True).text) if d != "[DONE]"]
    assert all(c["choices"] and "usage" not in c for c in chunks)
    assert oai_post(oai, stream_options={"include_usage": True}).status_code == 400


def test_openai_completion_object(oai: OpenAIServer) -> None:
    oai.script("/chat", Answer(usage={"prompt_tokens_details": {"cached_tokens": 64}}))
    body = oai_post(oai).json()
    assert body["object"] == "chat.completion" and body["choices"][0]["finish_reason"] == "stop"
    assert body["choices"][0]["message"]["content"] == DEFAULT_ANSWER
    assert body["usage"]["prompt_tokens_details"]["cached_tokens"] == 64
    assert (
        body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    )


SCHEMA = {
    "type": "json_schema",
    "json_schema": {"name": "sd_prompt", "strict": True, "schema": {"type": "object"}},
}


def test_openai_response_formats() -> None:
    with (
        OpenAIServer() as ok,
        OpenAIServer(reject_json_schema=True) as picky,
        OpenAIServer(reject_json_schema=True, json_schema_status=500, reject_json_object=True) as llama_py,
    ):
        assert oai_post(ok, response_format=SCHEMA).status_code == 200
        missing_name = oai_post(ok, response_format={"type": "json_schema", "json_schema": {"schema": {}}})
        assert missing_name.json()["error"]["code"] == "missing_required_parameter"
        assert oai_post(picky, response_format=SCHEMA).status_code == 400
        assert oai_post(picky, response_format={"type": "json_object"}).status_code == 200
        assert oai_post(llama_py, response_format=SCHEMA).status_code == 500
        assert oai_post(llama_py, response_format={"type": "json_object"}).status_code == 400


def test_openai_models_unknown_model_and_prefix(oai: OpenAIServer) -> None:
    listing = requests.get(
        f"{oai.url}/v1/models", headers={"Authorization": "Bearer sk-test"}, timeout=5
    ).json()
    assert listing["object"] == "list" and listing["data"][0] == {
        "id": "gpt-4o-mini",
        "object": "model",
        "created": 1_715_367_049,
        "owned_by": "system",
    }
    unknown = oai_post(oai, model="gpt-3")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "model_not_found"
    with OpenAIServer(prefix="/api/v1", models=["openrouter/auto"]) as router:
        url = f"{router.url}/api/v1/chat/completions"
        assert requests.post(url, json={"model": "openrouter/auto", "messages": USER}, timeout=5).ok


def test_openai_errors_and_mid_stream(oai: OpenAIServer) -> None:
    oai.script(
        "/chat",
        Error(429, "Rate limit reached", kind="rate_limit_exceeded"),
        MidStreamError('{"pro', "upstream died"),
    )
    error = oai_post(oai).json()["error"]
    assert error == {
        "message": "Rate limit reached",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
    data = [d for _, d in sse_events(oai_post(oai, stream=True).text)]
    assert json.loads(data[-1])["error"]["message"] == "upstream died" and "[DONE]" not in data


def test_openai_reasoning_models_refuse_max_tokens_and_a_temperature() -> None:
    """As OpenAI answers o1, o3, o4-mini and gpt-5: `max_completion_tokens`, and no temperature but 1."""
    with OpenAIServer(models=["o3", "gpt-5-mini", "gpt-4o-mini"]) as server:
        no_max = oai_post(server, model="o3", max_tokens=700)
        assert no_max.status_code == 400 and no_max.json()["error"] == {
            "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
            "Use 'max_completion_tokens' instead.",
            "type": "invalid_request_error",
            "param": "max_tokens",
            "code": "unsupported_parameter",
        }
        no_temperature = oai_post(server, model="gpt-5-mini", temperature=0.3, max_completion_tokens=700)
        assert no_temperature.status_code == 400 and no_temperature.json()["error"] == {
            "message": "Unsupported value: 'temperature' does not support 0.3 with this model. "
            "Only the default (1) value is supported.",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "unsupported_value",
        }
        assert oai_post(server, model="o3", temperature=1, max_completion_tokens=700).ok
        assert oai_post(server, model="gpt-4o-mini", temperature=0.3, max_tokens=700).ok
