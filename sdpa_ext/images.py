"""Images for the models that see: read what the user gave (bytes, a path, a PIL image from the host), refuse
what is not a still image, and send a copy that is downscaled (long side at most 1024 px), converted to RGB
and re-encoded without any metadata (no EXIF, no PNG text chunks: an A1111 image's prompt stays home).

Pillow is imported only here, when an image is given: inside the WebUI it is the host's own Pillow."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .providers.types import Image

MAX_BYTES = 20_000_000  # what we read at most (a 20 MB PNG is already far bigger than anything we send)
MAX_PIXELS = 40_000_000  # a decompression bomb is refused from its header, before it is decoded
MAX_SIDE = 16_384  # and a sliver (4,999,000 x 8) too
MAX_SCANS = 32  # a progressive JPEG has about 10; one that repeats its scans costs a full decode for each
LONG_SIDE = 1024
FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")


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
        picture = _open(pil, bytes(source), field)
    elif isinstance(source, pil.Image):
        picture = source
    else:
        raise ConfigError(field, hint="expected an image file, its bytes or a picture")
    return _encode(pil, picture, field)


def _open(pil: Any, data: bytes, field: str) -> Any:
    """The picture, its size checked from its header before it is decoded. Pillow's limits are passed per call
    (only our formats' plugins look at the bytes); its process-wide MAX_IMAGE_PIXELS, the host's too, is never
    changed."""
    if data[:2] == b"\xff\xd8" and (scans := jpeg_scans(data)) > MAX_SCANS:
        raise ConfigError(field, hint=f"is a JPEG of {scans:,} scans; at most {MAX_SCANS} are read")
    try:
        picture = pil.open(io.BytesIO(data), formats=FORMATS)
        _sized(picture, field)
        _still(picture, field)  # counting frames reads every one: a damaged later frame raises what Pillow meets
        picture.load()
    except ConfigError:
        raise
    except pil.DecompressionBombError as err:
        raise ConfigError(field, hint=f"has over {MAX_PIXELS:,} pixels") from err
    except Exception as err:  # UnidentifiedImageError, truncated or corrupt data: all one message
        raise ConfigError(field, hint="is not an image Pillow can read (corrupt or not an image; PNG, JPEG, "
                                      "WebP, GIF, BMP or TIFF)") from err
    return picture


def jpeg_scans(data: bytes) -> int:
    """How many scans (SOS segments) a JPEG holds, counted in one pass over its markers before anything is
    decoded: entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart."""
    scans, pos, size = 0, 2, len(data)
    while pos + 4 <= size:
        if data[pos] != 0xFF:
            pos += 1
            continue
        marker = data[pos + 1]
        if marker in (0xD9, 0xFF) or 0xD0 <= marker <= 0xD7 or marker == 0x00:  # EOI, fill, restart, stuffing
            pos += 1 if marker == 0xFF else 2
            if marker == 0xD9:
                break
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        pos += 2 + length
        if marker == 0xDA:  # a scan: its data runs to the next real marker
            scans += 1
            while (pos := data.find(b"\xff", pos)) >= 0 and pos + 1 < size and (
                    data[pos + 1] == 0x00 or 0xD0 <= data[pos + 1] <= 0xD7):
                pos += 2
            if pos < 0:
                break
    return scans


def _sized(picture: Any, field: str) -> None:
    """A picture of at most MAX_PIXELS pixels and MAX_SIDE on a side, at least 8x8."""
    width, height = picture.size
    if width < 8 or height < 8:
        raise ConfigError(field, hint=f"is {width}x{height} px; give at least 8x8")
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ConfigError(field, hint=f"is {width}x{height} px: over {MAX_PIXELS:,} pixels or {MAX_SIDE:,} on a side")


def _still(picture: Any, field: str) -> None:
    """A picture of one frame: an animated GIF, PNG or WebP and a TIFF of several pages are refused."""
    if getattr(picture, "n_frames", 1) > 1:
        raise ConfigError(field, hint="is animated; give one still frame (a PNG or JPEG)")


def _encode(pil: Any, picture: Any, field: str) -> Image:
    _still(picture, field)
    _sized(picture, field)
    width, height = picture.size
    rgb = picture.convert("RGBA" if "A" in picture.getbands() or "transparency" in picture.info else "RGB")
    if rgb.mode == "RGBA":  # flattened on white: every vendor takes RGB, not all take alpha
        flat = pil.new("RGB", rgb.size, (255, 255, 255))
        flat.paste(rgb, mask=rgb.getchannel("A"))
        rgb = flat
    scale = min(1.0, LONG_SIDE / max(width, height))
    if scale < 1.0:
        rgb = rgb.resize((max(1, round(width * scale)), max(1, round(height * scale))), pil.LANCZOS)
    rgb.info = {}  # convert and resize carry `info` along: a JPEG or GIF comment, a PNG text would be written
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=90)  # a fresh image: no EXIF, no text chunks, no comment, no ICC profile
    return Image("image/jpeg", base64.b64encode(out.getvalue()).decode("ascii"), *rgb.size)


def from_base64(text: str, *, field: str = "image") -> Image:
    """An image the API was given as base64 (a data URL's prefix is allowed)."""
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
