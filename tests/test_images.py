"""A prompt from an image and a look at a generated one: images read, downscaled and stripped
(sdpa_ext/images/pictures.py), each vendor's image format over the wire doubles, models that cannot see named
plainly, and the CLI with a real PNG. Every image here is drawn by the test with Pillow."""

from __future__ import annotations

import base64
import io
import json
import re
import zlib

import pytest
import requests
from PIL import Image as PILImage
from PIL import ImageDraw, PngImagePlugin

from sdpa_ext.assistant import Assistant
from sdpa_ext.errors import ConfigError
from sdpa_ext.images.pictures import load
from sdpa_ext.images.vision import sees

from .test_cli import run_cli  # noqa: F401  (a fixture)
from .test_providers import CHAT_PATH, PROVIDERS, server_and_env

SECRET = "a prompt in the infotext, <lora:private:1>"
ANSWER = json.dumps({"prompt": "yellow sun, blue sky, flat illustration", "negative_prompt": "blurry",
                     "params": {}, "notes": "a sun in a blue sky"})


def _png(size: tuple[int, int] = (1600, 1200), mode: str = "RGB") -> bytes:
    """A drawn scene (a yellow sun on a blue sky) with an A1111 `parameters` chunk that must never leave."""
    picture = PILImage.new("RGB", size, (40, 90, 160))
    ImageDraw.Draw(picture).ellipse((size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2), fill=(255, 220, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", SECRET)
    out = io.BytesIO()
    picture.convert(mode).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _sent(data: str) -> PILImage.Image:
    picture = PILImage.open(io.BytesIO(base64.b64decode(data)))
    picture.load()
    return picture


def test_an_image_is_downscaled_re_encoded_and_stripped_of_metadata():
    image = load(_png())
    picture = _sent(image.data)
    assert (image.width, image.height) == (1024, 768) == picture.size and image.media_type == "image/jpeg"
    assert picture.format == "JPEG" and not picture.info.get("exif") and "parameters" not in picture.info
    assert b"private" not in base64.b64decode(image.data)
    assert load(_png((300, 200), "RGBA")).width == 300  # small ones keep their size; alpha flattened


def _bytes(picture: PILImage.Image, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    picture.save(out, format=fmt, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"not an image at all", "not an image"),
    (_png()[:200], "not an image"),  # a corrupt (cut) PNG
    (_bytes(PILImage.new("RGB", (64, 64)), "GIF", save_all=True,
            append_images=[PILImage.new("RGB", (64, 64), (255, 0, 0))]), "animated"),
    (_bytes(PILImage.new("RGB", (4, 4)), "PNG"), "at least 8x8"),
])
def test_bad_images_get_a_clear_error_naming_the_field(data, message):
    with pytest.raises(ConfigError, match=message) as caught:
        load(data, field="image")
    assert str(caught.value).startswith("image")


def test_a_cmyk_jpeg_is_converted():
    image = load(_bytes(PILImage.new("CMYK", (100, 80), (0, 255, 255, 0)), "JPEG"))
    assert _sent(image.data).mode == "RGB" and (image.width, image.height) == (100, 80)


VISION = {"claude": {}, "gemini": {}, "openai": {}, "ollama": {"OLLAMA_MODEL": "qwen2.5vl:3b"}}


def _images_sent(provider: str, body: dict) -> list[tuple[str, str]]:
    """(media type, base64) of every image in a request body, read the vendor's way."""
    if provider == "claude":
        return [(b["source"]["media_type"], b["source"]["data"]) for m in body["messages"]
                for b in (m["content"] if isinstance(m["content"], list) else []) if b.get("type") == "image"]
    if provider == "gemini":
        return [(p["inline_data"]["mime_type"], p["inline_data"]["data"]) for c in body["contents"]
                for p in c["parts"] if "inline_data" in p]
    if provider == "ollama":
        return [("image/jpeg", i) for m in body["messages"] for i in m.get("images", [])]
    return [tuple(b["image_url"]["url"].removeprefix("data:").split(";base64,")) for m in body["messages"]
            for b in (m["content"] if isinstance(m["content"], list) else []) if b.get("type") == "image_url"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_vendor_gets_the_image_in_its_own_format(make_settings, provider):
    extra = {"installed": [{"name": "qwen2.5vl:3b", "size": 3_200_000_000}]} if provider == "ollama" else {}
    server, env = server_and_env(provider, answer=ANSWER, **extra)
    with server:
        version = Assistant(make_settings({**env, **VISION[provider]})).describe_image(load(_png()), family="sdxl")
        body = next(r for r in server.requests if CHAT_PATH[provider] in r.path).json
    sent = _images_sent(provider, body)
    assert len(sent) == 1 and sent[0][0] == "image/jpeg"
    assert _sent(sent[0][1]).size == (1024, 768) and SECRET not in json.dumps(body)
    assert version.prompt == "yellow sun, blue sky, flat illustration" and version.kind == "plan"
    assert version.warnings[0].startswith("image sent as 1024x768 JPEG") and "of the call)" in version.warnings[0]


def test_a_model_that_cannot_see_is_named_with_one_that_can(make_settings):
    with pytest.raises(ConfigError, match=r"cannot see images.*qwen2\.5vl:3b"):
        Assistant(make_settings({"LLM_PROVIDER": "ollama", "OLLAMA_MODEL": "llama3.2:3b"})).describe_image(
            load(_png()))
    with pytest.raises(ConfigError, match="embedded model reads text only"):
        Assistant(make_settings({"LLM_PROVIDER": "local"})).describe_image(load(_png()))
    assert sees("ollama", "llava:7b") and sees("claude", "claude-haiku-4-5") and not sees("ollama", "gemma3:1b")
    assert sees("openai", "o3") and sees("openai", "o4-mini") and sees("openai", "openai/o1")
    assert not any(sees("openai", m) for m in ("o1-mini", "o3-mini", "openai/o3-mini", "o1-preview"))  # text only


def test_a_look_at_the_generated_image_lists_what_matches_and_at_most_three_refines(make_settings):
    answer = json.dumps({"matches": ["the sun", "the blue sky"], "mismatches": ["no cabin"],
                         "refines": ["add a cabin", "make it snowy", "add pine trees", "a fourth one"]})
    server, env = server_and_env("openai", answer=answer)
    with server:
        found = Assistant(make_settings(env)).check_image(load(_png()), "a cabin under the sun", "cabin, sun, sky")
        body = next(r for r in server.requests if "/chat/completions" in r.path).json
    assert found.mismatches == ["no cabin"] and found.refines == ["add a cabin", "make it snowy", "add pine trees"]
    assert "a cabin under the sun" in json.dumps(body) and len(_images_sent("openai", body)) == 1


def test_the_cli_describes_a_png(run_cli, tmp_path):  # noqa: F811
    path = tmp_path / "scene.png"
    path.write_bytes(_png())
    server, env = server_and_env("gemini", answer=ANSWER)
    with server:
        result = run_cli("describe", str(path), "--family", "sdxl", "--json", env=env)
        missing = run_cli("describe", str(tmp_path / "nope.png"), env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["prompt"] == "yellow sun, blue sky, flat illustration"
    assert missing.returncode == 2 and "no such file" in missing.stderr


def _vision_answer(body: dict) -> str:
    """A prompt for a describe, what matches for a check (told apart by the request's own words)."""
    if "matches" in json.dumps(body):
        return json.dumps({"matches": ["the sun"], "mismatches": ["no cabin"], "refines": ["add a cabin"]})
    return ANSWER


def test_the_api_describes_and_checks_a_png_and_refuses_what_is_not_one(tmp_path):
    from .support import stop
    from .test_security import start_serve

    server, env = server_and_env("openai", answer=_vision_answer)
    with server:
        process, url = start_serve(tmp_path, "".join(f"{k}={v}\n" for k, v in env.items()))
        try:
            picture = base64.b64encode(_png()).decode()
            described = requests.post(url + "/sdpa/v1/describe", json={"image": picture, "family": "sdxl"},
                                      timeout=60)
            checked = requests.post(url + "/sdpa/v1/check", timeout=60, json={
                "image": "data:image/png;base64," + picture, "description": "a cabin", "prompt": "cabin, sun"})
            sent = [b for r in server.requests if "/chat/completions" in r.path
                    for b in _images_sent("openai", r.json)]
            before = requests.get(url + "/sdpa/v1/history", timeout=30).json()["versions"]
            refused = {name: requests.post(url + "/sdpa/v1/describe", json=body, timeout=60) for name, body in {
                "not base64": {"image": "%%%"},
                "not an image": {"image": base64.b64encode(b"hello, not a picture").decode()},
                "no image": {"family": "sdxl"},
                "unknown field": {"image": picture, "width": 512},
            }.items()}
            url_named = requests.post(url + "/sdpa/v1/describe", json={"image": "http://example.com/a.png"},
                                      timeout=60)
            huge = requests.post(url + "/sdpa/v1/describe", data=b'{"image": "' + b"A" * 23_000_000 + b'"}',
                                 headers={"Content-Type": "application/json"}, timeout=60)
            after = requests.get(url + "/sdpa/v1/history", timeout=30).json()["versions"]
        finally:
            stop(process)
    assert described.status_code == 200, described.text
    assert described.json()["prompt"] == "yellow sun, blue sky, flat illustration"
    assert checked.status_code == 200 and checked.json()["mismatches"] == ["no cabin"], checked.text
    assert len(sent) == 2 and all(_sent(data).size == (1024, 768) for _, data in sent)
    assert not any(SECRET in json.dumps(r.json) for r in server.requests if r.json)
    for name, answer in refused.items():
        field = answer.json()["detail"][0]["loc"][1]
        assert answer.status_code == 422 and field in ("image", "width"), (name, answer.text)
    assert url_named.status_code == 422 and "not base64" in url_named.text  # a URL is never fetched
    assert huge.status_code == 413
    assert after == before  # nothing recorded by what was refused


def test_in_the_webui_its_interrogator_stands_in_for_a_model_that_cannot_see(make_settings):
    from sdpa_ext.types import HostContext

    asked = []

    def interrogate(data: bytes, tags: bool) -> tuple[str, str]:
        asked.append((PILImage.open(io.BytesIO(data)).size, tags))
        return "a yellow sun in a blue sky", "CLIP"

    def broken(data: bytes, tags: bool) -> tuple[str, str]:
        raise OSError("BLIP weights not found")

    def failing(data: bytes, tags: bool) -> tuple[str, str]:
        return "<error>", "CLIP"  # A1111's interrogator answers this when its models fail to load

    server, env = server_and_env("ollama", answer=ANSWER)
    with server:
        assistant = Assistant(make_settings({**env, "OLLAMA_MODEL": "llama3.2:3b"}))
        version = assistant.describe_image(load(_png()), ctx=HostContext(interrogate=interrogate), family="sdxl")
        body = next(r for r in server.requests if "/api/chat" in r.path).json
        with pytest.raises(ConfigError, match=r"interrogator failed.*BLIP weights not found"):
            assistant.describe_image(load(_png()), ctx=HostContext(interrogate=broken), family="sdxl")
        with pytest.raises(ConfigError, match=r"CLIP interrogator failed"):
            assistant.describe_image(load(_png()), ctx=HostContext(interrogate=failing), family="sdxl")
    assert asked == [((1024, 768), False)]  # the downscaled picture, and a caption (not tags) for SDXL
    assert "a yellow sun in a blue sky" in json.dumps(body) and not _images_sent("ollama", body)
    assert version.prompt == "yellow sun, blue sky, flat illustration"
    assert "CLIP interrogator stood in" in version.warnings[0] and "CLIP" in version.source


def test_the_hosts_interrogator_is_announced_first_and_carries_none_of_our_errors(make_settings):
    """Issue 26, point 3: with a model that cannot see, the WebUI's console printed `*** Error interrogating` with a
    traceback whose first frames were ours (the interrogator ran inside our `except ConfigError`, so its error
    carried ours as its context), and BLIP started downloading before we said anything. Now the Live answer says
    first that the interrogator stands in, and the interrogator runs outside any error of ours."""
    import sys

    from sdpa_ext.types import HostContext

    said, seen = [], []

    def interrogate(data: bytes, tags: bool) -> tuple[str, str]:
        seen.append((list(said), sys.exc_info()[1]))
        return "a yellow sun in a blue sky", "CLIP"

    server, env = server_and_env("ollama", answer=ANSWER)
    with server:
        Assistant(make_settings({**env, "OLLAMA_MODEL": "llama3.2:3b"})).describe_image(
            load(_png()), ctx=HostContext(interrogate=interrogate), family="sdxl", on_delta=said.append)
    (before, handling), = seen
    assert handling is None  # no exception of ours is being handled while the host's code runs
    assert before and "cannot see images: the WebUI's CLIP interrogator stands in" in before[0]


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its (tiny) data does not hold: what a bomb looks like before decoding."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + \
        chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(7000, 7000), (6300, 6400), (4_999_000, 8), (8, 20_000)])
def test_a_picture_over_the_limits_is_refused_from_its_header_before_it_is_decoded(monkeypatch, width, height):
    """Issue 25, finding 4: 40-80 Mpx pictures were decoded before the refusal, and a 4,999,000 x 8 sliver was sent
    on. The header says the size; nothing is decoded."""
    from PIL import ImageFile

    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.size))
    with pytest.raises(ConfigError, match="pixels or 16,384 on a side"):
        load(_png_header(width, height))
    assert decoded == []


def test_pillows_limits_are_passed_per_call_and_never_changed(monkeypatch):
    """Issue 25, finding 16: MAX_IMAGE_PIXELS was set and restored per call, process-wide (the host's Pillow
    too), and Image.open tried every plugin. Now open is given our formats and the global is never touched."""
    seen = []
    real = PILImage.open
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 123_456_789)
    monkeypatch.setattr(PILImage, "open", lambda fp, mode="r", formats=None: seen.append(
        (PILImage.MAX_IMAGE_PIXELS, formats)) or real(fp, mode, formats))
    load(_png())
    assert seen == [(123_456_789, ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF"))]
    assert PILImage.MAX_IMAGE_PIXELS == 123_456_789


@pytest.mark.parametrize("kind", ["JPEG COM", "PNG comment", "PNG Comment iTXt", "GIF comment"])
def test_no_comment_leaves_the_machine(kind):
    """Issue 25, finding 5: Pillow carries info['comment'] through convert and resize, and JPEG save wrote it: a
    JPEG COM segment, a PNG comment and a GIF comment reached the provider. What is sent is pixels only."""
    picture, out = PILImage.new("RGB", (64, 48), (30, 120, 200)), io.BytesIO()
    if kind == "JPEG COM":
        picture.save(out, "JPEG", comment=b"SECRET-NOTE")
    elif kind == "GIF comment":
        picture.save(out, "GIF", comment=b"SECRET-NOTE")
    else:
        info = PngImagePlugin.PngInfo()
        info.add_itxt("Comment", "SECRET-NOTE") if "iTXt" in kind else info.add_text("comment", "SECRET-NOTE")
        picture.save(out, "PNG", pnginfo=info)
    sent = base64.b64decode(load(out.getvalue()).data)
    assert b"SECRET" not in sent and sent[:2] == b"\xff\xd8"


def test_a_jpeg_that_repeats_its_scans_is_refused_before_it_is_decoded(monkeypatch):
    """Issue 25, finding 3: a progressive JPEG that repeats a scan was decoded in full (230 KB: 4.7 s of CPU, and
    sent on). Its scans are counted from its markers first: over MAX_SCANS, nothing is decoded."""
    from PIL import ImageFile

    from sdpa_ext.images.bounds import MAX_SCANS, jpeg_parts

    out = io.BytesIO()
    PILImage.effect_noise((400, 300), 60).convert("RGB").save(out, "JPEG", progressive=True, quality=90)
    plain = out.getvalue()
    first, end = plain.index(b"\xff\xda"), plain.rindex(b"\xff\xd9")
    repeated = plain[:end] + plain[first:end] * 10 + plain[end:]
    assert 1 < jpeg_parts(plain)[1] <= MAX_SCANS < jpeg_parts(repeated)[1]
    load(plain)  # a plain progressive JPEG is read as before
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.size))
    with pytest.raises(ConfigError, match="scans"):
        load(repeated)
    assert decoded == []


