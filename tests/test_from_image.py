"""Refining from an old image in every front end but the page (tests/test_browser.py has that): the image's
parameters become the current version, refines go on from it and keep its other settings, the WebUI's own
reader is used inside the WebUI, and an image without parameters says so."""

from __future__ import annotations

import base64
import io
import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sdpa_ext.assistant import MAX_IMAGE
from sdpa_ext.errors import ConfigError
from sdpa_ext.host import infotext_reader
from sdpa_ext.server.api import make_router
from sdpa_ext.service import Service
from sdpa_ext.types import HostContext

from .conftest import OPENAI_KEY
from .test_cli import run_cli  # noqa: F401  (the fixture)
from .test_infotext import GOLDEN
from .test_providers import server_and_env
from .wire import OpenAIServer

PNG = base64.b64decode(next(i["data"] for i in GOLDEN["images"] if i["name"] == "png-latin1"))  # case 2
JPEG = base64.b64decode(next(i["data"] for i in GOLDEN["images"] if i["name"] == "jpeg-unicode"))  # case 4
CASE = GOLDEN["cases"][2]["parsed"]


def _plain_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def service(make_settings):
    return Service(make_settings({"OLLAMA_HOST": "127.0.0.1:9"}))


def test_an_image_becomes_the_current_version_and_a_chip_refines_it(service):
    version = service.from_image(PNG, session="s", name="cabin.png")
    assert (version.kind, version.source, version.prompt, version.negative_prompt) == (
        "image", "cabin.png", CASE["Prompt"], CASE["Negative prompt"])
    assert version.params == {"steps": 20, "sampler_name": "DPM++ SDE", "scheduler": "Automatic", "cfg_scale": 5.0,
                              "width": 1024, "height": 1024}
    assert version.extra["Seed"] == "7" and version.extra["Lora hashes"].startswith("add_detail: ")
    assert version.family == "sdxl" and "sd_xl_base_1.0" in version.family_reason  # the image's model
    assert version.tokens["prompt"]["count"] > 0 and version.notes == "read from cabin.png by our reader: 11 settings"
    refined = service.refine(version, chip="darker", session="s")
    assert refined.kind == "refine" and refined.parent == version.id and "low key lighting" in refined.prompt
    assert refined.extra == version.extra  # the seed, model and hashes stay with the prompt
    assert [v.kind for v in service.versions(session="s")] == ["image", "refine"]
    assert service.undo(session="s").id == version.id


def test_an_image_without_parameters_says_so_and_changes_nothing(service):
    for data, says in ((_plain_png(), "carries no generation parameters"), (b"GIF89a" + b"\0" * 20, "not a PNG"),
                       (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_IMAGE + 1), "the limit is")):
        with pytest.raises(ConfigError, match=says) as caught:
            service.from_image(data, session="s", name="photo.png")
        assert caught.value.setting == "from_image"
    assert service.versions(session="s") == []


def test_inside_the_webui_the_hosts_reader_and_parser_are_used():
    """The host's functions as A1111 has them: read_info_from_image on a Pillow image, parse_generation_parameters
    (here answering what A1111's own parser answered for this text, its UI defaults included)."""
    from PIL import Image

    seen = []

    def read_info(image):
        seen.append(image.format)
        return image.info.get("parameters"), {}

    def parse(text, skip_fields):
        assert skip_fields == []  # nothing left out
        return {**CASE, "Prompt": "the host's prompt", "Styles array": ["Cinematic"]}

    class Styles:  # shared.prompt_styles: the host took the style's text out of the prompt, we put it back
        def apply_styles_to_prompt(self, prompt, styles):
            return f"{prompt}, cinematic still" if styles == ["Cinematic"] else prompt

        def apply_negative_styles_to_prompt(self, negative, styles):
            return negative

    read = infotext_reader(parse, read_info, lambda data: Image.open(io.BytesIO(data)), Styles())
    info = read(PNG)
    assert seen == ["PNG"] and info.prompt == "the host's prompt, cinematic still"
    assert info.negative_prompt == CASE["Negative prompt"]
    assert "Clip skip" not in info.settings and "Mask mode" not in info.settings  # the host's UI defaults
    assert info.settings["Lora hashes"] == CASE["Lora hashes"] and info.settings["Size-1"] == "1024"
    metadata_only = PNG[:33] + PNG[PNG.index(b"tEXt") - 4:PNG.index(b"IDAT") - 4] + PNG[-12:]
    assert read(metadata_only).settings == info.settings  # Pillow refuses it: our container reader, their parser
    assert read(_plain_png()) is None


