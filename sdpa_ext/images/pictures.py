"""Images for the models that see: read what the user gave (bytes, a path, a PIL image from the host), refuse
what is not a still image, and send a copy that is downscaled (long side at most 1024 px), converted to RGB
and re-encoded without any metadata (no EXIF, no PNG text chunks: an A1111 image's prompt stays home).

Pillow is imported only here, when an image is given: inside the WebUI it is the host's own Pillow."""

from __future__ import annotations

import base64
import contextlib
import io
import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Busy, ConfigError
from ..providers.types import Image
from .bounds import refusal

MAX_BYTES = 20_000_000  # what we read at most (a 20 MB PNG is already far bigger than anything we send)
MAX_PIXELS = 40_000_000  # a decompression bomb is refused from its header, before it is decoded
MAX_PICTURE_SIDE = 16_384  # and a sliver (4,999,000 x 8) too
MAX_DECODED = 128 * 2**20  # bytes a decode may hold at once: a request's budget is 200 MB over a plain one
DECODING = threading.BoundedSemaphore(2)  # decodes at once, whatever the routes or users: 2 x 128 MB at most
WAIT_S = 30.0  # how long a picture waits for its turn before the request is told to try again
LONG_SIDE = 1024
FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
ORIENTATION = 0x0112  # the EXIF tag, and the turn each value asks for (as Pillow's ImageOps.exif_transpose)
_TURNS = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}  # Image.Transpose: FLIP_LEFT_RIGHT 0 ... TRANSVERSE 6


def _pil() -> Any:
    try:
        from PIL import Image as PILImage
    except ImportError as err:  # standalone installs have it (Gradio needs it); say so if not
        raise ConfigError("image", hint="reading images needs Pillow: `python -m pip install pillow`") from err
    return PILImage


def load(source: bytes | str | Path | Any, *, field: str = "image") -> Image:
    """A still image from bytes, a file or a PIL image, ready to send; ConfigError naming `field` otherwise."""
    pil = _pil()
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise ConfigError(field, str(path), hint="no such file")
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(field, hint=f"is over {MAX_BYTES // 1_000_000} MB")
        source = path.read_bytes()
    if isinstance(source, bytes | bytearray):
        if len(source) > MAX_BYTES:
            raise ConfigError(field, hint=f"is over {MAX_BYTES // 1_000_000} MB")
        with _turn(field):  # decoded and encoded while it holds one of DECODING's places
            return _encode(pil, _open(pil, bytes(source), field), field)
    if isinstance(source, pil.Image):
        return _encode(pil, source, field)
    raise ConfigError(field, hint="expected an image file, its bytes or a picture")


@contextlib.contextmanager
def _turn(field: str) -> Iterator[None]:
    """One of DECODING's places for the block; Busy when none frees up within WAIT_S."""
    if not DECODING.acquire(timeout=WAIT_S):
        raise Busy(f"{field}: other pictures are being read; try again in a moment")
    try:
        yield
    finally:
        DECODING.release()


def _open(pil: Any, data: bytes, field: str) -> Any:
    """The picture, checked before it is decoded: its structure (bounds.py), then its size and what decoding
    it would hold in memory, from its header. A JPEG is decoded at the smallest scale at least as large as what is
    sent. Pillow's limits are passed per call (only our formats' plugins look at the bytes); its process-wide
    MAX_IMAGE_PIXELS, the host's too, is never changed."""
    if reason := refusal(data):
        raise ConfigError(field, hint=reason)
    try:
        picture = pil.open(io.BytesIO(data), formats=FORMATS)
        _sized(picture, field)
        _still(picture, field)  # counting frames reads every one: a damaged later frame raises what Pillow meets
        _within_memory(picture, field)
        picture.load()
    except ConfigError:
        raise
    except pil.DecompressionBombError as err:
        raise ConfigError(field, hint=f"has over {MAX_PIXELS:,} pixels") from err
    except Exception as err:  # UnidentifiedImageError, truncated or corrupt data: all one message
        raise ConfigError(field, hint="is not an image Pillow can read (corrupt or not an image; PNG, JPEG, "
                                      "WebP, GIF, BMP or TIFF)") from err
    return picture