MARK = b"SECRET-META"


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def _exif_with_gps() -> bytes:
    exif = PILImage.Exif()
    exif[0x010E] = MARK.decode()  # ImageDescription
    exif[0x9286] = b"ASCII\0\0\0" + MARK  # UserComment (A1111's parameters in a JPEG)
    exif.get_ifd(0x8825)[2] = (12.0, 34.0, 56.0)  # GPSLatitude
    exif.get_ifd(0x8825)[1] = "N"
    return exif.tobytes()


def _every_metadata(fmt: str) -> bytes:
    """A picture in `fmt` carrying every metadata kind we know that the format holds, each with MARK in it:
    EXIF (GPS included), text chunks, comments, XMP, an ICC profile, Photoshop blocks."""
    picture, out = PILImage.new("RGB", (96, 64), (30, 120, 200)), io.BytesIO()
    icc = b"\0\0\1\0" + MARK * 8
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>' + MARK + b"</rdf:Description></x:xmpmeta>"
    if fmt == "JPEG":
        picture.save(out, "JPEG", exif=_exif_with_gps(), icc_profile=icc, comment=MARK)
        data = out.getvalue()
        extra = (_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp)
                 + _segment(0xED, b"Photoshop 3.0\0" + b"8BIM\x04\x04\0\0" + len(MARK).to_bytes(4, "big") + MARK))
        return data[:2] + extra + data[2:]
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("parameters", MARK.decode())
        info.add_text("Comment", MARK.decode(), zip=True)
        info.add_itxt("Description", MARK.decode(), zip=False)
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        picture.save(out, "PNG", pnginfo=info, exif=_exif_with_gps(), icc_profile=icc)
    elif fmt == "WEBP":
        picture.save(out, "WEBP", exif=_exif_with_gps(), icc_profile=icc, xmp=xmp)
    elif fmt == "TIFF":
        picture.save(out, "TIFF", exif=_exif_with_gps(), icc_profile=icc,
                     tiffinfo={270: MARK.decode(), 315: MARK.decode(), 700: xmp, 34377: MARK})
    elif fmt == "GIF":
        picture.save(out, "GIF", comment=MARK)
    else:
        picture.save(out, fmt)
    return out.getvalue()