def test_the_assistant_uses_the_hosts_reader_from_the_context(service):
    called = []
    ctx = HostContext(read_image=lambda data: called.append(len(data)) or None)
    with pytest.raises(ConfigError, match="no generation parameters"):
        service.assistant.from_image(PNG, ctx=ctx)
    assert called == [len(PNG)]


def test_cli_refine_from_an_image(run_cli, tmp_path):  # noqa: F811
    image = tmp_path / "old.png"
    image.write_bytes(PNG)
    read = run_cli("refine", "--from-image", str(image), "--json")
    assert read.returncode == 0, read.stderr
    data = json.loads(read.stdout)
    assert (data["kind"], data["source"], data["prompt"]) == ("image", "old.png", CASE["Prompt"])
    assert data["extra"]["Model hash"] == "31e35c80fc"
    refined = run_cli("refine", "--from-image", str(image), "--chip", "brighter")
    assert refined.returncode == 0, refined.stderr
    assert "Kept:" in refined.stdout and '"Seed": "7"' in refined.stdout and "high key" in refined.stdout
    plain = tmp_path / "plain.png"
    plain.write_bytes(_plain_png())
    none = run_cli("refine", "--from-image", str(plain), "make it darker")
    assert none.returncode == 2 and "plain.png carries no generation parameters" in none.stderr
    missing = run_cli("refine", "--from-image", str(tmp_path / "gone.png"), "x")
    assert missing.returncode == 2 and "--from-image" in missing.stderr and "cannot be read" in missing.stderr
    both = run_cli("refine", "--from-image", str(image), "--prompt", "x", "y")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


@pytest.fixture
def wire():
    answer = json.dumps({"prompt": "a neon sign that says \"OPEN 24/7\", night street, heavy rain",
                         "negative_prompt": "text errors", "params": {}, "notes": "rain"})
    with OpenAIServer(api_key=OPENAI_KEY, answer=answer) as server:
        yield server


@pytest.fixture
def client(make_settings, wire):
    service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                                     "OPENAI_API_KEY": OPENAI_KEY, "OLLAMA_HOST": "127.0.0.1:9"}))
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    return TestClient(app, base_url="http://127.0.0.1:7860")


def test_api_refine_from_an_image(client, wire):
    encoded = base64.b64encode(JPEG).decode()
    alone = client.post("/sdpa/v1/refine", json={"from_image": encoded, "session": "a"})
    assert alone.status_code == 200, alone.text
    assert alone.json()["kind"] == "image" and alone.json()["prompt"] == GOLDEN["cases"][4]["parsed"]["Prompt"]
    assert wire.requests == []  # reading an image calls no model
    refined = client.post("/sdpa/v1/refine", json={"from_image": "data:image/png;base64," + base64.b64encode(
        PNG).decode(), "instruction": "heavy rain instead", "session": "a"})
    assert refined.status_code == 200, refined.text
    data = refined.json()
    assert data["kind"] == "refine" and "heavy rain" in data["prompt"] and data["extra"]["Seed"] == "7"
    asked = wire.requests[-1].json["messages"][-1]["content"]
    assert "[rain:snow:0.5]" in asked and "heavy rain instead" in asked  # the image's prompt went to the model


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"from_image": "not base64!"}, "from_image", "is not base64"),
    ({"from_image": ""}, "from_image", "is empty"),
    ({"from_image": base64.b64encode(b"GIF89a").decode()}, "from_image", "not a PNG, JPEG or WebP"),
    ({"from_image": base64.b64encode(PNG).decode(), "prompt": "x"}, "prompt", "not both"),
    ({"from_image": base64.b64encode(PNG).decode(), "instruction": " "}, "instruction", "is empty"),
    ({"from_image": 42}, "from_image", "expected str"),
    ({"instruction": "x"}, "prompt", "field required (or from_image)"),
])
def test_api_bad_images_are_422_naming_the_field(client, wire, body, field, message):
    response = client.post("/sdpa/v1/refine", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", field] and message in detail["msg"]
    assert wire.requests == []


def test_api_an_image_without_parameters_is_422(client):
    response = client.post("/sdpa/v1/refine", json={"from_image": base64.b64encode(_plain_png()).decode()})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "from_image"]
    assert "carries no generation parameters" in response.json()["error"]