def _within_memory(picture: Any, field: str) -> None:
    """Refuse a picture whose decoding would hold more than MAX_DECODED bytes at once; a JPEG is first set to
    decode at a reduced scale (`draft`), so only a progressive one's coefficients count at full size."""
    width, height = picture.size
    if picture.format == "JPEG":
        scale = LONG_SIDE / max(width, height)
        if scale < 1:
            picture.draft(picture.mode, (math.ceil(width * scale), math.ceil(height * scale)))
        need = 4 * picture.size[0] * picture.size[1]
        if "progressive" in picture.info or "progression" in picture.info:  # every coefficient is kept
            most_h, most_v = max(c[1] for c in picture.layer), max(c[2] for c in picture.layer)
            need += sum(2 * width * height * c[1] * c[2] // (most_h * most_v) for c in picture.layer)
    else:
        pixel = 1 if picture.mode in ("1", "L", "P") else 2 if picture.mode.startswith("I;16") else 4
        converted = 0 if picture.mode in ("RGB", "RGBA") else 4  # what _encode converts it to
        need = width * height * (pixel * (2 if picture.format == "WEBP" else 1) + converted)
    if need > MAX_DECODED:
        raise ConfigError(field, hint=f"is {width}x{height} px: decoding it would take {need / 2**20:,.0f} MB "
                                      f"(at most {MAX_DECODED // 2**20} MB); send a smaller copy")


def _sized(picture: Any, field: str) -> None:
    """A picture of at most MAX_PIXELS pixels and MAX_PICTURE_SIDE on a side, at least 8x8."""
    width, height = picture.size
    if width < 8 or height < 8:
        raise ConfigError(field, hint=f"is {width}x{height} px; give at least 8x8")
    if width * height > MAX_PIXELS or max(width, height) > MAX_PICTURE_SIDE:
        raise ConfigError(field, hint=f"is {width}x{height} px: over {MAX_PIXELS:,} pixels or {MAX_PICTURE_SIDE:,} "
                                      "on a side")


def _still(picture: Any, field: str) -> None:
    """A picture of one frame: an animated GIF, PNG or WebP and a TIFF of several pages are refused."""
    if getattr(picture, "n_frames", 1) > 1:
        raise ConfigError(field, hint="is animated; give one still frame (a PNG or JPEG)")


def _encode(pil: Any, picture: Any, field: str) -> Image:
    """The picture as a fresh RGB JPEG at most LONG_SIDE on its long side: converted, downscaled (a box reduction
    first, so a large one is never copied at full size), then flattened on white."""
    _still(picture, field)
    _sized(picture, field)
    turn = _TURNS.get(_orientation(picture))  # a phone's portrait photo, stored on its side
    alpha = "A" in picture.getbands() or "transparency" in picture.info
    rgb = picture if picture.mode in ("RGB", "RGBA") else picture.convert("RGBA" if alpha else "RGB")
    width, height = rgb.size
    scale = min(1.0, LONG_SIDE / max(width, height))
    if scale < 1.0:
        rgb = rgb.resize((max(1, round(width * scale)), max(1, round(height * scale))), pil.LANCZOS,
                         reducing_gap=2.0)
    if turn is not None:  # turned as it is shown, once small (EXIF goes with the rest of the metadata)
        rgb = rgb.transpose(turn)
    if rgb.mode == "RGBA":  # flattened on white: every vendor takes RGB, not all take alpha
        flat = pil.new("RGB", rgb.size, (255, 255, 255))
        flat.paste(rgb, mask=rgb.getchannel("A"))
        rgb = flat
    rgb = rgb.copy() if rgb is picture else rgb  # at most LONG_SIDE here; the given picture is never changed
    rgb.info = {}  # convert and resize carry `info` along: a JPEG or GIF comment, a PNG text would be written
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=90)  # a fresh image: no EXIF, no text chunks, no comment, no ICC profile
    return Image("image/jpeg", base64.b64encode(out.getvalue()).decode("ascii"), *rgb.size)


def _orientation(picture: Any) -> int:
    """The EXIF orientation (1: as stored); a damaged EXIF block counts as none."""
    try:
        return int(picture.getexif().get(ORIENTATION, 1))
    except Exception:  # any damage in the EXIF block: the picture as stored
        return 1


def picture_from_base64(text: str, *, field: str = "image") -> Image:
    """The picture to send, from an image given as base64 (a data URL's prefix is allowed): read, checked and
    re-encoded as `load` does."""
    body = text.split(",", 1)[1] if text.startswith("data:") and "," in text else text
    if len(body) > MAX_BYTES * 4 // 3 + 4:
        raise ConfigError(field, hint=f"is over {MAX_BYTES // 1_000_000} MB")
    try:
        data = base64.b64decode(body, validate=True)
    except ValueError as err:
        raise ConfigError(field, hint="is not base64") from err
    return load(data, field=field)


def tokens(image: Image, provider: str) -> int:
    """About how many input tokens an image costs (Anthropic: w*h/750; Gemini: 258 per 768-px tile; OpenAI:
    85 + 170 per 512-px tile; local models: what their projector gives, about 600)."""
    tiles = -(-image.width // 512) * -(-image.height // 512)
    return {"claude": image.width * image.height // 750,
            "gemini": 258 * max(1, -(-image.width // 768) * -(-image.height // 768)),
            "openai": 85 + 170 * tiles}.get(provider, 600)
