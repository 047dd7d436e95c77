"""
Baked Open Badges 2.0 images, read back with 1EdTech's own ``openbadges-bakery`` (the unbaker the reference
validator uses) and with pypng, which checks every chunk's CRC — never only with our own reader.
"""
import io
import struct
import zlib

import png
import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client
from openbadges_bakery import unbake
from PIL import Image, ImageChops

from cities_network_plugin.openbadges.baking_v2 import BakingError, bake_png, bake_svg, placeholder_png

from .v2_support import SVG_IMAGE, make_award, make_badge, png_image

URL = "https://learn.example.org/cities-network/ob/v2/assertions/5b0f0c9e-8d0a-4b9e-9a55-9d3c2f1e7a11"
OB_NS = "{http://openbadges.org}"


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Every chunk, as pypng reads it (it raises on a wrong CRC)."""
    return [(bytes(kind), bytes(body)) for kind, body in png.Reader(bytes=data).chunks()]


def test_a_baked_png_unbakes_to_the_assertion_url_and_keeps_its_pixels():
    original = png_image()
    baked = bake_png(original, URL)
    assert unbake(io.BytesIO(baked)) == URL
    kinds = [kind for kind, _ in chunks(baked)]
    assert kinds[0] == b"IHDR" and kinds[-2:] == [b"iTXt", b"IEND"]
    itxt = dict(chunks(baked))[b"iTXt"]
    keyword, flag, method, rest = itxt.partition(b"\0")[0], itxt[11], itxt[12], itxt[13:]
    assert (keyword, flag, method) == (b"openbadges", 0, 0)  # uncompressed
    assert rest == b"\0\0" + URL.encode()  # empty language tag and translated keyword, then the text
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(baked)) as after:
        assert ImageChops.difference(before.convert("RGBA"), after.convert("RGBA")).getbbox() is None
    assert [c for c in chunks(baked) if c[0] != b"iTXt"] == chunks(original)


def test_baking_again_replaces_the_assertion():
    other = URL.replace("5b0f", "0000")
    rebaked = bake_png(bake_png(png_image(), URL), other)
    assert unbake(io.BytesIO(rebaked)) == other
    assert [kind for kind, _ in chunks(rebaked)].count(b"iTXt") == 1
    text_chunk = b"openbadges\0" + URL.encode()  # an old-style tEXt assertion is dropped too
    with_text = png_image()[:33] + struct.pack(">I", len(text_chunk)) + b"tEXt" + text_chunk + struct.pack(
        ">I", zlib.crc32(b"tEXt" + text_chunk)) + png_image()[33:]
    assert unbake(io.BytesIO(bake_png(with_text, other))) == other


@pytest.mark.parametrize("damage", ["crc", "truncated", "no-iend", "not-png"])
def test_a_damaged_png_is_refused(damage):
    data = png_image()
    damaged = {"crc": data[:29] + bytes([data[29] ^ 0xFF]) + data[30:], "truncated": data[:-20],
               "no-iend": data[:-12], "not-png": b"GIF89a" + data[6:]}[damage]
    with pytest.raises(BakingError):
        bake_png(damaged, URL)


def test_a_baked_svg_unbakes_to_the_assertion_url_and_keeps_its_drawing():
    baked = bake_svg(SVG_IMAGE, URL)
    assert unbake(io.BytesIO(baked)) == URL
    root = fromstring(baked)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root[0].tag == f"{OB_NS}assertion" and root[0].attrib == {"verify": URL}
    assert [child.tag.rpartition("}")[2] for child in root[1:]] == ["style", "circle"]
    assert b'xmlns:openbadges="http://openbadges.org"' in baked
    rebaked = bake_svg(baked, "https://example.org/a?x=1&y=\"2\"<")
    assert len(fromstring(rebaked).findall(f"{OB_NS}assertion")) == 1
    assert unbake(io.BytesIO(rebaked)) == "https://example.org/a?x=1&y=\"2\"<"  # escaped, not injected


@pytest.mark.parametrize("svg", [
    b"<svg", b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    b'<html xmlns="http://www.w3.org/1999/xhtml"/>'])
def test_an_svg_that_cannot_be_read_safely_is_refused(svg):
    with pytest.raises(BakingError):
        bake_svg(svg, URL)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["png", "svg", None])
def test_each_award_has_a_baked_image_in_its_class_image_format(city_a, learner, kind):
    award = make_award(learner, make_badge(city_a, image=kind))
    client = Client()
    document = client.get(f"/cities-network/ob/v2/assertions/{award.uuid}").json()
    extension = kind or "png"  # a class without an image bakes its placeholder PNG
    assert document["image"] == f"{document['id']}/image.{extension}"
    response = client.get(f"/cities-network/ob/v2/assertions/{award.uuid}/image.{extension}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="badge-{award.uuid}.{extension}"'
    assert unbake(io.BytesIO(response.content)) == document["id"]
    other = "svg" if extension == "png" else "png"
    refused = client.get(f"/cities-network/ob/v2/assertions/{award.uuid}/image.{other}")
    assert refused.status_code == 404 and refused.json()["baked_image"] == document["image"]
    assert refused["Link"].startswith(f"<{document['image']}>; rel=\"alternate\"")


def test_the_placeholder_is_a_square_png_verifiers_accept():
    with Image.open(io.BytesIO(placeholder_png())) as image:
        assert (image.format, image.size) == ("PNG", (256, 256))
