"""Call overhead: our client against raw `requests` of the same body to the same loopback server.

    python bench/overhead.py [--runs 500] [--family sdxl]

(a) `Client.complete` (stream=False) against `Session.post` + `.json()` + parsing the answer JSON;
(b) the whole `Assistant.plan` (streamed, craft work counted: request building, answer checks,
CLIP token counts) against a raw streamed `Session.post` + `iter_lines` + frame and answer parsing;
(c) streaming: from the moment the server has written the first SSE frame (it records
`time.perf_counter()` right after the write; same process, same clock) to our first `on_delta`
callback, against the first line a raw `iter_lines` loop sees.
(a) and (b) use the OpenAI-compatible double from tests/wire; (c) a minimal chunked SSE server in
this file that pauses before and after the first frame so nothing else is in flight. Both servers set
TCP_NODELAY, as real API servers do: without it a kept-alive connection stalls 20-40 ms per reply on
Nagle + delayed ACK, which would drown what is measured here. Each side's TCP connections are counted.
(b) is repeated over HTTPS (a self-signed certificate made with `openssl`), as cloud providers are reached.
Calls rotate (which side goes first changes every run) after a warm-up, so drift hits all sides alike.
Targets: median overhead at most 2 ms for (a) and (b), at most 5 ms for (c).
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import queue
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sdpa_ext.assistant import Assistant, with_tokens  # noqa: E402
from sdpa_ext.craft.answer import plan_fields, to_version  # noqa: E402
from sdpa_ext.craft.describe import describe  # noqa: E402
from sdpa_ext.craft.families import families  # noqa: E402
from sdpa_ext.craft.parse import parse_answer  # noqa: E402
from sdpa_ext.craft.prompting import plan_request  # noqa: E402
from sdpa_ext.providers.http import session_for  # noqa: E402
from sdpa_ext.providers.pricing import cost_usd  # noqa: E402
from sdpa_ext.providers.types import Completion, Usage  # noqa: E402
from sdpa_ext.settings.config import load_settings  # noqa: E402
from tests.wire import OpenAIServer  # noqa: E402

MODEL = "gpt-4.1-mini"
GAP_S = 0.015  # the streaming server's pause before and after the first frame


def described(family: str) -> str:
    """What the family's example answer (answer_text) describes, so the checks leave the answer as it is."""
    return families()[family].example["description"]


def answer_text(family: str) -> str:
    """A realistic answer: the family's own example answer, as the few-shot shows it."""
    fam = families()[family]
    return json.dumps({"prompt": fam.example["prompt"], "negative_prompt": fam.example["negative_prompt"],
                       "params": fam.params, "notes": fam.example["notes"]})


def settings_for(base_url: str, data_dir: str):
    env_file = Path(data_dir) / "empty.env"
    env_file.write_text("", encoding="utf-8")
    return load_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": base_url, "OPENAI_MODEL": MODEL,
                          "SDPA_DATA_DIR": data_dir, "SDPA_ANSWER_FORM": "full", "SDPA_STREAM": "true"},
                         env_file=env_file)


def raw_session() -> requests.Session:
    """The baseline's session: kept-alive, and like ours on loopback, no proxy look-ups."""
    session = requests.Session()
    session.trust_env = False
    return session


def raw_stream_text(response: requests.Response, stop_at_done: bool = False) -> str:
    """What a hand-written SSE loop does: data lines -> JSON frames -> the content pieces, read to the
    end of the body so the connection goes back to the pool (or, `stop_at_done`, left at `[DONE]`)."""
    parts = []
    for line in response.iter_lines(chunk_size=None):
        if not line.startswith(b"data:"):
            continue
        data = line[5:].strip()
        if data == b"[DONE]":
            if stop_at_done:
                break
            continue
        choices = json.loads(data).get("choices") or []
        if choices:
            parts.append((choices[0].get("delta") or {}).get("content") or "")
    return "".join(parts)


class CountingServer(OpenAIServer):
    """The tests' OpenAI double with TCP_NODELAY (as real API servers) and the connection of each request;
    HTTPS when given a (certificate, key) pair."""

    def __init__(self, answer: str, tls: tuple[str, str] | None = None):
        super().__init__(answer=answer)
        self.peers: list[int] = []
        handler = self._httpd.RequestHandlerClass
        self._httpd.RequestHandlerClass = type("NoDelayHandler", (handler,), {"disable_nagle_algorithm": True})
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self.url = self.url.replace("http://", "https://")

    def _handle(self, h) -> None:
        self.peers.append(connection_number(h))
        super()._handle(h)