def _jpeg_segments(data: bytes) -> set[int]:
    """The markers of a JPEG's segments before its first scan."""
    found, pos = set(), 2
    while pos + 4 <= len(data) and data[pos] == 0xFF and data[pos + 1] != 0xDA:
        found.add(data[pos + 1])
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return found


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "GIF", "BMP"])
def test_no_metadata_of_any_kind_reaches_the_wire(make_settings, fmt):
    """Issue 25: what is sent is made from pixels only. Each format we accept, carrying every metadata kind it
    holds (EXIF and its GPS, PNG text, zTXt and iTXt, comments, XMP, ICC, Photoshop blocks), goes through the
    API's /describe and /check to a provider on 127.0.0.1; on the wire is a JPEG with no segment but its own
    JFIF header, its tables and its frame, and none of the marked text."""
    from fastapi.testclient import TestClient

    from sdpa_ext.server.app import create_app
    from sdpa_ext.service import Service

    data = _every_metadata(fmt)
    carried = PILImage.open(io.BytesIO(data)).info
    assert fmt == "BMP" or {"exif", "icc_profile", "comment", "xmp", "parameters"} & set(carried), carried.keys()
    server, env = server_and_env("openai", answer=_vision_answer)
    with server:
        client = TestClient(create_app(Service(make_settings(env)), ui=False), base_url="http://127.0.0.1")
        picture = base64.b64encode(data).decode()
        assert client.post("/sdpa/v1/describe", json={"image": picture}).status_code == 200
        assert client.post("/sdpa/v1/check", json={"image": picture, "prompt": "a blue square"}).status_code == 200
        sent = [base64.b64decode(b) for r in server.requests if "/chat/completions" in r.path
                for _, b in _images_sent("openai", r.json)]
    assert len(sent) == 2
    for jpeg in sent:
        assert MARK not in jpeg and jpeg[:2] == b"\xff\xd8"
        assert _jpeg_segments(jpeg) <= {0xE0, 0xDB, 0xC0, 0xC4}, sorted(hex(m) for m in _jpeg_segments(jpeg))


