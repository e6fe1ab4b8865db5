"""Options and command-line flags as the WebUI keeps them."""

from types import SimpleNamespace


class Options:
    def __init__(self):
        self.data: dict = {}
        self.added: dict = {}
        self.listeners: dict = {}

    def add_option(self, key, info):
        self.added[key] = info
        self.data.setdefault(key, info.default)

    def onchange(self, key, func, call=True):
        self.listeners[key] = func


class OptionInfo:
    def __init__(self, default=None, label="", component=None, component_args=None, section=None, category_id=None,
                 **kwargs):
        self.default, self.label, self.component, self.component_args = default, label, component, component_args
        self.section, self.category_id, self.comment = section, category_id, ""

    def info(self, text):
        self.comment = text
        return self


opts = Options()
cmd_opts = SimpleNamespace(api_auth=None, sdpa_env_file=None, sdpa_ollama_host=None, sdpa_data_dir=None,
                           sdpa_vram_policy=None, medvram=False, lowvram=False)