_connections = itertools.count(1)


def self_signed(folder: str) -> tuple[str, str] | None:
    """A P-256 certificate for 127.0.0.1 made with the openssl command, or None where there is none."""
    cert, key = str(Path(folder) / "cert.pem"), str(Path(folder) / "key.pem")
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-keyout", key, "-out", cert, "-days", "1", "-nodes", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return cert, key


def connection_number(handler: BaseHTTPRequestHandler) -> int:
    """A number per TCP connection: one handler object serves one connection, kept-alive or not."""
    if not hasattr(handler, "bench_connection"):
        handler.bench_connection = next(_connections)
    return handler.bench_connection


def counted(fn: Callable[[], object], peers: list, seen: set) -> Callable[[], object]:
    """`fn`, noting the connection its request came on."""

    def run() -> object:
        out = fn()
        seen.add(peers[-1])
        return out

    return run


def timed(fns: dict[str, Callable[[], object]], runs: int, warmup: int = 20,
          after_warmup: Callable[[], object] = lambda: None) -> dict[str, list[float]]:
    """Time each function `runs` times, rotating which goes first; seconds."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    after_warmup()
    out: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for i in range(runs):
        for name in names[i % len(names):] + names[:i % len(names)]:
            start = time.perf_counter()
            fns[name]()
            out[name].append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def ms(value: float) -> str:
    return f"{value * 1000:.2f} ms"


# ---------------------------------------------------------------------------------------------
# (c) a minimal SSE server that timestamps its first frame


class _StreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _StreamServer

    def do_POST(self) -> None:
        self.server.peers.append(connection_number(self))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        first, *rest = self.server.frames
        time.sleep(GAP_S)  # the client is now blocked reading the body
        self.wfile.write(b"%x\r\n%s\r\n" % (len(first), first))
        self.wfile.flush()
        self.server.written.put(time.perf_counter())
        time.sleep(GAP_S)  # nothing else arrives while the client handles the first frame
        body = b"".join(rest)
        self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _StreamServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, text: str):
        super().__init__(("127.0.0.1", 0), _StreamHandler)
        self.written: queue.Queue[float] = queue.Queue()
        self.peers: list[int] = []
        pieces = [text[:12], *(text[i:i + 40] for i in range(12, len(text), 40))]

        def frame(delta: dict, finish: str | None = None, **extra: object) -> bytes:
            chunk = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        self.frames = [frame({"role": "assistant", "content": pieces[0]}),
                       *(frame({"content": p}) for p in pieces[1:]),
                       frame({}, "stop"),
                       b"data: " + json.dumps({"id": "chatcmpl-bench", "choices": [], "usage": {
                           "prompt_tokens": 700, "completion_tokens": 90, "total_tokens": 790}}).encode() + b"\n\n",
                       b"data: [DONE]\n\n"]
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


def first_delta(runs: int, family: str, data_dir: str) -> tuple[dict[str, list[float]], dict[str, set]]:
    """Server's first write -> our first on_delta, and -> a raw loop's first line; the connections used."""
    server = _StreamServer(answer_text(family))
    assistant = Assistant(settings_for(server.url + "/v1", data_dir))
    client = assistant.roles.planning
    req = plan_request(described(family), families()[family])
    call = client.wire.chat_call(client.model, req, client.base_url())
    url, headers = client.base_url() + call.path, client.wire.headers("")
    session = raw_session()
    seen: list[float] = []

    def ours() -> float:
        seen.clear()
        assistant.plan(described(family), family=family, on_delta=lambda _t: seen or seen.append(time.perf_counter()))
        return seen[0] - server.written.get(timeout=5)

    def raw() -> float:
        with session.post(url, json=call.json, headers=headers, stream=True, timeout=10) as response:
            first = None
            for line in response.iter_lines(chunk_size=None):
                if first is None and line:
                    first = time.perf_counter()
        return first - server.written.get(timeout=5)

    for _ in range(10):
        ours()
        raw()
    out: dict[str, list[float]] = {"ours": [], "raw": []}
    conns: dict[str, set] = {"ours": set(), "raw": set()}
    for i in range(runs):
        order = [("ours", ours), ("raw", raw)]
        for name, fn in order if i % 2 == 0 else order[::-1]:
            out[name].append(fn())
            conns[name].add(server.peers[-1])
    server.shutdown()
    server.server_close()
    return out, conns


# ---------------------------------------------------------------------------------------------
# where the time goes: the craft pieces on their own


def breakdown(family: str, runs: int) -> list[tuple[str, float]]:
    fam = families()[family]
    text = answer_text(family)
    usage = Usage(700, 90)
    completion = Completion(text=text, provider="openai", model=MODEL,
                            role="planning", usage=usage, cost_usd=0.0, latency_s=0.1, ttft_s=0.05)

    desc = describe(described(family))

    def fields() -> None:
        f = plan_fields(completion, fam, desc=describe(described(family)), style=None)
        to_version(completion, f, fam, kind="plan", source=described(family), reason="")

    version = to_version(completion, plan_fields(completion, fam, desc=desc, style=None), fam, kind="plan",
                         source=described(family), reason="")
    pieces = [
        ("build the request (plan_request)", lambda: plan_request(described(family), fam)),
        ("parse the answer JSON (parse_answer)", lambda: parse_answer(text).data),
        ("read the description, check + repair the fields (describe, plan_fields, to_version)", fields),
        ("CLIP token counts + chunks (with_tokens)", lambda: with_tokens(version)),
        ("cost estimate (cost_usd)", lambda: cost_usd("openai", MODEL, usage)),
    ]
    out = []
    for name, fn in pieces:
        for _ in range(10):
            fn()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        out.append((name, statistics.median(times)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--family", default="sdxl", choices=sorted(families()))
    args = parser.parse_args()
    runs, family = args.runs, args.family

    with tempfile.TemporaryDirectory() as data_dir, CountingServer(answer_text(family)) as server:
        assistant = Assistant(settings_for(server.url + "/v1", data_dir))
        client = assistant.roles.planning
        base = client.base_url()
        headers = client.wire.headers("")
        session = raw_session()
        conns: dict[str, set] = {name: set() for name in ("a ours", "a raw", "b ours", "b raw", "b raw stop")}

        # (a) one non-streamed call
        req = plan_request(described(family), families()[family])
        req.stream = False
        body = client.wire.chat_call(client.model, req, base).json
        url = base + "/chat/completions"

        def raw_call() -> dict:
            response = session.post(url, json=body, headers=headers, timeout=10)
            response.raise_for_status()
            return json.loads(response.json()["choices"][0]["message"]["content"])

        def raw_post() -> dict:  # requests.post: a new session and connection every call
            response = requests.post(url, json=body, headers=headers, timeout=10)
            response.raise_for_status()
            return json.loads(response.json()["choices"][0]["message"]["content"])

        assert parse_answer(client.complete(req).text).data == raw_call()
        a = timed({"ours": counted(lambda: client.complete(req), server.peers, conns["a ours"]),
                   "raw": counted(raw_call, server.peers, conns["a raw"]), "post": raw_post},
                  runs, after_warmup=lambda: [conns[k].clear() for k in ("a ours", "a raw")])

        # (b) the whole plan, streamed as users get it
        stream_req = plan_request(described(family), families()[family])
        stream_body = client.wire.chat_call(client.model, stream_req, base).json

        stop_session = raw_session()  # its own pool: a closed connection must not be handed to `raw`

        def raw_plan(stop_at_done: bool = False) -> dict:
            use = stop_session if stop_at_done else session
            with use.post(url, json=stream_body, headers=headers, stream=True, timeout=10) as response:
                response.raise_for_status()
                return json.loads(raw_stream_text(response, stop_at_done))

        assert assistant.plan(described(family), family=family).prompt == raw_plan()["prompt"]
        b = timed({"ours": counted(lambda: assistant.plan(described(family), family=family), server.peers,
                                   conns["b ours"]),
                   "raw": counted(raw_plan, server.peers, conns["b raw"]),
                   "raw stop": counted(lambda: raw_plan(True), server.peers, conns["b raw stop"]),
                   "complete": lambda: client.complete(stream_req)},
                  runs, after_warmup=lambda: [conns[k].clear() for k in ("b ours", "b raw", "b raw stop")])

        # (b) again over HTTPS, as every cloud provider is reached
        tls = self_signed(data_dir)
        d: dict[str, list[float]] = {}
        if tls is not None:
            with CountingServer(answer_text(family), tls=tls) as tls_server:
                tls_assistant = Assistant(settings_for(tls_server.url + "/v1", data_dir))
                session_for(tls_server.url + "/v1").verify = tls[0]  # our shared session trusts the test cert
                tls_session = raw_session()
                tls_session.verify = tls[0]
                tls_url = tls_server.url + "/v1/chat/completions"

                def raw_tls_plan() -> dict:
                    with tls_session.post(tls_url, json=stream_body, headers=headers, stream=True,
                                          timeout=10) as response:
                        response.raise_for_status()
                        return json.loads(raw_stream_text(response))

                conns.update({"d ours": set(), "d raw": set()})
                d = timed({"ours": counted(lambda: tls_assistant.plan(described(family), family=family),
                                           tls_server.peers, conns["d ours"]),
                           "raw": counted(raw_tls_plan, tls_server.peers, conns["d raw"])},
                          runs, after_warmup=lambda: [conns[k].clear() for k in ("d ours", "d raw")])

        # (c) first byte -> first delta
        c, c_conns = first_delta(runs, family, data_dir)
        conns.update({"c ours": c_conns["ours"], "c raw": c_conns["raw"]})

    parts = breakdown(family, runs)

    def diffs(ours: list[float], raw: list[float]) -> float:
        return statistics.median(o - r for o, r in zip(ours, raw, strict=True))

    print(f"Call overhead, {runs} rotating runs each, family {family}, loopback server in-process; "
          f"Python {platform.python_version()}, requests {requests.__version__}.\n")
    print("| comparison | ours median | ours p95 | raw median | raw p95 | ratio (medians) | "
          "overhead (median of paired differences) | target | met |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [
        ("(a) `Client.complete`, stream=False vs `Session.post` + `.json()` + answer `json.loads`",
         a["ours"], a["raw"], 0.002),
        ("(b) `Assistant.plan` (streamed, craft included) vs raw streamed `Session.post` + SSE loop + "
         "`json.loads`", b["ours"], b["raw"], 0.002),
        *([("(b) over HTTPS (loopback, TLS 1.3, self-signed P-256 certificate; same comparison)",
             d["ours"], d["raw"], 0.002)] if d else []),
        ("(c) server's first SSE frame written -> our first `on_delta` vs -> raw `iter_lines` first line",
         c["ours"], c["raw"], 0.005),
    ]
    for name, ours, raw, target in rows:
        over = diffs(ours, raw)
        print(f"| {name} | {ms(statistics.median(ours))} | {ms(p95(ours))} | {ms(statistics.median(raw))} | "
              f"{ms(p95(raw))} | {statistics.median(ours) / statistics.median(raw):.2f}x | {ms(over)} | "
              f"<= {target * 1000:g} ms | {'yes' if over <= target else 'no'} |")
    if not d:
        print("\n(b) over HTTPS skipped: no `openssl` command to make a test certificate.")
    print(f"\nTCP connections the server saw over the {runs} timed calls of each side:\n")
    print("| | ours | raw |")
    print("|---|---|---|")
    for key, name in (("a", "(a) non-streamed"), ("b", "(b) streamed plan"), ("d", "(b) over HTTPS"),
                      ("c", "(c) streamed, first delta")):
        if key + " ours" in conns:
            print(f"| {name} | {len(conns[key + ' ours'])} | {len(conns[key + ' raw'])} |")
    print("\nOther baselines, for information (same server, same body, in the same rotation):\n")
    print("| baseline | median | p95 | connections | ours minus it (median of paired differences) |")
    print("|---|---|---|---|---|")
    print(f"| (a) `requests.post` (a new session and connection per call) | {ms(statistics.median(a['post']))} | "
          f"{ms(p95(a['post']))} | {runs} | {ms(diffs(a['ours'], a['post']))} |")
    print(f"| (b) raw SSE loop that stops at `[DONE]` (the body's end unread, so a new connection per call) "
          f"| {ms(statistics.median(b['raw stop']))} | {ms(p95(b['raw stop']))} | "
          f"{len(conns['b raw stop'])} | {ms(diffs(b['ours'], b['raw stop']))} |")
    print("\nWhere (b)'s overhead goes (medians of paired differences, same rotation):\n")
    print("| step | time |")
    print("|---|---|")
    print(f"| a new TCP connection per call (raw loop stopping at `[DONE]` minus raw loop reading to the end) | "
          f"{ms(diffs(b['raw stop'], b['raw']))} |")
    print(f"| our client's streaming path (`Client.complete`, streamed, minus the raw loop stopping at `[DONE]`) | "
          f"{ms(diffs(b['complete'], b['raw stop']))} |")
    print(f"| the craft around it (`Assistant.plan` minus `Client.complete` of the same request) | "
          f"{ms(diffs(b['ours'], b['complete']))} |")
    print(f"\nThe craft pieces alone (median of {runs}):\n")
    print("| piece | median |")
    print("|---|---|")
    for name, value in parts:
        print(f"| {name} | {ms(value)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
