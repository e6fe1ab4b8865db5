"""modules.deepbooru as the script calls it: DeepDanbooru's tags of a PIL image."""

from types import SimpleNamespace

model = SimpleNamespace(tag=lambda pil_image: f"no humans, blue background, {pil_image.mode.lower()}")
