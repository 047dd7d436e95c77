"""
Checks for badge class images: PNG or SVG, at most 256 KiB, square, and of sane dimensions.

The image is stored in the database, served from the LMS's own domain and baked into Open Badges that
verifiers and backpacks open, so it is treated as active content. The type is read from the bytes, never
trusted from the file name or the browser. An SVG is refused, not cleaned, when it holds anything that
could run script or load something from elsewhere (an SVG with a script served from the LMS is an XSS, and
a remote reference lets a third party track who looks at a badge); the author is told what to remove.
"""
import io
import math
import re
import struct
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

MAX_BYTES = 256 * 1024
MIN_SIDE = 90
MAX_SIDE = 2048
PNG, SVG = "image/png", "image/svg+xml"

SVG_NS = "http://www.w3.org/2000/svg"
_SVG_MAX_UNITS = 100_000  # an SVG scales freely; this only keeps its size a number worth storing
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_OTHER_FORMATS = [(b"\xff\xd8\xff", gettext_lazy("a JPEG image")), (b"GIF8", gettext_lazy("a GIF image")),
                  (b"BM", gettext_lazy("a BMP image")), (b"%PDF", gettext_lazy("a PDF document")),
                  (b"\x1f\x8b", gettext_lazy("a compressed file (an .svgz? save it as plain SVG)"))]
_EXTENSIONS = {"png": PNG, "apng": PNG, "svg": SVG, "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP"}
_DECLARED = {"image/png": PNG, "image/x-png": PNG, "image/apng": PNG, "image/svg+xml": SVG, "image/svg": SVG,
             "text/xml": SVG, "application/xml": SVG}
_NAMES = {PNG: "PNG", SVG: "SVG"}
_AN_IMAGE = {PNG: gettext_lazy("a PNG image"), SVG: gettext_lazy("an SVG image")}
# Elements that run script or embed other documents, whatever their namespace.
_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_FOREIGN_NAMESPACES = {"http://www.w3.org/1999/xhtml": "HTML", "http://www.w3.org/1998/Math/MathML": "MathML"}
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform"}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")  # browsers ignore these inside a URL: "java\tscript:" still runs
_ALLOWED_DATA = re.compile(r"data:image/(png|jpeg)[;,]")
_SCRIPT_SCHEME = re.compile(r"(java|vb)script:")
# Every pattern below matches in linear time on any input (no pattern can fail after a long scan), so that a
# crafted 256 KiB file cannot keep a worker busy.
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|\Z)", re.S)  # an unclosed comment runs to the end, as in CSS
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)", re.S)
_CSS_URL = re.compile(r"url\(([^)]*)", re.I)
_CSS_URL_FUNCTIONS = re.compile(r"(?<![\w-])((?:-webkit-)?image(?:-set)?|src)\(", re.I)
_LENGTH = re.compile(r"\s*((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*")
_UNIT_PX = {None: 1, "px": 1, "pt": 4 / 3, "pc": 16, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96}


@dataclass(frozen=True)
class BadgeImage:
    """A checked badge image: what to store in ``BadgeClass.image``, ``image_type`` and ``image_width``."""

    content_type: str
    width: int
    height: int
    data: bytes


