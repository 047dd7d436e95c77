"""Badge class images: real PNGs made with Pillow and hand-written SVGs, each refusal with its own message."""
import base64
import io
import math
import os

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from cities_network_plugin.badges.images import MAX_BYTES, MAX_SIDE, MIN_SIDE, BadgeImage, validate_badge_image

SAFE_ONLY = ("only links inside the file (#id) and embedded PNG or JPEG images (data:image/png or "
             "data:image/jpeg) are allowed.")
PLAIN = "which is not allowed in a badge image: a badge must be a plain, self-contained picture."


def png(width=200, height=200, mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "red" if mode == "RGB" else 0).save(buffer, "PNG", **save)
    return buffer.getvalue()


def svg(body="", attrs='viewBox="0 0 100 100"') -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {attrs}>'
            f"{body}</svg>").encode()


def refusal(data, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_badge_image(data, **kwargs)
    assert len(caught.value.messages) == 1
    return caught.value.messages[0]


def test_square_png_is_accepted():
    data = png(200, 200)
    assert validate_badge_image(data, "badge.png", "image/png") == BadgeImage("image/png", 200, 200, data)


def test_limits():
    assert (MAX_BYTES, MIN_SIDE, MAX_SIDE) == (256 * 1024, 90, 2048)


def test_empty_file():
    assert refusal(b"") == "The image file is empty."


def test_png_not_square_says_its_size():
    assert refusal(png(300, 200)) == "The image must be square; this one is 300 × 200 pixels."


def test_png_too_small():
    assert refusal(png(40, 40)) == "The image is too small (40 × 40 pixels); it must be at least 90 × 90."


def test_png_too_large_is_refused_from_its_header():
    data = png(4000, 4000, mode="1")  # one bit a pixel, all zero: a few KiB
    assert len(data) < MAX_BYTES
    assert refusal(data) == "The image is too large (4000 × 4000 pixels); it must be at most 2048 × 2048."


def test_animated_png():
    frames = [Image.new("RGB", (200, 200), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    assert refusal(buffer.getvalue()) == "Animated PNG images are not allowed; use a still image."


def test_truncated_png():
    data = png()
    assert refusal(data[: len(data) // 2]) == "The PNG image cannot be read: it is damaged or incomplete."


def test_png_with_a_damaged_chunk():
    data = bytearray(png())
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF
    assert refusal(bytes(data)) == "The PNG image cannot be read: it is damaged or incomplete."


def test_file_over_256_kib_says_its_size_and_the_limit():
    buffer = io.BytesIO()
    Image.frombytes("RGB", (320, 320), os.urandom(320 * 320 * 3)).save(buffer, "PNG")  # noise does not compress
    data = buffer.getvalue()
    assert len(data) > MAX_BYTES
    assert refusal(data) == f"The image is {math.ceil(len(data) / 1024)} KiB; the limit is 256 KiB."
    assert refusal(b"<" + b" " * MAX_BYTES) == "The image is 257 KiB; the limit is 256 KiB."


def test_jpeg_is_not_png_or_svg():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(buffer, "JPEG")
    assert refusal(buffer.getvalue(), filename="badge.jpg") == (
        "The image must be a PNG or SVG file; this one is a JPEG image.")
    assert refusal(b"hello") == "The image must be a PNG or SVG file; this one is neither."


def test_name_or_declared_type_that_contradicts_the_content():
    assert refusal(png(), filename="badge.svg") == (
        "The file name says SVG (.svg) but the content is a PNG image; save it with the right extension.")
    assert refusal(png(), filename="badge.jpg") == (
        "The file name says JPEG (.jpg) but the content is a PNG image; save it with the right extension.")
    assert refusal(svg(), declared_type="image/png") == (
        "The file was sent as image/png but its content is an SVG image.")


def test_unhelpful_names_and_types_are_ignored():
    assert validate_badge_image(png(), "badge", "application/octet-stream").content_type == "image/png"
    assert validate_badge_image(svg(), "BADGE.SVG", "image/svg+xml; charset=utf-8").content_type == "image/svg+xml"


def test_clean_square_svg_is_accepted():
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fc0"/></linearGradient></defs>'
        '<style>.ring { stroke: url(#g); }</style><circle class="ring" cx="50" cy="50" r="40" fill="url(#g)"/>'
        '<use xlink:href="#g"/>')
    assert validate_badge_image(data, "badge.svg", "image/svg+xml") == BadgeImage("image/svg+xml", 100, 100, data)


def test_svg_size_comes_from_width_and_height_when_there_is_no_viewbox():
    assert validate_badge_image(svg(attrs='width="120px" height="120"')).width == 120


def test_svg_with_an_embedded_png_is_accepted():
    href = "data:image/png;base64," + base64.b64encode(png(100, 100)).decode()
    assert validate_badge_image(svg(f'<image width="100" height="100" href="{href}"/>')).width == 100


def test_svg_not_square():
    assert refusal(svg(attrs='viewBox="0 0 300 200"')) == (
        "The image must be square; this one is 300 × 200 (its viewBox).")


def test_svg_without_a_size():
    assert refusal(svg(attrs='width="100%"')) == (
        "The SVG needs a viewBox (or a width and height in pixels) so that its shape is known.")


def test_svg_root_must_be_svg_in_its_namespace():
    assert refusal(b'<svg viewBox="0 0 10 10"/>') == (
        'The SVG\'s root element must be <svg xmlns="http://www.w3.org/2000/svg">; found <svg> without a namespace.')


@pytest.mark.parametrize("body, message", [
    ('<script>alert(1)</script>', f"The SVG contains a <script> element, {PLAIN}"),
    ('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>',
     f"The SVG contains a <foreignObject> element, {PLAIN}"),
    ('<circle r="5" onclick="alert(1)"/>', f"The SVG has an event handler attribute (onclick on <circle>), {PLAIN}"),
    ('<a href="javascript:alert(1)"><circle r="5"/></a>',
     f"The SVG contains a javascript: link (href on <a>), {PLAIN}"),
    ('<a xlink:href=" java&#9;script:alert(1)"/>', f"The SVG contains a javascript: link (xlink:href on <a>), {PLAIN}"),
    ('<image xlink:href="https://tracker.example/pixel.png"/>',
     "The SVG refers to “https://tracker.example/pixel.png” (xlink:href on <image>), which is not allowed in a "
     f"badge image: {SAFE_ONLY}"),
    ('<use href="other.svg#logo"/>',
     f"The SVG refers to “other.svg#logo” (href on <use>), which is not allowed in a badge image: {SAFE_ONLY}"),
    ('<set attributeName="xlink:href" to="https://example.org"/>',
     f'The SVG animates a link or event handler (<set attributeName="href">), {PLAIN}'),
    ('<style>@import url("https://example.org/x.css");</style>',
     f"The SVG imports another stylesheet (@import in <style>), {PLAIN}"),
    ('<style>circle { fill: u\\72l(https://example.org/x.svg#p) }</style>',
     "The SVG refers to “https://example.org/x.svg#p” (url() in <style>), which is not allowed in a badge image: "
     f"{SAFE_ONLY}"),
    ('<rect style="fill: url(&quot;//example.org/p.svg#p&quot;)"/>',
     "The SVG refers to “//example.org/p.svg#p” (url() in style on <rect>), which is not allowed in a badge "
     f"image: {SAFE_ONLY}"),
    ('<iframe src="https://example.org"/>', f"The SVG contains an <iframe> element, {PLAIN}"),
    ('<embed src="https://example.org"/>', f"The SVG contains an <embed> element, {PLAIN}"),
    ('<object data="https://example.org"/>', f"The SVG contains an <object> element, {PLAIN}"),
    ('<div xmlns="http://www.w3.org/1999/xhtml">hi</div>', f"The SVG contains an HTML element (<div>), {PLAIN}"),
])
def test_svg_active_content_is_refused(body, message):
    assert refusal(svg(body)) == message


def test_svg_stylesheet_instruction_is_refused():
    data = b'<?xml-stylesheet type="text/css" href="https://example.org/x.css"?>' + svg()
    assert refusal(data) == f"The SVG refers to a stylesheet (<?xml-stylesheet …?>), {PLAIN}"


def test_svg_with_entities_is_refused_before_they_expand():
    laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = (f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol0 "lol">{laughs}]>'
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&lol9;</text></svg>').encode()
    assert refusal(data) == (
        "The SVG has a DOCTYPE or entity declarations, which are not allowed in a badge image; remove the "
        "<!DOCTYPE …> part (drawing programs do not need it).")


def test_svg_that_is_not_well_formed():
    assert refusal(b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>') == (
        "The SVG file is not well-formed XML (mismatched tag: line 1, column 45).")
