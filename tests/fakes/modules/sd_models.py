"""No checkpoint loaded."""

from types import SimpleNamespace

model_data = SimpleNamespace(sd_model=None, forge_loading_parameters={})
