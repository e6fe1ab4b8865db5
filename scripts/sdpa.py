"""SD Prompt Assistant's WebUI entry (A1111 1.10 and Forge): thin glue between the host and sdpa_ext.

The host puts the extension folder on sys.path only while it loads scripts: the package is imported
here, at the top (its submodules then load from the package's own path whenever they are needed).
Loading this file imports only what it needs to register itself; the UI, the API, the providers and
the hardware code load when the WebUI first asks for them. No network call, no torch at start-up.
"""

import logging
import threading

import gradio as gr
from modules import script_callbacks, scripts, shared

import sdpa_ext  # noqa: F401  (keeps the package importable after the host restores sys.path)
from sdpa_ext import host
from sdpa_ext.errors import SdpaError

_log = logging.getLogger("sdpa_ext.webui")
_service = None
_service_lock = threading.Lock()
# The host's components by elem_id, collected as the page is built (they exist before ui() runs).
_found: dict[str, object] = {}
# The generation settings of craft/params.py KEYS (not imported: it would load the craft at start-up; a test
# holds them equal) at the host's element ids.
_IDS = {"prompt": "{tab}_prompt", "negative": "{tab}_neg_prompt", "steps": "{tab}_steps",
        "cfg_scale": "{tab}_cfg_scale", "distilled_cfg_scale": "{tab}_distilled_cfg_scale", "width": "{tab}_width",
        "height": "{tab}_height", "sampler_name": "{tab}_sampling", "scheduler": "{tab}_scheduler"}


def _load_settings():
    from sdpa_ext.settings.config import load_settings

    return load_settings(overrides=host.overrides_from(shared.opts.data, shared.cmd_opts))


def _host_context():
    from modules import sd_models, shared

    model = sd_models.model_data.sd_model  # never shared.sd_model: that would load a checkpoint
    try:
        from modules.sd_hijack import model_hijack

        embeddings, clip = getattr(model_hijack, "embedding_db", None), getattr(model_hijack, "clip", None)
    except ImportError:
        embeddings, clip = None, None
    if embeddings is None:
        try:  # Forge keeps them here
            from modules.ui_extra_networks_textual_inversion import embedding_db as embeddings
        except ImportError:
            embeddings = None
    return host.host_context(model, forge_params=getattr(sd_models.model_data, "forge_loading_parameters", None),
                             embeddings=embeddings, hijack_clip=clip, opts=shared.opts,
                             checkpoints=getattr(sd_models, "checkpoints_list", None), read_image=_read_image,
                             interrogate=_interrogate)


def _interrogate(data: bytes, tags: bool) -> tuple[str, str]:
    """The WebUI's own interrogator, as HostContext.interrogate: DeepBooru's tags for a tag family, else CLIP's
    caption (its BLIP and CLIP models load, or download, on first use, as with the WebUI's own buttons)."""
    import io

    from PIL import Image

    picture = Image.open(io.BytesIO(data)).convert("RGB")
    if tags:
        from modules import deepbooru

        return deepbooru.model.tag(picture), "DeepBooru"
    return shared.interrogator.interrogate(picture), "CLIP"


def _read_image(data: bytes):
    """The host's own infotext reader and parser (its Pillow opens the image), as HostContext.read_image."""
    from modules import images, infotext_utils

    def open_image(raw: bytes):
        import io

        from PIL import Image

        return Image.open(io.BytesIO(raw))

    reader = host.infotext_reader(infotext_utils.parse_generation_parameters, images.read_info_from_image,
                                  open_image, getattr(shared, "prompt_styles", None))
    return reader(data)


def _sd_facts():
    """Stable Diffusion's side of the VRAM budget (auto-configure picks Ollama models to fit beside it)."""
    try:
        return host.sd_facts(_host_context(), None, shared.cmd_opts)
    except Exception as err:  # no checkpoint facts is a default budget, never a broken start
        _log.warning("checkpoint facts unavailable: %s", err)
        return None


def _styles():
    """The WebUI's own style store: "Save as style" writes its file and reloads it (the Styles dropdown)."""
    from sdpa_ext.styles import HostStyles

    return HostStyles(shared.prompt_styles)


def service():
    """The process's one Service, made on first use: every part of the WebUI (banner, accordion, tab, API)
    sees the same settings, auto-configure and zero-config applied."""
    global _service
    with _service_lock:
        if _service is None:
            from sdpa_ext.service import Service

            _service = Service(load=_load_settings, host=_host_context, sd=_sd_facts, styles=_styles)
        return _service


def _settings():
    """The settings the page is built with: the Service's once it is made, else read now (the Service, with the
    assistant and providers behind it, is made after start-up: building the page needs only these)."""
    made = _service
    return made.settings if made is not None else _load_settings()


def _reload(*_args) -> None:
    try:
        service().reload()
    except SdpaError as err:
        print(f"[SD Prompt Assistant] settings: {err}")


def _on_model_loaded(*_args) -> None:
    """A checkpoint loaded: the VRAM picture changed, so auto-configure runs again (in the background: it may
    ask Ollama); the banner is printed again when a role's model changed."""
    def again() -> None:
        before = service().roles()
        _reload()
        if service().roles() != before:
            print(service().settings.banner())

    threading.Thread(target=again, daemon=True, name="sdpa-reconfigure").start()


