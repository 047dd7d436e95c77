"""The OB 3.0 baked PNG: an iTXt chunk ``openbadgecredential`` holding the VC-JWT, read back with Pillow."""
import io

import pytest
from PIL import Image

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.openbadges.baking import BakingError, bake_png

from .v3_support import credential_jwt, make_award, make_badge, png_image, verify_jwt

pytestmark = pytest.mark.django_db

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120">'
       b'<circle cx="60" cy="60" r="56"/></svg>')


def test_the_baked_png_holds_the_credential_jwt(client, city_a, learner):
    award = make_award(learner, make_badge(city_a))
    response = client.get(f"/cities-network/ob/v3/credentials/{award.uuid}/image.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    token = image.text["openbadgecredential"]
    assert token == credential_jwt(client, award)  # Ed25519 signatures are deterministic
    assert verify_jwt(client, token)["jti"].endswith(f"/credentials/{award.uuid}")
    original = Image.open(io.BytesIO(png_image()))
    assert image.size == original.size and image.tobytes() == original.convert(image.mode).tobytes()


def test_baking_again_keeps_one_credential_chunk():
    baked = bake_png(bake_png(png_image(), "first.jwt.value"), "second.jwt.value")
    assert baked.count(b"openbadgecredential") == 1
    assert Image.open(io.BytesIO(baked)).text["openbadgecredential"] == "second.jwt.value"
    with pytest.raises(BakingError):
        bake_png(b"GIF89a not a png", "x")


def test_svg_images_and_revoked_awards_have_no_baked_png(client, city_a, learner, make_user):
    svg_badge = make_badge(city_a, image=False, name="Vector")
    badges_api.set_image(svg_badge, SVG, filename="badge.svg")
    award = make_award(learner, svg_badge)
    assert client.get(f"/cities-network/ob/v3/credentials/{award.uuid}/image.png").status_code == 404
    revoked = make_award(make_user("other"), make_badge(city_a))
    engine.revoke(revoked, "Awarded by mistake.")
    assert client.get(f"/cities-network/ob/v3/credentials/{revoked.uuid}/image.png").status_code == 410
