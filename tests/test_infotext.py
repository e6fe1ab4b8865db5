"""Reading an image's generation parameters: 60 infotexts in A1111's format read back exactly, the same fields
A1111 v1.10.1's own parse_generation_parameters reads (tests/data/a1111_infotext.json, made by
tests/golden/make_a1111_infotext.py), images A1111 saved, and images made here in every container form."""

from __future__ import annotations

import base64
import io
import json
import random
import struct
import zlib
from pathlib import Path

import pytest

from sdpa_ext.images.infotext import Infotext, parse, read_image
from sdpa_ext.images.metadata import parameters, user_comment

from .golden.infotexts import a1111_text, cases, expected_settings

GOLDEN = json.loads((Path(__file__).parent / "data" / "a1111_infotext.json").read_text(encoding="utf-8"))
# What A1111's reader adds on its own when the text lacks a key (its UI's defaults), with the value it adds.
A1111_DEFAULTS = {"Clip skip": "1", "Hires resize-1": 0, "Hires resize-2": 0, "Hires sampler": "Use same sampler",
                  "Hires schedule type": "Use same scheduler", "Hires checkpoint": "Use same checkpoint",
                  "Hires prompt": "", "Hires negative prompt": "", "Mask mode": "Inpaint masked",
                  "Masked content": "original", "Inpaint area": "Whole picture", "Masked area padding": 32,
                  "RNG": "GPU", "Schedule type": "Automatic", "Schedule max sigma": 0, "Schedule min sigma": 0,
                  "Schedule rho": 0, "VAE Encoder": "Full", "VAE Decoder": "Full", "FP8 weight": "Disable",
                  "Emphasis": "Original", "Refiner switch by sampling steps": False,
                  "Downcast alphas_cumprod": True, "Old prompt editing timelines": True, "Pad conds v0": True}
TEXT = GOLDEN["cases"][0]["text"]


def test_sixty_infotexts_in_a1111s_format_read_back_exactly():
    made = cases()
    assert len(made) == len(GOLDEN["cases"]) == 60
    features = {"lora": 0, "BREAK": 0, "weight": 0, "quote": 0, "newline": 0, "no negative": 0, "quoted value": 0}
    for case, golden in zip(made, GOLDEN["cases"], strict=True):
        text = a1111_text(case)
        assert text == golden["text"]  # our maker writes what A1111's quote and join wrote
        read = parse(text)
        assert (read.prompt, read.negative_prompt, read.settings) == (
            case["prompt"], case["negative"], expected_settings(case)), text
        features["lora"] += "<lora:" in case["prompt"]
        features["BREAK"] += "BREAK" in case["prompt"]
        features["weight"] += ":1." in case["prompt"] or "((" in case["prompt"]
        features["quote"] += '"' in case["prompt"] + case["negative"]
        features["newline"] += "\n" in case["prompt"] + case["negative"]
        features["no negative"] += not case["negative"]
        features["quoted value"] += any(c in v for v in case["settings"].values() for c in ",:\n")
    assert min(features.values()) >= 3, features  # every form is exercised more than once


def test_the_fields_are_the_ones_a1111s_own_reader_gives():
    for golden in GOLDEN["cases"]:
        theirs = dict(golden["parsed"])
        read = parse(golden["text"])
        assert (read.prompt, read.negative_prompt) == (theirs.pop("Prompt"), theirs.pop("Negative prompt"))
        for key, value in read.settings.items():
            assert theirs.pop(key) == value, (key, golden["text"])
        left = {key: value for key, value in theirs.items() if A1111_DEFAULTS.get(key, object()) != value}
        assert left == {}, golden["text"]  # all A1111 read from the text, we read; the rest are its defaults


@pytest.mark.parametrize("image", GOLDEN["images"], ids=lambda image: image["name"])
def test_images_a1111_saved_read_as_a1111_reads_them(image):
    assert parameters(base64.b64decode(image["data"])) == image["read"]


def _png(*chunks: tuple[bytes, bytes]) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in (*chunks, (b"IEND", b"")):
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return out


IHDR = (b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))


def test_every_png_text_chunk_form():
    latin = ("café au lait\n" + TEXT.split("\n", 1)[1]).encode("latin-1")
    unicode_text = "猫\n" + TEXT.split("\n", 1)[1]
    forms = {
        "tEXt": (b"tEXt", b"parameters\x00" + latin),
        "zTXt": (b"zTXt", b"parameters\x00\x00" + zlib.compress(latin)),
        "iTXt": (b"iTXt", b"parameters\x00\x00\x00en\x00\x00" + unicode_text.encode()),
        "iTXt compressed": (b"iTXt", b"parameters\x00\x01\x00\x00\x00" + zlib.compress(unicode_text.encode())),
    }
    for name, chunk in forms.items():
        expected = unicode_text if name.startswith("iTXt") else latin.decode("latin-1")
        assert parameters(_png(IHDR, (b"tEXt", b"Software\x00x"), chunk)) == expected, name
    assert parameters(_png(IHDR, (b"tEXt", b"Comment\x00not ours"))) is None


