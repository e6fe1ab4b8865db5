"""What an image file holds, read from its structure before Pillow sees it: one walk per format over its chunks,
segments, blocks or pages, stopped as soon as a bound is passed. Pillow reads each chunk, comment and page in
Python, so a file made of millions of them cost seconds of CPU; here no walk goes past MAX_PARTS of them, and
the walks that search (a JPEG's markers) search at C speed. WebP is read by libwebp in C. Standard library only."""

from __future__ import annotations

import re
import struct

from .metadata import PNG_SIGNATURE, png_chunks

MAX_PARTS = 1_000  # text chunks, segments, extension blocks: a camera's JPEG has about 15, a PNG a handful
MAX_DATA_CHUNKS = 20_000  # a PNG's IDAT chunks: 8 KB each from libpng, so 160 MB of them
MAX_SCANS = 32  # a progressive JPEG has about 10; one that repeats its scans costs a full decode for each
MAX_RLE_BYTES = 2_000_000  # a BMP's RLE runs are decoded in Python: 2 MB of them take about 0.3 s
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")  # a JPEG marker, past fill bytes, stuffing and restarts


def refusal(data: bytes) -> str:
    """Why this file is not read (what it holds past a bound), or '' when it may be."""
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _gif(data)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff(data)
    if data[:2] == b"BM":
        return _bmp(data)
    return ""


def _png(data: bytes) -> str:
    parts, chunks = 0, 0
    for kind, _, _ in png_chunks(data):
        if kind == b"IDAT":
            chunks += 1
        else:
            parts += 1
        if parts > MAX_PARTS:
            return f"is a PNG of more than {MAX_PARTS:,} chunks besides its image data"
        if chunks > MAX_DATA_CHUNKS:
            return f"is a PNG of more than {MAX_DATA_CHUNKS:,} image data chunks"
    return ""


def jpeg_parts(data: bytes) -> tuple[int, int, int]:
    """(segments, scans, stray bytes) of a JPEG, counted from its markers before anything is decoded: entropy-coded
    data runs to the next marker that is not a stuffed 0xFF00 or a restart; stray bytes (fill bytes, junk) lie
    between the segments before the first scan, where Pillow reads them one at a time. The count stops past the
    bounds."""
    pos, segments, scans, stray = 2, 0, 0, 0
    while segments <= MAX_PARTS and scans <= MAX_SCANS and stray <= MAX_PARTS and (
            found := _MARKER.search(data, pos)):
        stray += 0 if scans else found.start() - pos
        marker, pos = data[found.start() + 1], found.end()
        if marker == 0xD9:
            break
        if marker == 0x01:  # TEM: a marker without a length
            continue
        segments += 1
        scans += marker == 0xDA
        pos += int.from_bytes(data[pos:pos + 2], "big")
    return segments, scans, stray


def _jpeg(data: bytes) -> str:
    segments, scans, stray = jpeg_parts(data)
    if scans > MAX_SCANS:
        return f"is a JPEG of more than {MAX_SCANS} scans"
    if stray > MAX_PARTS:
        return f"is a JPEG with more than {MAX_PARTS:,} stray bytes (fill or junk) between its segments"
    return f"is a JPEG of more than {MAX_PARTS:,} segments" if segments > MAX_PARTS else ""


def _gif(data: bytes) -> str:
    if len(data) < 13:
        return ""
    packed = data[10]
    pos, parts, frames = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0), 0, 0
    while pos < len(data):
        kind = data[pos]
        if kind == 0x21:  # an extension: a comment, a frame's control, an application's block
            parts += 1
            pos = _sub_blocks(data, pos + 2)
        elif kind == 0x2C:  # an image
            frames += 1
            if frames > 1:
                return "is animated; give one still frame (a PNG or JPEG)"
            local = data[pos + 9] if pos + 9 < len(data) else 0
            pos = _sub_blocks(data, pos + 11 + (3 << ((local & 7) + 1) if local & 0x80 else 0))
        else:
            break  # the trailer, or damage Pillow will name
        if parts > MAX_PARTS:
            return f"is a GIF of more than {MAX_PARTS:,} extension blocks"
    return ""


def _sub_blocks(data: bytes, pos: int) -> int:
    """Where a GIF's chain of sub-blocks (each its size, then its bytes; 0 ends it) starting at `pos` ends."""
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _tiff(data: bytes) -> str:
    order = "<" if data[:2] == b"II" else ">"
    offset, seen = struct.unpack(order + "I", data[4:8])[0], set()
    while offset and offset + 2 <= len(data) and offset not in seen:
        seen.add(offset)
        if len(seen) > 1:
            return "has several pages; give one still picture (a PNG or JPEG)"
        count = struct.unpack(order + "H", data[offset:offset + 2])[0]
        end = offset + 2 + 12 * count
        offset = struct.unpack(order + "I", data[end:end + 4])[0] if end + 4 <= len(data) else 0
    return ""


def _bmp(data: bytes) -> str:
    if len(data) < 34 or int.from_bytes(data[14:18], "little") < 40:
        return ""
    compression = int.from_bytes(data[30:34], "little")
    if compression in (1, 2) and len(data) > MAX_RLE_BYTES:  # RLE8, RLE4
        return f"is a run-length BMP over {MAX_RLE_BYTES // 1_000_000} MB; save it as a PNG"
    return ""
