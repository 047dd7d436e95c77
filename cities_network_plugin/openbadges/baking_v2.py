"""
Baking Open Badges 2.0: the assertion's URL written into a copy of the class image, so the image itself says
which badge it is and a verifier (or a backpack the learner uploads it to) can find the hosted assertion.

PNG: an uncompressed ``iTXt`` chunk with the keyword ``openbadges`` placed before ``IEND``. The chunk is written
here with struct and zlib rather than by re-encoding the image, so the pixels stay byte for byte the class's.
SVG: an ``<openbadges:assertion verify="…"/>`` element as the root's first child. The SVG is parsed with
defusedxml (no DTDs, entities or external references; the class image was also checked on upload) and written back
with minidom, which escapes the attribute and keeps the rest of the document as it was.
Any earlier ``openbadges`` data in the image is dropped first, so an image never carries two assertions.
"""
from __future__ import annotations

import functools
import io
import struct
import zlib

from defusedxml.minidom import parseString

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OPENBADGES_NS = "http://openbadges.org"
_KEYWORD = b"openbadges"
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")


class BakingError(ValueError):
    """The image cannot be baked (it is not a well-formed PNG or SVG)."""


def _png_chunks(data: bytes):
    """Yield (type, body) of each chunk, checking lengths and CRCs: a damaged image is refused, not half-copied."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("Not a PNG image.")
    offset = len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4].rjust(4, b"\0"))
        if offset + 12 + length > len(data):
            raise BakingError("The PNG image is truncated.")
        kind = data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        if crc != zlib.crc32(kind + body):
            raise BakingError(f"The PNG chunk {kind!r} is damaged.")
        yield kind, body
        offset += 12 + length
        if kind == b"IEND":
            return
    raise BakingError("The PNG image has no IEND chunk.")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, data, and the CRC-32 of type and data."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bake_png(image: bytes, assertion_url: str) -> bytes:
    """The PNG with the assertion URL in an ``iTXt`` chunk (no compression, no language, no translated keyword)."""
    baked = io.BytesIO()
    baked.write(PNG_SIGNATURE)
    itxt = _KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + assertion_url.encode("utf-8")
    for kind, body in _png_chunks(image):
        if kind in _TEXT_CHUNKS and body.startswith(_KEYWORD + b"\0"):
            continue
        if kind == b"IEND":
            baked.write(png_chunk(b"iTXt", itxt))
        baked.write(png_chunk(kind, body))
    return baked.getvalue()


def bake_svg(image: bytes, assertion_url: str) -> bytes:
    """The SVG with ``xmlns:openbadges`` on its root and the assertion element as the root's first child."""
    try:
        document = parseString(image, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as exc:  # noqa: BLE001 - expat, defusedxml and value errors all mean "not bakeable"
        raise BakingError(f"The SVG image cannot be read ({exc}).") from exc
    root = document.documentElement
    if root is None or root.localName != "svg":
        raise BakingError("The SVG image has no <svg> root.")
    for node in list(root.childNodes):
        if node.nodeType == node.ELEMENT_NODE and node.namespaceURI == OPENBADGES_NS:
            root.removeChild(node)
    root.setAttribute("xmlns:openbadges", OPENBADGES_NS)
    assertion = document.createElementNS(OPENBADGES_NS, "openbadges:assertion")
    assertion.setAttribute("verify", assertion_url)
    root.insertBefore(assertion, root.firstChild)
    return document.toxml(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def placeholder_png() -> bytes:
    """
    The image of a class that has none yet: OB 2.0 requires an image for every badge class, and a plain disc is
    better than a class that verifiers reject.
    """
    from PIL import Image, ImageDraw  # pylint: disable=import-outside-toplevel

    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 248, 248), fill=(46, 104, 160, 255), outline=(255, 255, 255, 255), width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
