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


class StyleDatabase:
    """shared.prompt_styles: styles by name from one styles file, read again by reload()."""

    def __init__(self, path):
        self.default_path = path
        self.styles: dict = {}
        self.reloads = 0

    def reload(self):
        import csv
        import os

        self.reloads += 1
        self.styles.clear()
        if os.path.exists(self.default_path):
            with open(self.default_path, encoding="utf-8-sig", newline="") as file:
                for row in csv.DictReader(file, skipinitialspace=True):
                    self.styles[row["name"]] = SimpleNamespace(name=row["name"], prompt=row["prompt"],
                                                               negative_prompt=row["negative_prompt"],
                                                               path=str(self.default_path))


opts = Options()
prompt_styles = None  # a StyleDatabase, set by the test that loads the script
cmd_opts = SimpleNamespace(api_auth=None, sdpa_env_file=None, sdpa_ollama_host=None, sdpa_data_dir=None,
                           sdpa_vram_policy=None, medvram=False, lowvram=False)


class InterrogateModels:
    """modules.interrogate.InterrogateModels as the script calls it: a CLIP caption of a PIL image."""

    def interrogate(self, pil_image) -> str:
        return f"a blue picture, {pil_image.size[0]}x{pil_image.size[1]}"


interrogator = InterrogateModels()
