"""
Baking an Open Badges 3.0 credential into a PNG (OB 3.0 §5.3.1): one ``iTXt`` chunk with the keyword
``openbadgecredential`` whose text is the compact VC-JWT, so the picture itself is the verifiable credential.

Chunks are written here with ``struct`` and ``zlib.crc32``: re-encoding the image with an imaging library could
change its pixels or drop chunks the designer put there, while inserting one chunk after ``IHDR`` leaves every
other byte as it was. An earlier ``openbadgecredential`` chunk is removed first, so re-baking never leaves two.
"""
from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"


class BakingError(ValueError):
    """The image is not a PNG we can bake into."""


def _chunks(data: bytes):
    """(type, whole chunk bytes) of each chunk, after checking the signature and every length."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("Not a PNG image.")
    position = len(PNG_SIGNATURE)
    while position < len(data):
        if position + 12 > len(data):
            raise BakingError("The PNG image is truncated.")
        (length,) = struct.unpack(">I", data[position:position + 4])
        end = position + 12 + length
        if end > len(data):
            raise BakingError("The PNG image is truncated.")
        yield data[position + 4:position + 8], data[position:end]
        position = end


def chunk(kind: bytes, body: bytes) -> bytes:
    """A PNG chunk: length, type, data and the CRC-32 of type and data."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def itxt(keyword: bytes, text: str) -> bytes:
    """An uncompressed ``iTXt`` chunk: keyword, NUL, flag 0, method 0, no language, NUL, no translation, NUL, text."""
    return chunk(b"iTXt", keyword + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8"))


def _is_ours(kind: bytes, whole: bytes) -> bool:
    return kind in (b"iTXt", b"tEXt", b"zTXt") and whole[8:].startswith(KEYWORD + b"\0")


def bake_png(image: bytes, compact_jwt: str) -> bytes:
    """The PNG with the credential baked in, right after the header chunk."""
    parts = [PNG_SIGNATURE]
    seen_header = False
    for kind, whole in _chunks(image):
        if _is_ours(kind, whole):
            continue
        parts.append(whole)
        if kind == b"IHDR":
            parts.append(itxt(KEYWORD, compact_jwt))
            seen_header = True
    if not seen_header:
        raise BakingError("The PNG image has no IHDR chunk.")
    return b"".join(parts)
