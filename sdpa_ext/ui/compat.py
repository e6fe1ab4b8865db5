"""The few differences between Gradio 3.41 (A1111), 4.40 (Forge) and 6.x (the standalone app), in one place."""

from __future__ import annotations

from collections.abc import Callable


def gradio_major() -> int:
    import gradio  # imported when a UI is built, never when sdpa_ext is imported

    return int(gradio.__version__.split(".")[0])


def js(code: str) -> dict:
    """The keyword for a client-side function: `_js=` in Gradio 3, `js=` in 4."""
    return {"js": code} if gradio_major() >= 4 else {"_js": code}


def then_js(event, code: str):
    """Chain client-side code after an event (`fn=None`: nothing runs on the server). WebUI pages only: Gradio 6
    compiles such code with eval, which the standalone page's policy refuses."""
    return event.then(None, None, None, **js(code))


def html(value: str | Callable[[], str] = "", **options):
    """A component showing our HTML (built from escaped text by ui/render.py). Gradio 3 and 4: gr.HTML. From
    Gradio 6, whose gr.HTML compiles a template with eval on the page, a Markdown component given each value as
    one HTML block (no Markdown or LaTeX read inside it; Gradio's sanitizer on top). Not a subclass: Gradio
    writes a .pyi beside the file of any component class."""
    import gradio as gr

    if gradio_major() < 6:
        return gr.HTML(value, **options)
    first = value if callable(value) else html_block(value)  # a function: run at page load, its value below
    block = gr.Markdown(first, latex_delimiters=[], **options)
    shown = block.postprocess
    block.postprocess = lambda new: shown(html_block(new))  # every value a handler gives it
    return block


def html_block(value: str | None) -> str | None:
    """HTML as one Markdown HTML block: a <div> with no blank line inside, which Markdown passes through
    whole."""
    if value is None:
        return None
    body = "\n".join(line for line in str(value).splitlines() if line.strip())
    return f"<div class='sdpa-html'>{body}</div>" if body else ""


def copy_button() -> dict:
    """A Textbox's copy button: `show_copy_button=True` until Gradio 5, `buttons=["copy"]` from 6."""
    return {"buttons": ["copy"]} if gradio_major() >= 6 else {"show_copy_button": True}


def page_css(css: str) -> dict:
    """The page's CSS as a Blocks argument (until Gradio 5; from 6 it is given when mounting)."""
    return {"css": css} if gradio_major() < 6 else {}


def _on_load(script: str) -> str:
    """A script as the function Gradio runs when the page loads (compiled by the page: no inline <script>, which
    the standalone page's policy refuses)."""
    return f"() => {{\n{script}\n}}"


def page_js(script: str) -> dict:
    """The page's script (javascript/sdpa.js, which the WebUI loads itself) as a Blocks argument: Gradio 4 and
    5; Gradio 3 has none (only the WebUI runs it), from 6 it is given when mounting."""
    return {"js": _on_load(script)} if 4 <= gradio_major() < 6 else {}


def mount_options(css: str, user=None, script_url: str = "") -> dict:
    """Options for mounting the standalone page. Gradio 6: the CSS, the page's script as a file of the page's
    own origin (`script_url`: code Gradio is given as text it runs with eval, which the page's policy refuses),
    and no server-side rendering, run history or MCP server (CVE-2026-134825 needs SSR and run history; the
    page needs none of them). `user(request)`: who the guard logged in, so each event's `request.username` is
    that user."""
    options = {"auth_dependency": user} if user is not None else {}
    if gradio_major() < 6:
        return options
    head = {"head": f'<script src="{script_url}"></script>'} if script_url else {}
    return {**options, "css": css, "ssr_mode": False, "run_history": False, "mcp_server": False, **head}


def choices_of(component) -> list[str]:
    """A dropdown's choices as plain values (Gradio 4 keeps (label, value) pairs)."""
    values = []
    for choice in getattr(component, "choices", None) or []:
        values.append(choice[1] if isinstance(choice, tuple | list) else choice)
    return [str(v) for v in values]


def on_page_load(fn: Callable, outputs: list) -> None:
    """Run `fn` each time the page loads, into `outputs`, from inside any Blocks being built (a WebUI script's
    accordion too): a load event of the outermost one. A component's callable value would be run once more while
    the page is built (every Gradio runs it for the first value), which is what this avoids."""
    from gradio.context import Context

    Context.root_block.load(fn, None, outputs)


def in_current_blocks(*components) -> bool:
    """Whether every component belongs to the Blocks being built, so events may name them. The WebUI's API
    calls a script's ui() again in a throw-away Blocks only to read default values: the host's prompt boxes
    are not there, and Gradio fails on events (cancels) that name them."""
    from gradio.context import Context

    blocks = getattr(Context.root_block, "blocks", None)
    return isinstance(blocks, dict) and all(
        c is not None and blocks.get(getattr(c, "_id", None)) is c for c in components)


def username(request) -> str:
    """The logged-in user (WebUI --gradio-auth), or "" without logins."""
    return (getattr(request, "username", None) or "") if request is not None else ""


FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def client_host(request) -> str:
    """The address the event came from; "" when Gradio does not say, or when a proxy relayed it (a reverse
    proxy or a share link connects from loopback on behalf of someone else)."""
    if request is None:
        return ""
    headers = getattr(request, "headers", None) or {}
    if any(name in headers and headers[name] for name in FORWARDING_HEADERS):  # a Mapping or Gradio's Obj
        return ""
    return str(getattr(getattr(request, "client", None), "host", "") or "")
