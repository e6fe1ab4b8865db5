"""The generation parameters an image carries, read from its bytes with the standard library (no Pillow).

A1111 and Forge write them as a PNG text chunk named `parameters` (tEXt, or iTXt when the text is not
Latin-1), or as the EXIF UserComment of a JPEG or WebP (piexif's "UNICODE" form, UTF-16 big-endian). As the
hosts' `images.read_info_from_image` does, a non-empty EXIF UserComment wins over the text chunk, and a JPEG
comment (COM segment) is read only when there is no EXIF at all. Every length is bounds-checked: a damaged
or hostile file gives None, never an exception or an unbounded read.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from collections.abc import Iterator

from ..errors import ConfigError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT = 1_000_000  # a decompressed text chunk, as Pillow's MAX_TEXT_CHUNK
MAX_PARTS_WALKED = 100_000  # chunks, segments or fill bytes walked at most (a 16 MB file of empty ones holds millions)
_EXIF_PREFIX = b"Exif\x00\x00"
_EXIF_IFD = 0x8769
_USER_COMMENT = 0x9286
_COMMENT_CODES = {b"ASCII\x00\x00\x00": "ascii", b"JIS\x00\x00\x00\x00\x00": "shift_jis",
                  b"UNICODE\x00": "utf_16_be"}


def file_from_base64(text: str, limit: int, field: str = "from_image") -> bytes:
    """The bytes of an image file sent as base64 (a `data:image/...;base64,` prefix allowed), at most `limit` bytes."""
    head, comma, rest = text.partition(",")
    encoded = "".join((rest if comma and head.startswith("data:") else text).split())
    if len(encoded) > 4 * (limit // 3 + 1):
        raise ConfigError(field, hint=f"is larger than {limit:,} bytes")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ConfigError(field, hint=f"is not base64 ({err})") from err
    if not data:
        raise ConfigError(field, hint="is empty")
    return data


def image_kind(data: bytes) -> str:
    """png, jpeg, webp, or "" for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return ""


def parameters(data: bytes) -> str | None:
    """The image's infotext, or None when it has none (or is no PNG, JPEG or WebP)."""
    kind = image_kind(data)
    if kind == "png":
        text, exif = _png(data)
        comment = user_comment(exif) if exif is not None else None
        return comment or text
    if kind == "jpeg":
        exif, comment = _jpeg(data)
        return user_comment(exif) if exif is not None else comment
    if kind == "webp":
        exif = _webp(data)
        return user_comment(exif) if exif is not None else None
    return None


def _inflate(data: bytes) -> bytes:
    out = zlib.decompressobj()
    try:
        return out.decompress(data, MAX_TEXT)
    except zlib.error:
        return b""


def _png_text(kind: bytes, body: bytes) -> tuple[str, str] | None:
    """(keyword, text) of a tEXt, zTXt or iTXt chunk; only `parameters` is read (and inflated): a comment or any
    other text is never kept."""
    keyword, sep, rest = body.partition(b"\x00")
    if not sep or keyword != b"parameters":
        return None
    name = keyword.decode("latin-1")
    if kind == b"tEXt":
        return name, rest.decode("latin-1")
    if kind == b"zTXt":
        return name, _inflate(rest[1:]).decode("latin-1") if rest[:1] == b"\x00" else ""
    if len(rest) < 2:
        return None
    compressed, method, rest = rest[0], rest[1], rest[2:]
    _language, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    if compressed:
        text = _inflate(text) if method == 0 else b""
    return name, text.decode("utf-8", errors="replace")


def png_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(kind, where its body starts, its length) of each chunk of a PNG, up to IEND or the end of the data."""
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IEND":
            return
        yield kind, pos + 8, length
        pos += 12 + length


def _png(data: bytes) -> tuple[str | None, bytes | None]:
    """The `parameters` text (the last chunk that holds one wins, as in Pillow; only that one is inflated) and
    the eXIf chunk of a PNG."""
    texts: list[tuple[bytes, bytes]] = []
    exif = None
    for _, (kind, start, length) in zip(range(MAX_PARTS_WALKED), png_chunks(data), strict=False):
        body = data[start:start + length]
        if len(body) < length:
            break
        if kind in (b"tEXt", b"zTXt", b"iTXt") and body.startswith(b"parameters\x00"):
            texts.append((kind, body))
        elif kind == b"eXIf":
            exif = body
    return next((found[1] for kind, body in reversed(texts) if (found := _png_text(kind, body))), None), exif


def _jpeg(data: bytes) -> tuple[bytes | None, str | None]:
    """The EXIF (APP1) and the comment (COM) of a JPEG, read up to the image data."""
    exif, comment = None, None
    pos = 2
    for _ in range(MAX_PARTS_WALKED):
        if pos + 4 > len(data) or data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        body = data[pos + 4:pos + 2 + length]
        if length < 2 or len(body) < length - 2:
            break
        if marker == 0xE1 and body.startswith(_EXIF_PREFIX) and exif is None:
            exif = body
        elif marker == 0xFE and comment is None:
            comment = body.decode("utf-8", errors="ignore")
        pos += 2 + length
    return exif, comment


def _webp(data: bytes) -> bytes | None:
    """The EXIF chunk of a WebP (RIFF) file."""
    pos = 12
    for _ in range(MAX_PARTS_WALKED):
        if pos + 8 > len(data):
            return None
        kind, length = struct.unpack("<4sI", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) < length:
            return None
        if kind == b"EXIF":
            return body
        pos += 8 + length + (length & 1)
    return None


def _ifd(tiff: bytes, offset: int, order: str) -> dict[int, tuple[int, int, bytes]]:
    """An IFD's entries: tag -> (type, count, the 4 value-or-offset bytes)."""
    if offset + 2 > len(tiff):
        return {}
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    entries = {}
    for i in range(count):
        start = offset + 2 + 12 * i
        if start + 12 > len(tiff):
            break
        tag, kind, number = struct.unpack(order + "HHI", tiff[start:start + 8])
        entries[tag] = (kind, number, tiff[start + 8:start + 12])
    return entries


def user_comment(exif: bytes) -> str | None:
    """The EXIF UserComment as text (as piexif.helper.UserComment.load, or its bytes as UTF-8 when the prefix
    names no encoding it knows); None when there is none or the EXIF is damaged."""
    tiff = exif[len(_EXIF_PREFIX):] if exif.startswith(_EXIF_PREFIX) else exif
    if tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    ifd0 = _ifd(tiff, struct.unpack(order + "I", tiff[4:8])[0], order)
    if _EXIF_IFD not in ifd0:
        return None
    entry = _ifd(tiff, struct.unpack(order + "I", ifd0[_EXIF_IFD][2])[0], order).get(_USER_COMMENT)
    if entry is None:
        return None
    _kind, count, value = entry
    raw = value[:count] if count <= 4 else tiff[(start := struct.unpack(order + "I", value)[0]):start + count]
    if len(raw) < count:
        return None
    encoding = _COMMENT_CODES.get(raw[:8])
    text = raw[8:].decode(encoding, errors="replace") if encoding else raw.decode("utf-8", errors="ignore")
    return text.strip("\x00") or None
