"""Local doubles of the LLM vendors' HTTP APIs, scripted per test (see server.py).

    with ClaudeServer() as server:                      # 127.0.0.1, ephemeral port
        server.script("/v1/messages", Error(529, "Overloaded"), Answer(text='{"prompt": "fox"}'))
        ...  # point the client at server.url, then inspect server.requests / server.count(...)

Each request is validated first (a wrong client gets the vendor's own 4xx error and
consumes no script), then answered by the next scripted action, else by the default.
"""

from .claude import ClaudeServer
from .gemini import Blocked, GeminiServer, PromptBlocked
from .ollama import OllamaServer
from .openai import OpenAIServer
from .server import (
    DEFAULT_ANSWER,
    Action,
    Answer,
    Delay,
    Drip,
    Drop,
    Error,
    Html,
    MidStreamError,
    Recorded,
    Reply,
    Stream,
    WireServer,
)

__all__ = [
    "DEFAULT_ANSWER",
    "Action",
    "Answer",
    "Blocked",
    "ClaudeServer",
    "Delay",
    "Drip",
    "Drop",
    "Error",
    "GeminiServer",
    "Html",
    "MidStreamError",
    "OllamaServer",
    "OpenAIServer",
    "PromptBlocked",
    "Recorded",
    "Reply",
    "Stream",
    "WireServer",
]