def _exif(comment: bytes, order: str = ">") -> bytes:
    """A TIFF block with IFD0 -> Exif IFD -> UserComment, in either byte order (as piexif or Pillow write it)."""
    mark = b"MM\x00*" if order == ">" else b"II*\x00"
    ifd0 = struct.pack(order + "H", 1) + struct.pack(order + "HHII", 0x8769, 4, 1, 26) + b"\x00" * 4
    if len(comment) <= 4:  # the value sits in the entry itself
        entry = struct.pack(order + "HHI", 0x9286, 7, len(comment)) + comment.ljust(4, b"\x00")
        return mark + struct.pack(order + "I", 8) + ifd0 + struct.pack(order + "H", 1) + entry + b"\x00" * 4
    exif_ifd = struct.pack(order + "H", 1) + struct.pack(order + "HHII", 0x9286, 7, len(comment), 44) + b"\x00" * 4
    return mark + struct.pack(order + "I", 8) + ifd0 + exif_ifd + comment


def test_exif_user_comments_in_every_encoding_and_byte_order():
    assert user_comment(_exif(b"UNICODE\x00" + TEXT.encode("utf-16-be"))) == TEXT
    assert user_comment(_exif(b"ASCII\x00\x00\x00" + b"a cat, Steps: 20", "<")) == "a cat, Steps: 20"
    assert user_comment(_exif(b"\x00" * 8 + "naïve".encode())) == "naïve"  # no encoding named: UTF-8, as A1111
    assert user_comment(_exif(b"abc")) == "abc"  # short enough to sit in the entry itself
    assert user_comment(b"Exif\x00\x00" + _exif(b"UNICODE\x00" + "x".encode("utf-16-be"))) == "x"
    assert user_comment(b"not tiff at all") is None


def test_an_exif_comment_wins_over_the_png_text_and_a_jpeg_comment_counts_only_without_exif():
    exif = _exif(b"UNICODE\x00" + "from exif".encode("utf-16-be"))
    assert parameters(_png(IHDR, (b"tEXt", b"parameters\x00from text"), (b"eXIf", exif))) == "from exif"
    soi, eoi = b"\xff\xd8", b"\xff\xd9"

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    assert parameters(soi + segment(0xFE, b"a comment") + eoi) == "a comment"
    assert parameters(soi + segment(0xE1, b"Exif\x00\x00" + exif) + segment(0xFE, b"a comment") + eoi) == "from exif"


def test_images_pillow_writes_are_read():
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", TEXT)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info)
    assert parameters(buffer.getvalue()) == TEXT
    for kind in ("JPEG", "WEBP"):
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9286] = b"UNICODE\x00" + TEXT.encode("utf-16-be")
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, kind, exif=exif)
        assert parameters(buffer.getvalue()) == TEXT, kind


def test_damaged_and_foreign_files_give_none_and_never_raise():
    assert parameters(b"") is None and parameters(b"GIF89a....") is None and parameters(b"%PDF-1.7") is None
    rand = random.Random(19)
    for image in GOLDEN["images"]:
        data = base64.b64decode(image["data"])
        for _ in range(150):
            broken = bytearray(data[:rand.randrange(len(data))])
            for _ in range(rand.randint(0, 4)):
                if broken:
                    broken[rand.randrange(len(broken))] = rand.randrange(256)
            found = parameters(bytes(broken))
            assert found is None or isinstance(found, str)
    huge = _png(IHDR, (b"zTXt", b"parameters\x00\x00" + zlib.compress(b"a" * 5_000_000)))
    assert len(parameters(huge)) == 1_000_000  # a compressed bomb is cut at Pillow's limit


def test_settings_become_our_params_and_the_rest_is_kept():
    read = parse(GOLDEN["cases"][2]["text"])
    assert read.params() == {"steps": 20, "cfg_scale": 5.0, "sampler_name": "DPM++ SDE", "scheduler": "Automatic",
                             "width": 1024, "height": 1024}
    assert read.extra() == {"Seed": "7", "Model hash": "31e35c80fc", "Model": "sd_xl_base_1.0",
                            "Lora hashes": "add_detail: 7c6bad76eb54, film_grain: 0a1b2c3d4e5f", "Version": "v1.10.1"}
    flux = parse(GOLDEN["cases"][3]["text"])
    assert flux.prompt == "" and flux.params()["distilled_cfg_scale"] == 3.5
    odd = Infotext("x", settings={"Steps": "many", "CFG scale": "7"})
    assert odd.params() == {"cfg_scale": 7.0} and odd.extra() == {"Steps": "many"}