def validate_badge_image(data: bytes, filename: str = "", declared_type: str = "") -> BadgeImage:
    """Check an uploaded badge image and describe it, or raise ``ValidationError`` saying what is wrong."""
    if not data:
        raise ValidationError(_("The image file is empty."), code="empty")
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The image is %(size)d KiB; the limit is %(limit)d KiB.")
                              % {"size": math.ceil(len(data) / 1024), "limit": MAX_BYTES // 1024}, code="too_large")
    content_type = _sniff(data)
    _check_declared(content_type, filename, declared_type)
    width, height = _png_size(data) if content_type == PNG else _svg_size(data)
    return BadgeImage(content_type=content_type, width=width, height=height, data=data)


def _sniff(data: bytes) -> str:
    """The type from the bytes: the PNG signature, or XML text that mentions svg (its root is checked later)."""
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    text = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<") and b"svg" in text.lower():
        return SVG
    found = next((what for magic, what in _OTHER_FORMATS if data.startswith(magic)), None)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        found = _("a WebP image")
    if found is None:
        raise ValidationError(_("The image must be a PNG or SVG file; this one is neither."), code="type")
    raise ValidationError(_("The image must be a PNG or SVG file; this one is %(found)s.") % {"found": found},
                          code="type")


def _check_declared(content_type: str, filename: str, declared_type: str) -> None:
    """A name or declared type that contradicts the content is a mistake the uploader should hear about."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    named = _EXTENSIONS.get(extension)
    if named and named != content_type:
        raise ValidationError(_("The file name says %(named)s (.%(extension)s) but the content is %(content)s; save "
                                "it with the right extension.") % {"named": _NAMES.get(named, named),
                                                                   "extension": extension,
                                                                   "content": _AN_IMAGE[content_type]},
                              code="type_mismatch")
    declared = declared_type.split(";")[0].strip().lower()
    said = _DECLARED.get(declared, declared if declared.startswith("image/") else None)
    if said and said != content_type:
        raise ValidationError(_("The file was sent as %(declared)s but its content is %(content)s.")
                              % {"declared": declared, "content": _AN_IMAGE[content_type]}, code="type_mismatch")


def _check_square(width: float, height: float, what: str) -> None:
    if not math.isclose(width, height, rel_tol=1e-3):
        raise ValidationError(_("The image must be square; this one is %(width)s × %(height)s %(what)s.")
                              % {"width": format(width, "g"), "height": format(height, "g"), "what": what},
                              code="not_square")


def _png_size(data: bytes) -> tuple[int, int]:
    """
    The size is read from the header and checked before Pillow decodes anything, so that a small file
    claiming a huge canvas (a decompression bomb) costs nothing; then the image is decoded in full, since
    ``verify`` only checks the chunks' checksums, not the compressed pixels.
    """
    unreadable = ValidationError(_("The PNG image cannot be read: it is damaged or incomplete."), code="corrupt")
    if data[12:16] != b"IHDR" or len(data) < 24:
        raise unreadable
    width, height = struct.unpack(">II", data[16:24])
    _check_square(width, height, _("pixels"))
    if width < MIN_SIDE:
        raise ValidationError(_("The image is too small (%(width)d × %(height)d pixels); it must be at least "
                                "%(side)d × %(side)d.") % {"width": width, "height": height, "side": MIN_SIDE},
                              code="too_small")
    if width > MAX_SIDE:
        raise ValidationError(_("The image is too large (%(width)d × %(height)d pixels); it must be at most "
                                "%(side)d × %(side)d.") % {"width": width, "height": height, "side": MAX_SIDE},
                              code="too_large")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.verify()
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            animated = getattr(image, "is_animated", False)
            image.load()
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, Image.DecompressionBombError) as exc:
        raise unreadable from exc
    if animated:
        raise ValidationError(_("Animated PNG images are not allowed; use a still image."), code="animated")
    return width, height


class _Builder(TreeBuilder):
    """Builds the tree and notes processing instructions, which ElementTree otherwise drops silently."""

    def __init__(self) -> None:
        super().__init__()
        self.pi_targets: list[str] = []

    def pi(self, target, text=None):
        self.pi_targets.append(target)
        return super().pi(target, text)


def _svg_size(data: bytes) -> tuple[int, int]:
    """Parse without DTDs, entities or external references, check the content, then the shape and size."""
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise ValidationError(_("The SVG has a DOCTYPE or entity declarations, which are not allowed in a badge "
                                "image; remove the <!DOCTYPE …> part (drawing programs do not need it)."),
                              code="svg_dtd") from exc
    except (ParseError, LookupError, ValueError) as exc:
        raise ValidationError(_("The SVG file is not well-formed XML (%(error)s).") % {"error": exc},
                              code="svg_syntax") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        namespace, tag = _local(root.tag)
        if namespace:
            message = _('The SVG\'s root element must be <svg xmlns="%(svg)s">; found <%(tag)s> in the namespace '
                        '%(namespace)s.')
        else:
            message = _('The SVG\'s root element must be <svg xmlns="%(svg)s">; found <%(tag)s> without a namespace.')
        raise ValidationError(message % {"svg": SVG_NS, "tag": tag, "namespace": namespace}, code="svg_root")
    if "xml-stylesheet" in builder.pi_targets:
        raise _unsafe(_("refers to a stylesheet (<?xml-stylesheet …?>)"))
    for element in root.iter():
        _check_element(element)
    return _svg_dimensions(root)


def _unsafe(what: str, advice: str = "") -> ValidationError:
    """``what`` continues "The SVG …" (e.g. "contains a <script> element"); ``advice`` says what to do instead."""
    advice = advice or _("a badge must be a plain, self-contained picture")
    return ValidationError(_("The SVG %(what)s, which is not allowed in a badge image: %(advice)s.")
                           % {"what": what, "advice": advice}, code="svg_unsafe")


def _local(name: str) -> tuple[str, str]:
    namespace, _brace, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    return namespace, local


def _check_element(element) -> None:
    namespace, tag = _local(element.tag)
    if tag.lower() in _FORBIDDEN_ELEMENTS:
        raise _unsafe((_("contains an <%(tag)s> element") if tag[0] in "aeiouAEIOU"
                       else _("contains a <%(tag)s> element")) % {"tag": tag})
    if namespace in _FOREIGN_NAMESPACES:
        raise _unsafe(_("contains an %(language)s element (<%(tag)s>)")
                      % {"language": _FOREIGN_NAMESPACES[namespace], "tag": tag})
    if tag.lower() in _ANIMATIONS:
        target = element.get("attributeName", "").rpartition(":")[2].lower()
        if target == "href" or target.startswith("on"):
            raise _unsafe(_('animates a link or event handler (<%(tag)s attributeName="%(target)s">)')
                          % {"tag": tag, "target": target})
    for name, value in element.attrib.items():
        attribute = _local(name)[1]
        where = _("%(attribute)s on <%(tag)s>") % {
            "attribute": f"{'xlink:' if name.startswith('{http://www.w3.org/1999/xlink}') else ''}{attribute}",
            "tag": tag}
        if attribute.lower().startswith("on"):
            raise _unsafe(_("has an event handler attribute (%(where)s)") % {"where": where})
        if any(_SCRIPT_SCHEME.match(_URL_NOISE.sub("", part).lower()) for part in value.split(";")):
            raise _unsafe(_("contains a javascript: link (%(where)s)") % {"where": where})
        if attribute == "href":
            _check_reference(value, where)
        _check_css(value, where)
    if tag == "style":
        _check_css("".join(element.itertext()), "<style>")


def _check_reference(value: str, where: str) -> None:
    """Only a part of this document (``#id``) or an embedded PNG or JPEG; an empty link is this document."""
    url = _URL_NOISE.sub("", value).lower()
    if url and not url.startswith("#") and not _ALLOWED_DATA.match(url):
        shown = value.strip() if len(value.strip()) <= 60 else value.strip()[:57] + "…"
        raise _unsafe(_("refers to “%(url)s” (%(where)s)") % {"url": shown, "where": where},
                      _("only links inside the file (#id) and embedded PNG or JPEG images (data:image/png or "
                        "data:image/jpeg) are allowed"))


def _check_css(css: str, where: str) -> None:
    """CSS can load from elsewhere with @import or url(); comments and escapes are undone before looking."""
    if "@" not in css and "(" not in css:
        return
    css = _CSS_ESCAPE.sub(_css_unescape, _CSS_COMMENT.sub("", css))
    if "@import" in css.lower():
        raise _unsafe(_("imports another stylesheet (@import in %(where)s)") % {"where": where})
    if match := _CSS_URL_FUNCTIONS.search(css):
        raise _unsafe(_("loads images with %(function)s() (%(where)s)") % {"function": match.group(1), "where": where},
                      _("use url(#id) or a data: URL instead"))
    for match in _CSS_URL.finditer(css):
        _check_reference(match.group(1).strip(" \t\r\n'\""), _("url() in %(where)s") % {"where": where})


def _css_unescape(match: re.Match) -> str:
    escaped = match.group(1)
    if re.fullmatch(r"[0-9a-fA-F]{1,6}\s?", escaped):
        return chr(min(int(escaped, 16), 0x10FFFF))
    return escaped


def _svg_dimensions(root) -> tuple[int, int]:
    """
    The shape comes from the viewBox (what is drawn) and from width/height when both are absolute lengths
    (the box it is drawn in); each must be square. An SVG scales without loss, so the pixel limits of PNG do
    not apply: its size only has to be a sane positive number.
    """
    boxes = []
    if (view_box := root.get("viewBox")) is not None:
        try:
            _x, _y, width, height = (float(part) for part in re.split(r"[\s,]+", view_box.strip()))
        except ValueError as exc:
            raise ValidationError(_("The SVG's viewBox “%(box)s” must be four numbers.") % {"box": view_box},
                                  code="svg_size") from exc
        boxes.append((width, height, _("(its viewBox)")))
    lengths = _length(root.get("width")), _length(root.get("height"))
    if None not in lengths:
        boxes.insert(0, (*lengths, _("(its width and height)")))
    if not boxes:
        raise ValidationError(_("The SVG needs a viewBox (or a width and height in pixels) so that its shape is "
                                "known."), code="svg_size")
    for width, height, what in boxes:
        if not all(math.isfinite(side) and 0 < side <= _SVG_MAX_UNITS for side in (width, height)):
            raise ValidationError(_("The SVG's size %(what)s must be positive numbers of at most %(max)d; found "
                                    "%(width)s × %(height)s.") % {"what": what, "max": _SVG_MAX_UNITS,
                                                                  "width": format(width, "g"),
                                                                  "height": format(height, "g")},
                                  code="svg_size")
        _check_square(width, height, what)
    side = max(1, round(boxes[0][0]))
    return side, side


def _length(value: str | None) -> float | None:
    """An absolute length in pixels ("120", "120px", "2in"), or None for a missing or relative one ("100%")."""
    match = _LENGTH.fullmatch(value or "")
    return float(match.group(1)) * _UNIT_PX[match.group(2)] if match else None
