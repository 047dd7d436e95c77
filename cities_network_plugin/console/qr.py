"""
QR codes of claim links, drawn on the server as inline SVG with ``segno`` (a small pure-Python library), so
that a team can print the page or show it on a screen at the event without any image service.
"""
from __future__ import annotations

import io
import logging

from django.utils.safestring import SafeString, mark_safe

log = logging.getLogger(__name__)


def qr_svg(url: str, title: str = "") -> SafeString:
    """An inline SVG QR code encoding ``url`` (empty where segno is not installed: the link is shown anyway)."""
    try:
        import segno  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - segno is a runtime dependency; stay usable without it
        log.warning("segno is not installed: claim codes are shown without QR images.")
        return mark_safe("")  # noqa: S308 - an empty string
    out = io.BytesIO()
    # Error correction "M" survives a smudged printout; the quiet zone (border 4) is what scanners expect.
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, title=title or url,
        svgclass="qr", lineclass="qr-line", omitsize=True,  # a viewBox: CSS sizes it
    )
    svg = out.getvalue().decode("ascii")
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno's SVG; it escapes the title
