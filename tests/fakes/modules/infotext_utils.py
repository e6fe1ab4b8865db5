"""modules.infotext_utils: the host's infotext parser, marked so a test sees it was the one used, and adding
one of the UI defaults the real one adds."""


def parse_generation_parameters(x, skip_fields=None):
    prompt, _, rest = x.partition("\nNegative prompt: ")
    negative, _, last = rest.rpartition("\n")
    fields = dict(pair.split(": ", 1) for pair in last.split(", ") if ": " in pair)
    return {**fields, "Prompt": f"host: {prompt}", "Negative prompt": negative, "Clip skip": "1"}


class ParamBinding:
    """What a "send to" button pastes where (the host's own class, its fields as the host names them)."""

    def __init__(self, paste_button, tabname, source_text_component=None, source_image_component=None,
                 source_tabname=None, override_settings_component=None, paste_field_names=None):
        self.paste_button = paste_button
        self.tabname = tabname
        self.source_text_component = source_text_component
        self.source_image_component = source_image_component
        self.source_tabname = source_tabname
        self.override_settings_component = override_settings_component
        self.paste_field_names = paste_field_names or []


registered_param_bindings: list[ParamBinding] = []


def register_paste_params_button(binding: ParamBinding) -> None:
    registered_param_bindings.append(binding)
