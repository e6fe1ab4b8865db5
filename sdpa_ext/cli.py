"""`python -m sdpa_ext`: plan, refine, config, check, models.

Exit codes: 0 success, 1 a check failed, 2 configuration or input error, 3 provider error, 130 cancelled.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from . import secrets
from .craft.lexicon import lexicon
from .craft.live import Preview
from .errors import Cancelled, ConfigError, SdpaError
from .images import vision
from .settings.config import PROVIDERS, family_names, load_settings, markdown_table, provider_config, retired
from .types import PromptVersion, Takes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sdpa_ext", description="SD Prompt Assistant")
    parser.add_argument("--env-file", help="read settings from this .env file (default: the extension's .env)")
    sub = parser.add_subparsers(dest="command", required=True)

    plan = sub.add_parser("plan", help="write a prompt from a description (planning LLM)")
    plan.add_argument("description")
    plan.add_argument("--family", default="auto", choices=("auto", *family_names()))
    plan.add_argument("--style", help="a style preset: photo, cinematic, anime, oil painting, pixel art, ...")
    plan.add_argument("--checkpoint", default="", help="the checkpoint's name, for --family auto")
    plan.add_argument("--n", type=int, help="takes to pick from, 1-4 (default: SDPA_TAKES)")
    plan.add_argument("--json", action="store_true", help="print one JSON object")

    _refine_parser(sub)
    _style_parser(sub)
    _image_commands(sub)

    history = sub.add_parser("history", help="past versions, newest first")
    history.add_argument("--search", default="", help="only versions whose prompt or description has this text")
    history.add_argument("--limit", type=int, default=20)
    history.add_argument("--export", action="store_true", help="print every version as a JSON array")

    hardware = sub.add_parser("hardware", help="GPU memory, the SD budget and the Ollama models that fit")
    hardware.add_argument("--json", action="store_true")
    hardware.add_argument("--vram-gb", type=float, help="what if the card had this much memory")
    what = hardware.add_mutually_exclusive_group()
    what.add_argument("--family", choices=family_names(),
                      help="the checkpoint's family (its typical footprint)")
    what.add_argument("--checkpoint-gb", type=float, help="the checkpoint's size in GB")
    hardware.add_argument("--width", type=int, default=1024)
    hardware.add_argument("--height", type=int, default=1024)
    hardware.add_argument("--batch", type=int, default=1)
    hardware.add_argument("--vram-mode", choices=["normal", "medvram", "lowvram"], default="normal")

    serve = sub.add_parser("serve", help="the standalone app and HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--new-token", action="store_true",
                       help="print a new random token for SDPA_SERVE_AUTH and exit")

    config = sub.add_parser("config", help="the banner and every setting with where it came from")
    config.add_argument("--markdown", action="store_true", help="print the settings table as the README has it")
    sub.add_parser("check", help="validate the settings and reach every configured provider")
    models = sub.add_parser("models", help="a provider's live model list")
    models.add_argument("--provider", choices=PROVIDERS)
    return parser


def _image_commands(sub) -> None:
    describe = sub.add_parser("describe", help="a prompt from an image (a planning LLM that sees images)")
    describe.add_argument("image", help="a PNG, JPEG or WebP file (sent downscaled, without its metadata)")
    describe.add_argument("--family", default="auto", choices=("auto", *family_names()))
    describe.add_argument("--json", action="store_true")
    check_image = sub.add_parser("check-image", help="what a generated image gets right and wrong (execution LLM)")
    check_image.add_argument("image")
    check_image.add_argument("--description", default="", help="what you wanted")
    check_image.add_argument("--prompt", required=True, help="the prompt that made the image")
    check_image.add_argument("--json", action="store_true")


def _refine_parser(sub) -> None:
    """`refine`: a prompt given, or an image's parameters, changed by an instruction or a chip."""
    refine = sub.add_parser("refine", help="change a prompt by an instruction (execution LLM)")
    refine.add_argument("instruction", nargs="?", default="",
                        help="what to change, as you would say it (the execution LLM answers it)")
    refine.add_argument("--chip", choices=list(lexicon().chips), help="one of our exact edits instead (no model call)")
    source = refine.add_mutually_exclusive_group(required=True)
    source.add_argument("--prompt", help="the prompt to change")
    source.add_argument("--from-image", metavar="FILE", help="a PNG, JPEG or WebP the WebUI saved: its parameters "
                        "(prompt, negative prompt, settings) are the prompt to change; alone, they are printed")
    refine.add_argument("--negative", default="")
    refine.add_argument("--params", default="{}", help="current settings as a JSON object")
    refine.add_argument("--family", default="auto", choices=("auto", *family_names()))
    refine.add_argument("--checkpoint", default="")
    refine.add_argument("--n", type=int, help="takes of a typed instruction to pick from, 1-4 (default: SDPA_TAKES)")
    refine.add_argument("--json", action="store_true")