def _png_with(parameters: str) -> bytes:
    from PIL import Image, PngImagePlugin

    info, buffer = PngImagePlugin.PngInfo(), io.BytesIO()
    info.add_text("parameters", parameters, zip=True)
    Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def test_an_images_settings_hold_to_the_familys_rules(service):
    """Issue 25, finding 13: steps 99999999, 99999x99999 and CFG 1e308 came back as they were."""
    version = service.from_image(_png_with("a cat\nSteps: 99999999, Sampler: Euler, CFG scale: 1e308, "
                                           "Size: 99999x99999, Seed: 1"), session="s", family="sdxl")
    assert version.params == {"steps": 80, "cfg_scale": 12.0, "sampler_name": "Euler", "width": 1024,
                              "height": 1024}
    assert any(w.startswith("steps 1e+08 -> 80") for w in version.warnings) and version.extra["Seed"] == "1"


def test_an_image_carries_a_bounded_number_of_settings(service):
    """Issue 25, finding 7: 1,000,000 settings gave a 13.9 MB answer and a 16 MB history row. The settings line
    is read up to 10,000 characters: a few hundred settings at most, a small row."""
    many = ", ".join(f"K{i}: {i}" for i in range(500_000))
    version = service.from_image(_png_with(f"a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, {many}"), session="s")
    assert version.params["steps"] == 20 and len(json.dumps(version.extra)) < 20_000
    assert len(service.versions(session="s")) == 1


NEGATIVE_ONLY = "Negative prompt: blurry\nSteps: 30, Sampler: Euler, CFG scale: 6.5, Seed: 1, Size: 512x768"


def test_an_image_with_an_empty_prompt_is_read_as_a1111_reads_it(run_cli, tmp_path):  # noqa: F811
    """Issue 26, point 11: A1111 reads prompt '' with the negative prompt and the settings; we said the image
    'carries no generation parameters'. A refine writes the prompt from the instruction, keeping the rest."""
    image = tmp_path / "negative-only.png"
    image.write_bytes(_png_with(NEGATIVE_ONLY))
    read = run_cli("refine", "--from-image", str(image), "--family", "sd15", "--json")
    assert read.returncode == 0, read.stderr
    data = json.loads(read.stdout)
    assert (data["kind"], data["prompt"], data["negative_prompt"]) == ("image", "", "blurry")
    assert data["params"] == {"steps": 30, "sampler_name": "Euler", "cfg_scale": 6.5, "width": 512, "height": 768}
    assert data["extra"] == {"Seed": "1"} and any("prompt is empty" in w for w in data["warnings"])
    answer = json.dumps({"prompt": "a red fox in the snow", "negative_prompt": "blurry", "params": {}, "notes": ""})
    server, env = server_and_env("openai", answer=answer)
    with server:
        refined = run_cli("refine", "--from-image", str(image), "--family", "sd15", "a red fox in the snow",
                          "--json", env=env)
    assert refined.returncode == 0, refined.stderr
    data = json.loads(refined.stdout)
    assert (data["kind"], data["prompt"], data["negative_prompt"]) == ("refine", "a red fox in the snow", "blurry")
    assert data["params"]["steps"] == 30 and data["extra"] == {"Seed": "1"}
    asked = server.requests[-1].json["messages"][-1]["content"]
    assert asked.startswith("Current prompt: \nCurrent negative prompt: blurry\n")
    darker = run_cli("refine", "--from-image", str(image), "--family", "sd15", "--chip", "darker", "--json")
    assert darker.returncode == 0 and json.loads(darker.stdout)["prompt"].startswith("dark, low key lighting")
    square = run_cli("refine", "--from-image", str(image), "--family", "sd15", "--chip", "square")
    assert square.returncode == 2 and "error: prompt: is empty and the edit writes none" in square.stderr


