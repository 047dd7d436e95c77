"""Helpers of the Open Badges 2.0 tests: real images, badge classes and awards made through the badges API."""
import datetime
import io

from PIL import Image

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine

SVG_IMAGE = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
             b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120">\n'
             b'  <style>circle { fill: #2e68a0; }</style>\n'
             b'  <circle cx="60" cy="60" r="56"/>\n'
             b'</svg>\n')
EMAIL = "Ana.Learner@Example.com"
T0 = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)


def png_image(side: int = 128) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (side, side), (200, 80, 40, 255)).save(out, "PNG")
    return out.getvalue()


def make_badge(city, image: str | None = "png", **fields):
    """An active class of ``city`` (the network's when None) with a PNG or SVG image, or none."""
    data = {"name": "Bike mechanic", "description": "Can fix a bicycle.",
            "criteria_narrative": "Pass the bike repair course.", "status": "active",
            "alignments": [{"targetName": "repair bicycles", "targetFramework": "ESCO", "targetCode": "S6.2.1",
                            "targetUrl": "http://data.europa.eu/esco/skill/0d3b4a05-0e2a-4c6d-9f9a-1b0a3d0f3a5b"}],
            "tags": ["mobility", "repair"], **fields}
    badge = badges_api.create_class(city, data)
    if image == "png":
        badges_api.set_image(badge, png_image(), filename="badge.png")
    elif image == "svg":
        badges_api.set_image(badge, SVG_IMAGE, filename="badge.svg")
    return badge


def make_award(user, badge, evidence=None, issued_at=T0):
    """An award made by the engine, as the pipeline makes it (announcements off: they are not under test)."""
    evidence = {"manual": True, "narrative": "Fixed ten bikes at the repair café."} if evidence is None else evidence
    award, created = engine.award(user, badge, evidence, now=issued_at, announce=False)
    assert created
    return award
