"""Concurrency: 20 sessions at once against a deliberately slow provider, through the standalone
server; and Cancel in the middle of streams. (Figures go in bench/load.py, not in timed tests.)"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from sdpa_ext.errors import Cancelled
from sdpa_ext.providers.types import CancelToken
from sdpa_ext.service import Service

from .support import SlowEcho, serve, stop
from .wire import OpenAIServer, Stream

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 20
LIMIT = 4




def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the server's memory")
@pytest.mark.slow
def test_twenty_sessions_at_once_each_get_their_own_answer_and_history(tmp_path):
    """Slow by design: a served app, and 20 sessions that each plan and refine at once against a model that takes
    0.3 s an answer, SDPA_MAX_INFLIGHT at a time."""
    echo = SlowEcho(0.3)
    with OpenAIServer(answer=echo) as wire:
        server, base = serve(tmp_path, f"LLM_PROVIDER=openai\nOPENAI_BASE_URL={wire.url}/v1\n"
                                       f"SDPA_MAX_INFLIGHT={LIMIT}\n")
        url = base + "/sdpa/v1"
        try:
            base_rss = _peak_rss_mib(server.pid)

            def one(index: int) -> tuple[dict, dict]:
                with requests.Session() as http:
                    planned = http.post(url + "/plan", json={"description": f"subject number {index}",
                                                             "session": f"s{index}"}, timeout=120)
                    assert planned.status_code == 200, planned.text
                    refined = http.post(url + "/refine", json={"instruction": f"bring out item {index}",
                                                               "prompt": planned.json()["prompt"],
                                                               "negative_prompt": planned.json()["negative_prompt"],
                                                               "session": f"s{index}"}, timeout=120)
                    assert refined.status_code == 200, refined.text
                    return planned.json(), refined.json()

            with ThreadPoolExecutor(SESSIONS) as pool:
                results = list(pool.map(one, range(SESSIONS)))
            for index, (planned, refined) in enumerate(results):
                assert planned["prompt"] == f"subject number {index}, detailed"
                assert refined["prompt"] == f"bring out item {index}, detailed"
                assert refined["diff"] == {"added": ["bring", "out", "item"], "removed": ["subject", "number"]}
                found = requests.get(url + "/history", params={"search": f"subject number {index},"},
                                     timeout=10).json()["versions"]
                assert [v["source"] for v in found] == [f"subject number {index}"]
            assert 2 <= echo.peak <= LIMIT  # the limit queued the rest instead of failing them
            assert wire.count("/chat/completions") == 2 * SESSIONS
            assert _peak_rss_mib(server.pid) - base_rss < 150
        finally:
            stop(server)


def test_cancel_mid_stream_while_others_finish(make_settings):
    frames = [f'data: {{"choices":[{{"delta":{{"content":"{piece}"}}}}]}}\n\n'
              for piece in ['{\\"prompt\\": \\"cabin', ", snow", ", dusk", '\\", \\"negative_prompt\\": \\"\\"}']]
    frames.append("data: [DONE]\n\n")
    with OpenAIServer() as wire:
        # More streams than calls: a call the client retries (a connection dropped on a loaded machine) must still
        # get a stream, not the server's quick default answer.
        wire.script("/chat/completions", *[Stream(frames, delay=0.4) for _ in range(20)])
        service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                                         "SDPA_MAX_INFLIGHT": "10"}))

        def one(index: int) -> tuple[str, float]:
            cancel = CancelToken()
            first = threading.Event()
            start = time.monotonic()

            def on_delta(_text: str) -> None:
                first.set()

            if index % 2:
                threading.Thread(target=lambda: (first.wait(5), cancel.cancel()), daemon=True).start()
            try:
                version = service.plan("a cabin", session=f"c{index}", on_delta=on_delta, cancel=cancel)
                return version.prompt, time.monotonic() - start
            except Cancelled:
                return "cancelled", time.monotonic() - start

        with ThreadPoolExecutor(10) as pool:
            results = list(pool.map(one, range(10)))
    finished = min(elapsed for index, (_outcome, elapsed) in enumerate(results) if not index % 2)
    for index, (outcome, elapsed) in enumerate(results):
        if index % 2:  # cancelled at its first text: frames (0.4 s each) before any call that ran to the end did
            assert outcome == "cancelled" and elapsed + 0.4 < finished, (index, outcome, elapsed, finished)
            assert service.history.session(f"c{index}").current() is None  # nothing recorded
        else:
            assert outcome == "cabin, snow, dusk" and elapsed >= 1.2
