"""Records what an extension registers."""

registered: dict[str, list] = {"ui_tabs": [], "ui_settings": [], "app_started": [], "model_loaded": []}


def on_ui_tabs(callback):
    registered["ui_tabs"].append(callback)


def on_ui_settings(callback):
    registered["ui_settings"].append(callback)


def on_app_started(callback):
    registered["app_started"].append(callback)


def on_model_loaded(callback):
    registered["model_loaded"].append(callback)