def _follow(hint: str, key: str) -> dict[str, str]:
    """The settings the first suggestion of a printed hint names, as a user types them (their key for `<your
    key>`)."""
    first = re.split(r", or |\), ", hint.split("set ", 1)[1])[0]
    return {name: key if value == "<your" else value for name, value in re.findall(r"([A-Z_]+)=(\S+)", first)}


@pytest.mark.parametrize(("start", "dual", "provider"), [
    ({}, False, "gemini"),  # nothing configured: the embedded model
    ({"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "local"}, True, "gemini"),
    ({"LLM_PROVIDER": "ollama", "OLLAMA_MODEL": "llama3.2:3b"}, False, "ollama"),
    ({"LLM_PROVIDER": "openai", "OPENAI_MODEL": "gpt-3.5-turbo"}, False, "openai"),
])
def test_the_hint_for_a_model_that_cannot_see_works_when_followed(run_cli, tmp_path, start, dual, provider):  # noqa: F811
    """Issue 26, point 12: with nothing configured `describe` said to set PLANNING_LLM_PROVIDER=gemini, which the
    default single mode ignores, and named no key; with a text-only Ollama or OpenAI model it said to set
    PLANNING_LLM_MODEL, which nothing reads. Each hint, followed to the letter, now makes the next run see."""
    path = tmp_path / "scene.png"
    path.write_bytes(_png())
    extra = {"installed": [{"name": n, "size": 3_200_000_000} for n in ("llama3.2:3b", "qwen2.5vl:3b")]} \
        if provider == "ollama" else {}
    server, env = server_and_env(provider, answer=ANSWER, **extra)
    where = {k: v for k, v in env.items() if k.endswith(("_BASE_URL", "_HOST"))}  # where our doubles listen
    key = next((v for k, v in env.items() if k.endswith("_API_KEY")), "")
    where.update({"OPENAI_API_KEY": key} if provider == "openai" else {})  # the server's key, set already
    with server:
        refused = run_cli("describe", str(path), env={**where, **start})
        assert refused.returncode == 2 and "cannot see images" in refused.stderr, refused.stderr
        followed = {**start, **_follow(refused.stderr, key)}
        assert all(name.startswith("PLANNING_") == dual for name in followed if name.endswith(("_PROVIDER", "_MODEL"))
                   and name not in start), followed
        result = run_cli("describe", str(path), "--json", env={**where, **followed})
    assert result.returncode == 0, (followed, result.stderr)
    assert json.loads(result.stdout)["prompt"] == "yellow sun, blue sky, flat illustration"


def test_large_pictures_people_send_are_still_read():
    """The decode-memory bound (128 MB) and the structure walks refuse the worst files (tests/test_image_fuzz.py)
    but not what people send: a 24 Mpx camera JPEG (decoded at a quarter scale), a 4096 x 4096 PNG, a PNG of
    many small IDAT chunks, a JPEG with a few fill bytes."""
    camera = _bytes(PILImage.effect_noise((6000, 4000), 40).convert("RGB"), "JPEG", quality=85)
    assert (load(camera).width, load(camera).height) == (1024, 683)
    assert load(_bytes(PILImage.new("RGB", (4096, 4096), (20, 90, 160)), "PNG")).width == 1024
    png = _bytes(PILImage.effect_noise((512, 512), 60).convert("RGB"), "PNG")
    first = png.index(b"IDAT") - 4
    length = int.from_bytes(png[first:first + 4], "big")
    body = png[first + 8:first + 8 + length]
    chunks = b"".join(len(part).to_bytes(4, "big") + b"IDAT" + part + zlib.crc32(b"IDAT" + part).to_bytes(4, "big")
                      for part in (body[i:i + 100] for i in range(0, len(body), 100)))
    assert load(png[:first] + chunks + png[first + 12 + length:]).width == 512
    jpeg = _bytes(PILImage.new("RGB", (64, 64)), "JPEG")
    assert load(jpeg[:2] + b"\xff" * 50 + jpeg[2:]).width == 64


def test_at_most_two_pictures_are_read_at_once_and_a_wait_too_long_is_a_503(monkeypatch, make_settings):
    """Issue 25: a concurrency limit for the image routes. Eight pictures at once: never more than two decoded at
    a time (each may hold 128 MB); one that cannot get its turn is told to try again (503 with Retry-After),
    nothing is sent."""
    import threading
    import time

    from fastapi.testclient import TestClient
    from PIL import ImageFile

    from sdpa_ext.images import pictures
    from sdpa_ext.server.app import create_app
    from sdpa_ext.service import Service

    now, most, lock = [0], [0], threading.Lock()
    real = ImageFile.ImageFile.load

    def counted(self):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.05)
        try:
            return real(self)
        finally:
            with lock:
                now[0] -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
    drawn = [_bytes(PILImage.new("RGB", (300 + i, 200)), "PNG") for i in range(8)]
    threads = [threading.Thread(target=load, args=(p,)) for p in drawn]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 2
    monkeypatch.setattr(pictures, "WAIT_S", 0.1)
    server, env = server_and_env("openai", answer=_vision_answer)
    with server:
        client = TestClient(create_app(Service(make_settings(env)), ui=False), base_url="http://127.0.0.1")
        for _ in range(2):
            pictures.DECODING.acquire()
        try:
            busy = client.post("/sdpa/v1/describe", json={"image": base64.b64encode(drawn[0]).decode()})
        finally:
            for _ in range(2):
                pictures.DECODING.release()
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5" and "try again" in busy.text
        assert not [r for r in server.requests if "/chat/completions" in r.path]


def test_a_phone_photo_is_sent_the_way_it_is_shown(run_cli, tmp_path):  # noqa: F811
    """Issue 26, point 9: a JPEG with EXIF Orientation 6 (stored 1200x800 on its side, shown 800x1200) was sent as
    1024x683 on its side, and the request told the model that aspect. It is turned first: 683x1024, upright."""
    stored = PILImage.new("RGB", (1200, 800), (200, 30, 30))
    ImageDraw.Draw(stored).rectangle((0, 0, 599, 799), fill=(30, 30, 200))  # blue on the stored left: the top shown
    exif = PILImage.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    path.write_bytes(_bytes(stored, "JPEG", exif=exif.tobytes()))
    server, env = server_and_env("gemini", answer=ANSWER)
    with server:
        result = run_cli("describe", str(path), "--family", "sdxl", "--json", env=env)
        body = next(r for r in server.requests if "GenerateContent" in r.path).json
    assert result.returncode == 0, result.stderr
    sent = _sent(_images_sent("gemini", body)[0][1])
    assert sent.size == (683, 1024) and "683x1024" in json.dumps(json.loads(result.stdout)["warnings"])
    top, bottom = sent.getpixel((341, 100)), sent.getpixel((341, 900))
    assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]  # blue above, red below, as the phone shows it