def _style_parser(sub) -> None:
    """`style`: save a prompt as a WebUI style."""
    style = sub.add_parser("style", help="save a prompt as a WebUI style (a row of SDPA_STYLES_FILE)")
    style.add_argument("name")
    style.add_argument("--prompt", help="the prompt to save (default: the last one the command line made)")
    style.add_argument("--negative", default="")
    style.add_argument("--template", action="store_true",
                       help="save it as a template: {prompt} where the subject is (the WebUI puts yours there)")
    style.add_argument("--subject", default="", help="the part of the prompt {prompt} replaces (default: found)")
    style.add_argument("--replace", action="store_true", help="replace a style of the same name")
    style.add_argument("--json", action="store_true")


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # Windows consoles cannot print every character
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SdpaError as err:
        print(f"error: {secrets.scrub(str(err))}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return Cancelled.exit_code
    except ModuleNotFoundError as err:  # a Python without our packages (no venv, a failed install)
        if (err.name or "").startswith("sdpa_ext"):
            raise
        print(f"error: the package {err.name!r} is not installed for {sys.executable}; activate the virtual "
              "environment you installed into, or run `python install.py --standalone` in one (README: The "
              "first ten minutes)", file=sys.stderr)
        return ConfigError.exit_code


CLI_SESSION = "cli"  # the command line's one undo line (per user: "" here)
# Commands that run whatever the settings say: a mistake is shown, not fatal (`models --provider P` asks P).
FORGIVING = ("config", "hardware", "history")


def _run(args: argparse.Namespace) -> int:
    if args.command == "config" and args.markdown:
        print(markdown_table())
        return 0
    if args.command == "serve" and args.new_token:
        from .server.app import new_token

        print(new_token())
        return 0
    forgiving = args.command in FORGIVING or (args.command == "models" and args.provider)
    settings = load_settings(env_file=args.env_file, strict=not forgiving)
    service = None
    if args.command in ("config", "check", "serve", "plan", "refine", "history", "describe", "check-image", "style"):
        from .service import Service  # auto-configure and zero-config, as every front end has them
        from .types import HostContext

        service = Service(settings, load=lambda: load_settings(env_file=args.env_file, strict=not forgiving),
                          host=lambda: HostContext(checkpoint=getattr(args, "checkpoint", "")))
        for note in service.notes:
            print(f"auto-configure: {note}", file=sys.stderr)
    for warning in settings.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.command != "config":  # config shows them among the settings
        for problem in settings.problems:
            print(f"error: {problem} (not needed by `{args.command}`)", file=sys.stderr)
    if args.command == "config":
        return _config(settings)
    if args.command == "check":
        return _check(settings)
    if args.command == "models":
        return _models(settings, args.provider, args.env_file)
    if args.command == "history":
        return _history(service, args)
    if args.command == "hardware":
        return _hardware(settings, args)
    if args.command == "style":
        return _style(service, args)
    if args.command == "serve":
        from .server.app import serve

        return serve(service, args.host, args.port)
    if args.command in ("describe", "check-image"):
        return _image(service, args)
    return _write(service, args)


def _image(service, args: argparse.Namespace) -> int:
    """describe / check-image: the image is read, downscaled and stripped here, then sent."""
    from .images.pictures import load

    image = load(args.image, field="image")
    if args.command == "describe":
        version = service.describe_image(image, session=CLI_SESSION, family=args.family,
                                         on_delta=None if args.json else _Echo())
        if args.json:
            print(json.dumps(service.to_json(version), ensure_ascii=False, indent=2))
        else:
            _show(version)
        return 0
    found = service.check_image(image, args.description, args.prompt)
    if args.json:
        print(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return 0
    for title, items in (("Matches", found.matches), ("Does not match", found.mismatches),
                         ("Try", found.refines)):
        print(f"{title}:" + "".join(f"\n  - {item}" for item in items) if items else f"{title}: -")
    cost = "n/a" if found.cost_usd is None else f"${found.cost_usd:.5f}"
    print(f"({found.provider} {found.model}, {found.image}; {cost}, {found.latency_s:.1f} s)")
    return 0


def _hardware(settings, args: argparse.Namespace) -> int:
    from .hardware import machine_report
    from .hardware.planner import LIMITS, SdFacts

    for name, (low, high) in LIMITS.items():
        value = getattr(args, name)
        if value is not None and not low <= value <= high:  # NaN fails too
            raise ConfigError("--" + name.replace("_", "-"), value, hint=f"expected {low:g} to {high:g}")
    sd = SdFacts(family=args.family or ("sdxl" if args.checkpoint_gb else ""), footprint_gb=args.checkpoint_gb,
                 source="--checkpoint-gb" if args.checkpoint_gb else "--family" if args.family else "none",
                 mode=args.vram_mode, width=args.width, height=args.height, batch=args.batch)
    report = machine_report(settings, sd, vram_gb=args.vram_gb)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    for gpu in report.gpus:
        print(f"GPU {gpu['index']}: {gpu['name']}, {gpu['total_gb']:g} GB, {gpu['free_gb']:g} GB free")
    if not report.cuda:
        print(report.message)  # the one no-GPU sentence: no budget, no "left for Stable Diffusion"
    if report.sd["family"] or report.sd["footprint_gb"]:
        print(f"Stable Diffusion: {report.sd['family']} {report.sd['footprint_gb']} GB + "
              f"{report.sd['working_gb']} GB to generate ({report.sd['source']})")
    ollama = report.ollama
    print(f"Ollama at {ollama['host']}: " + (f"version {ollama['version']}, {len(ollama['installed'])} installed, "
                                             f"{len(ollama['loaded'])} loaded" if ollama["reachable"] else
                                             "not reachable"))
    rec = report.recommended
    if report.cuda:
        print(f"Budget for Ollama: {report.budget_gb:g} GB; mode: {rec.mode}")
    if rec.single:
        print(f"Single: {rec.single['model']} ({rec.single['vram_gb']:g} GB) {rec.single['pull']}")
    if rec.dual:
        for role in ("planning", "execution"):
            pick = rec.dual[role]
            print(f"{role.title()}: {pick['model']} ({pick['vram_gb']:g} GB) {pick['pull']}")
        if report.cuda:
            print(f"Together {rec.dual['total_gb']:g} GB, {rec.dual['free_for_sd_gb']:g} GB left for Stable Diffusion")
    if rec.vision:
        print(f"Images: {rec.vision['model']} ({rec.vision['vram_gb']:g} GB) {rec.vision['pull']} "
              f"({rec.vision['note']})")
    print(f"Why: {rec.reason}")
    return 0


def _style(service, args: argparse.Namespace) -> int:
    from .styles import StyleExists

    try:
        saved = service.save_style(args.name, prompt=args.prompt, negative=args.negative, template=args.template,
                                   subject=args.subject, replace=args.replace, session=CLI_SESSION)
    except StyleExists as err:
        raise err.said("add --replace") from None
    if args.json:
        print(json.dumps({"name": saved.style.name, "prompt": saved.style.prompt,
                          "negative_prompt": saved.style.negative_prompt, "file": saved.path,
                          "replaced": saved.replaced}, ensure_ascii=False, indent=2))
    else:
        print(f"{'Replaced' if saved.replaced else 'Saved'} style {saved.style.name!r} in {saved.path}\n"
              f"Prompt:   {saved.style.prompt}\nNegative: {saved.style.negative_prompt}")
    return 0


def _history_problem(service) -> None:
    if service.history.problem:
        print(f"warning: {service.history.problem}", file=sys.stderr)


def _history(service, args: argparse.Namespace) -> int:
    _history_problem(service)
    if args.export:
        print(service.export())
        return 0
    for version in service.search(args.search, limit=args.limit):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(version.created))
        print(f"{when}  {version.kind:<6} {version.provider}/{version.model}  {version.source[:40]!r}\n"
              f"    {version.prompt}")
    return 0


def _write(service, args: argparse.Namespace) -> int:
    """plan / refine through the Service, which records the version (and a refine's hand-given prompt)."""
    on_delta = None if args.json else _Echo()
    _history_problem(service)
    n = service.settings.takes if args.n is None else args.n
    if args.command == "plan":
        takes = service.plan_takes(args.description, n, session=CLI_SESSION, family=args.family, style=args.style,
                                   on_delta=on_delta)
    else:
        takes = _refine(service, args, n, on_delta)
    versions = takes.versions
    if args.json:
        shown = service.to_json(versions[0]) if len(versions) == 1 else service.takes_json(takes)
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    for index, version in enumerate(versions):
        if len(versions) > 1:
            print(f"\n=== Take {index + 1} of {len(versions)} (id {version.id}) ===", end="")
        _show(version)
    if len(versions) > 1:
        cost = "n/a" if takes.cost_usd is None else f"${takes.cost_usd:.5f}"
        print(f"\n{len(versions)} takes: {takes.calls} call(s), {cost}, {takes.latency_s:.2f}s; the first is current "
              "(the others are in the history: `history`, or pick one in the UI or with POST /sdpa/v1/pick)")
    return 0


def _refine(service, args: argparse.Namespace, n: int, on_delta) -> Takes:
    """refine: the current fields from --prompt (and --negative, --params) or from an image's parameters."""
    if args.from_image:
        current = service.from_image(_image_bytes(args.from_image), session=CLI_SESSION,
                                     name=Path(args.from_image).name, family=args.family)
        if not (args.instruction or args.chip):
            return Takes.of([current], [])
    else:
        try:
            params = json.loads(args.params)
        except json.JSONDecodeError as err:
            raise ConfigError("--params", args.params, hint="expected a JSON object") from err
        if not isinstance(params, dict):
            raise ConfigError("--params", args.params, hint="expected a JSON object")
        current = PromptVersion(prompt=args.prompt, negative_prompt=args.negative, params=params, kind="edit")
        if not (args.instruction or args.chip):
            raise ConfigError("instruction", hint="is empty: say what to change, or give --chip")
    return service.refine_takes(current, args.instruction, n, chip=args.chip, session=CLI_SESSION,
                                family=args.family, on_delta=on_delta)


def _image_bytes(path: str) -> bytes:
    """An image file's bytes, refused before reading when it is over the limit."""
    from .assistant import MAX_IMAGE

    try:
        size = Path(path).stat().st_size
        if size > MAX_IMAGE:
            raise ConfigError("--from-image", path, hint=f"is {size:,} bytes; the limit is {MAX_IMAGE:,}")
        return Path(path).read_bytes()
    except OSError as err:
        raise ConfigError("--from-image", path, hint=f"cannot be read ({err.strerror or err})") from err


class _Echo:
    """Streams the prompt forming (never raw JSON) to the terminal."""

    def __init__(self) -> None:
        self.live = Preview()

    def __call__(self, delta: str) -> None:
        before = self.live.shown
        now = self.live.feed(delta)
        if now is None:
            return
        sys.stdout.write(now[len(before):] if now.startswith(before) else "\n" + now)
        sys.stdout.flush()


def _show(version: PromptVersion) -> None:
    usage = version.usage
    cost = "n/a" if version.cost_usd is None else f"${version.cost_usd:.5f}"
    print("\n")
    print(f"Prompt:   {version.prompt}")
    print(f"Negative: {version.negative_prompt}")
    print(f"Settings: {json.dumps(version.params)}")
    if version.extra:
        print(f"Kept:     {json.dumps(version.extra, ensure_ascii=False)}")
    if version.notes:
        print(f"Notes:    {version.notes}")
    for warning in version.warnings:
        print(f"Warning:  {warning}")
    tokens = version.tokens.get("prompt", {})
    if tokens:
        chunks = " + ".join(str(c["tokens"]) for c in tokens["chunks"])
        print(f"Tokens:   {tokens['count']}/{tokens['limit']} ({chunks}; {tokens['source']})")
    print(f"[{version.family}: {version.family_reason}] {version.provider} {version.model}, "
          f"{usage.input_tokens}+{usage.output_tokens} tokens, {cost}, {version.latency_s:.2f}s")


def _config(settings) -> int:
    print(settings.banner())
    if settings.problems:
        print("\nProblems (until each is fixed its default stands in, and commands that need it stop):")
        for problem in settings.problems:
            print(f"  error: {problem}")
    print(f"\n.env file: {settings.env_file or '(none found)'}")
    print("Settings (value, where it came from):")
    width = max(len(name) for name in settings.entries) if settings.entries else 10
    for name in sorted(settings.entries):
        entry = settings.entries[name]
        print(f"  {name:<{width}}  {entry.shown:<40}  {entry.source}")
    return 2 if settings.problems else 0


def _check(settings) -> int:
    from .roles import Roles

    print(settings.banner())
    for role in ("planning", "execution"):
        print(f"      {vision.line(role, settings.role(role), settings.dual)}")
    roles = Roles.from_settings(settings)
    failed = 0
    pairs = [("planning", roles.planning)]
    if roles.execution is not roles.planning:
        pairs.append(("execution", roles.execution))
    for role, client in pairs:
        label = settings.role(role).label
        gone = retired(settings.role(role).provider, settings.role(role).model)
        if gone:
            failed += 1
            print(f"FAIL  {role}: {label}: {gone}")
            continue
        try:
            print(f"ok    {role}: {label}: {client.check()}")
        except SdpaError as err:
            failed += 1
            print(f"FAIL  {role}: {label}: {secrets.scrub(str(err))}")
    return 1 if failed else 0


def _models(settings, provider: str | None, env_file: str | None) -> int:
    from .providers.registry import make_client

    config = settings.planning
    if provider and (provider != config.provider or settings.problems):
        config = settings.execution if settings.execution.provider == provider and not settings.problems else \
            provider_config(provider, env_file=env_file, needed_by=f"`models --provider {provider}`")
    for model in make_client(config, settings).list_models():
        print(model)
    return 0