def test_a_short_last_line_is_text_and_old_hypernet_fields_join_the_prompt():
    assert parse("a cat\nSteps: 20, Sampler: Euler").prompt == "a cat\nSteps: 20, Sampler: Euler"
    assert read_image(b"") is None
    old = parse("a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Hypernet: anime, Hypernet strength: 0.5")
    assert old.prompt == "a cat<hypernet:anime:0.5>"


def test_a_long_settings_line_is_read_in_one_pass_and_cut_to_its_limit(monkeypatch):
    """Issue 25, finding 1: the hosts' `Key: value` pattern, retried at every start, costs the square of a line
    with no colon (40,000 characters stalled the server 5 s). The line is cut to MAX_LINE first, and the pairs
    are found in one pass: the character checks stay within twice the line, whatever its shape."""
    from sdpa_ext.images import infotext

    class Counting:
        def __init__(self, pattern):
            self.pattern, self.calls = pattern, 0

        def match(self, text, pos):
            self.calls += 1
            return self.pattern.match(text, pos)

    counter = Counting(infotext.KEY_CHARS)
    monkeypatch.setattr(infotext, "KEY_CHARS", counter)
    for line in ("a" * 9_000, "a b " * 2_000 + "Steps: 20", "word " * 1_900 + ", x: 1"):
        counter.calls = 0
        infotext.pairs(line)
        assert counter.calls <= 2 * len(line) + 2, (line[:20], counter.calls)
    read = parse("a cat\n" + "x" * 48_000 + ", Steps: 20, Sampler: Euler, CFG scale: 7")
    assert counter.calls <= 2 * infotext.MAX_LINE + 2 and read.settings == {}  # cut first: the pairs lay beyond
    assert infotext.pairs('Steps: 20, Lora hashes: "a: 1, b: 2", x y: z') == [
        ("Steps", "20"), ("Lora hashes", '"a: 1, b: 2"'), ("x y", "z")]


def test_only_the_parameters_chunk_is_inflated_and_kept(monkeypatch):
    """Issue 25, finding 2: every compressed text chunk was inflated and kept (a 0.5 MB PNG cost 481 MB). Now a
    chunk is read only when its keyword is `parameters`: a comment or any other text is never inflated."""
    from sdpa_ext.images import metadata

    inflated = []
    real = metadata._inflate
    monkeypatch.setattr(metadata, "_inflate", lambda data: inflated.append(len(data)) or real(data))
    bomb = zlib.compress(b"x" * 900_000)
    chunks = [(b"zTXt", f"junk{i}".encode() + b"\x00\x00" + bomb) for i in range(40)]
    text = TEXT.encode("latin-1")
    png = _png(IHDR, *chunks, (b"iTXt", b"Comment\x00\x01\x00\x00\x00" + bomb),
               (b"zTXt", b"parameters\x00\x00" + zlib.compress(text)))
    assert parameters(png) == TEXT
    assert inflated == [len(zlib.compress(text))]


def test_what_send_to_writes_the_hosts_read_back():
    """"Send to txt2img" inside the WebUI pastes an infotext (infotext.write): every setting of a version and an
    image reads back as written, the checkpoint's fields are left to the WebUI, a split `WxH` is whole again."""
    from sdpa_ext.images.infotext import write

    params = {"steps": 30, "cfg_scale": 6.5, "sampler_name": "DPM++ SDE", "scheduler": "Exponential", "width": 512,
              "height": 768}
    extra = {"Seed": "1234567", "Model": "v1-5", "Model hash": "6ce0161689", "Lora hashes": "fox: 1a2b, owl: 3c4d",
             "Hires resize-1": "1024", "Hires resize-2": "1536"}
    text = write("a fox, (snow:1.2)\nsecond line", "blurry, lowres", params, extra)
    read = parse(text)
    assert (read.prompt, read.negative_prompt) == ("a fox, (snow:1.2)\nsecond line", "blurry, lowres")
    assert read.params() == params
    assert read.extra() == {"Seed": "1234567", "Lora hashes": "fox: 1a2b, owl: 3c4d", "Hires resize-1": "1024",
                            "Hires resize-2": "1536"}
    assert parse(write("a fox", "", {"steps": 30})).prompt == "a fox"  # fewer than three: no settings line