class PromptAssistantScript(scripts.Script):
    def __init__(self):
        super().__init__()
        for tab in ("txt2img", "img2img"):
            for template in _IDS.values():
                elem_id = template.format(tab=tab)
                self.on_after_component(lambda c, elem_id=elem_id: _found.__setitem__(elem_id, c.component),
                                        elem_id=elem_id)

    def title(self):
        return "SD Prompt Assistant"

    def show(self, is_img2img):
        return scripts.AlwaysVisible

    def ui(self, is_img2img):
        from sdpa_ext.craft.params import KEYS
        from sdpa_ext.ui.compat import in_current_blocks
        from sdpa_ext.ui.panel import Panel
        from sdpa_ext.ui.parts import panel_parts
        from sdpa_ext.ui.shared import TargetFields

        tab = "img2img" if is_img2img else "txt2img"
        found = {name: _found.get(template.format(tab=tab)) for name, template in _IDS.items()}
        fields = TargetFields(found["prompt"], found["negative"],
                              {name: found[name] for name in KEYS if found.get(name) is not None})
        panel = Panel(service, tab, fields, panel_parts, settings=_settings)
        # The host's API calls ui() again in a throw-away Blocks for default values: no events there.
        wire = in_current_blocks(fields.prompt, fields.negative, *fields.params.values())
        # A plain accordion: the panel toggles nothing in the generation (a checkbox in its header would only
        # leave a user guessing what it does).
        with gr.Accordion("SD Prompt Assistant", open=False, elem_id=f"sdpa_{tab}_accordion"):
            return panel.build(wire)

    def before_process(self, p, *args):
        """Make room for Stable Diffusion: unload Ollama per the VRAM policy (never fails a generation)."""
        try:
            from sdpa_ext.hardware import free_vram_for_generation

            settings = service().settings
            sd = host.sd_facts(_host_context(), p, shared.cmd_opts)
            p.sdpa_freed = free_vram_for_generation(settings, sd)
            if p.sdpa_freed.unloaded:
                print(f"[SD Prompt Assistant] unloaded {', '.join(p.sdpa_freed.unloaded)} "
                      f"({p.sdpa_freed.freed_gb:g} GB) before generating")
        except Exception as err:  # the generation matters more than our housekeeping
            _log.warning("VRAM release skipped: %s", err)

    def process(self, p, description, *args):
        """SDPA_INFOTEXT=true: the description in the panel and the planning model go into the image's infotext."""
        settings = service().settings
        if settings.infotext:
            p.extra_generation_params.update(host.infotext(description or "", settings.planning.label))

    def postprocess(self, p, processed, *args):
        freed = getattr(p, "sdpa_freed", None)
        if freed is not None:
            from sdpa_ext.hardware import after_generation

            after_generation(service().settings, freed)


def _send_to(button, tab: str, text) -> None:
    """The tab's "Send to txt2img/img2img": the host pastes the infotext in `text` into the tab's fields (prompts,
    size, steps, CFG, sampler, scheduler, seed...) and switches to it, as its PNG Info's buttons do."""
    from modules import infotext_utils

    infotext_utils.register_paste_params_button(infotext_utils.ParamBinding(
        paste_button=button, tabname=tab, source_text_component=text))


def _on_ui_tabs():
    from sdpa_ext.ui.workspace import workspace_tab

    return [(workspace_tab(service, send_to=_send_to, settings=_settings), "Prompt Assistant", "sdpa_tab")]


def _on_ui_settings():
    from modules.options import categories  # the Settings page's named groups (A1111 1.10, Forge)

    categories.register_category(*host.CATEGORY)
    for option in host.OPTIONS:
        component = (gr.Dropdown, {"choices": list(option.choices)}) if option.choices else (gr.Textbox, {})
        info = shared.OptionInfo("", option.label, component[0], component[1], section=host.SECTION,
                                 category_id=host.CATEGORY[0])
        shared.opts.add_option(option.key, info.info(option.info) if option.info else info)
        shared.opts.onchange(option.key, _reload, call=False)


def _on_app_started(demo, app):
    from sdpa_ext.server.api import basic_auth, make_router

    credentials = dict(item.split(":", 1) for item in (shared.cmd_opts.api_auth or "").split(",") if ":" in item)
    dependencies = [basic_auth(credentials)] if credentials else []
    app.include_router(make_router(service, dependencies, user=lambda request: getattr(
        request.state, "sdpa_user", "")), prefix="/sdpa/v1")
    threading.Thread(target=_banner, daemon=True, name="sdpa-banner").start()  # the Service, once the app is up


def _banner() -> None:
    """The banner of the one Service, auto-configure and zero-config applied. Run in a thread once the app has
    started: making the Service loads the assistant, the craft and the providers (and may ask Ollama), which, run
    while the WebUI still loads scripts and builds its page, slowed both by about 0.1 s (issue 26, point 7)."""
    try:
        settings = service().settings
        print(settings.banner())
        for warning in settings.warnings:  # a retired model id, a name that is not read...
            print(f"[SD Prompt Assistant] warning: {warning}")
    except SdpaError as err:  # a configuration mistake is a line, not a broken WebUI
        print(f"[SD Prompt Assistant] settings need attention: {err}")



def _register() -> None:
    script_callbacks.on_ui_tabs(_on_ui_tabs)
    script_callbacks.on_ui_settings(_on_ui_settings)
    script_callbacks.on_app_started(_on_app_started)
    script_callbacks.on_model_loaded(_on_model_loaded)


# A1111 and Forge name each callback's owner with inspect.stack(), which walks every frame of the ~40
# deep script-loading stack (about 60 ms a registration here). From a fresh thread the stack is a few
# frames, its first one still this file, so the host names us just the same.
_registrar = threading.Thread(target=_register, name="sdpa-register")
_registrar.start()
_registrar.join()
