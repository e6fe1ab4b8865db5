"""Small helpers the tests and benchmarks share: free ports, stopping servers, a slow echoing provider."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """uvicorn and the WebUIs wait for open connections on SIGTERM; don't wait long."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


class SlowEcho:
    """An OpenAI-server answer that takes `delay` seconds and echoes the description or instruction it
    was given, counting the calls in flight (`peak`)."""

    def __init__(self, delay: float):
        self.delay = delay
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, body: dict) -> str:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delay)
            asked = body["messages"][-1]["content"]
            subject = asked.split("Description: ")[-1].split("Instruction: ")[-1].strip()
            return json.dumps({"prompt": f"{subject}, detailed", "negative_prompt": "blurry", "params": {},
                               "notes": subject})
        finally:
            with self.lock:
                self.active -= 1