def test_api_an_images_empty_prompt_is_read_and_refined(client, wire):
    """Issue 26, point 11, through the API: the image alone, then a refine of its empty prompt."""
    alone = client.post("/sdpa/v1/refine", json={"from_image": base64.b64encode(_png_with(NEGATIVE_ONLY)).decode(),
                                                 "session": "e"})
    assert alone.status_code == 200, alone.text
    image = alone.json()
    assert (image["kind"], image["prompt"], image["negative_prompt"]) == ("image", "", "blurry")
    refined = client.post("/sdpa/v1/refine", json={"prompt": "", "negative_prompt": "blurry", "params": image["params"],
                                                   "instruction": "a neon sign at night in the rain", "session": "e"})
    assert refined.status_code == 200, refined.text
    assert refined.json()["prompt"].startswith("a neon sign") and refined.json()["extra"] == {"Seed": "1"}


def test_when_the_hosts_parser_fails_ours_reads_the_image_and_says_so(service):
    """Issue 26, point 1: Forge's parse_generation_parameters raises TypeError on any image with a `Model:` field
    when no checkpoint is selected (its reader looks the model up); the panel showed a bare "Error". Our reader
    reads it instead, and the version says which read it and why. (Forge itself was not run here: its failure is
    stood in by a parser that raises its TypeError.)"""
    def forge_parse(text, skip_fields):
        raise TypeError("argument of type 'NoneType' is not iterable")

    from PIL import Image as PILImage

    read = infotext_reader(forge_parse, lambda image: (image.info.get("parameters"), {}),
                           lambda data: PILImage.open(io.BytesIO(data)))
    version = service.assistant.from_image(PNG, ctx=HostContext(read_image=read))
    assert version.prompt == CASE["Prompt"] and version.negative_prompt == CASE["Negative prompt"]
    assert version.params["steps"] == int(CASE["Steps"])
    assert "the WebUI's reader failed on the image (TypeError: argument of type 'NoneType' is not iterable)" in \
        version.warnings[0] and "by our reader" in version.notes


def test_a_refine_keeps_the_settings_an_image_came_with(service):
    """Issue 26, point 2: after reading an old image (steps 30, CFG 6.5), "make it night" in the Prompt Assistant
    tab gave steps 25 and CFG 7, unannounced: the tab's panel has no settings fields and passed none. A refine that
    brings no settings goes on from the session's current version's."""
    from sdpa_ext.types import PromptVersion

    image = service.from_image(PNG, session="tab")
    assert (image.params["steps"], image.params["cfg_scale"]) == (int(CASE["Steps"]), float(CASE["CFG scale"]))
    night = service.refine(PromptVersion(prompt=image.prompt, negative_prompt=image.negative_prompt), chip="darker",
                           session="tab")
    assert night.params == image.params and night.extra == image.extra
    typed = service.refine(PromptVersion(prompt=night.prompt + ", snow", negative_prompt=night.negative_prompt),
                           chip="darker", session="tab")  # typed into the box since: still the image's settings
    assert typed.params == image.params
