"""
OB 3.0 credentials as VC-JWT, verified with joserfc (a JOSE library our signing code does not use) and nothing but
what the LMS serves: the JWKS named by the header's ``kid``.
"""
import base64
import datetime
import json
import time

import pytest
from joserfc.errors import BadSignatureError, ExpiredTokenError
from joserfc.jwk import import_key

from cities_network_plugin.badges import engine
from cities_network_plugin.openbadges import keys
from cities_network_plugin.openbadges.issuers import city_profile, network_profile
from cities_network_plugin.openbadges.models import KeyStatus

from .v3_support import credential_jwt, make_award, make_badge, resolve_kid, unverified_header, verify_jwt

pytestmark = pytest.mark.django_db


def _segment(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_the_credential_jwt_verifies_with_joserfc_using_the_served_jwks(client, city_a, learner):
    award = make_award(learner, make_badge(city_a))
    token = credential_jwt(client, award)
    header = unverified_header(token)
    assert set(header) == {"alg", "kid", "typ"}  # OB 3.0 allows no other JOSE header
    assert (header["alg"], header["typ"]) == ("EdDSA", "JWT")
    assert header["kid"].startswith("http://testserver/cities-network/ob/v3/issuers/alpha/jwks.json#")
    claims = verify_jwt(client, token)
    url = f"http://testserver/cities-network/ob/v3/credentials/{award.uuid}"
    assert claims["jti"] == claims["id"] == url
    assert claims["iss"] == claims["issuer"]["id"] == "http://testserver/cities-network/ob/v3/issuers/alpha"
    assert claims["nbf"] == int(award.issued_at.timestamp())
    assert claims["validFrom"] == "2026-03-01T09:30:00Z"
    assert claims["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "exp" not in claims and "sub" not in claims  # no expiry; the subject is identified by a hash, not an id


def test_a_tampered_payload_or_signature_fails(client, city_a, learner):
    token = credential_jwt(client, make_award(learner, make_badge(city_a)))
    header, payload, signature = token.split(".")
    changed = _segment(payload)
    changed["credentialSubject"]["achievement"]["name"] = "Rocket scientist"
    forged = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        verify_jwt(client, f"{header}.{forged}.{signature}")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(BadSignatureError):
        verify_jwt(client, f"{header}.{payload}.{flipped}")


def test_rs256_keys_sign_verifiable_credentials_too(client, city_a, learner, settings):
    settings.CITIES_NETWORK_DEFAULT_KEY_ALGORITHM = "RS256"  # how an operator has credentials signed with RSA
    key = keys.generate(city_profile(city_a), "RS256")
    token = credential_jwt(client, make_award(learner, make_badge(city_a)))
    header = unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"].endswith(f"#{key.kid}")
    jwk = resolve_kid(client, header["kid"])
    assert jwk["kty"] == "RSA" and import_key(jwk).as_dict()["n"] == jwk["n"]
    assert verify_jwt(client, token)["iss"].endswith("/issuers/alpha")


def test_after_rotation_old_credentials_verify_and_new_ones_use_the_new_key(client, city_a, learner, make_user):
    badge = make_badge(city_a)
    old_token = credential_jwt(client, make_award(learner, badge))
    old_kid = unverified_header(old_token)["kid"]
    new_key, retired = keys.rotate(city_profile(city_a))
    assert [key.kid for key in retired] == [old_kid.split("#")[1]]
    assert retired[0].status == KeyStatus.RETIRED
    new_token = credential_jwt(client, make_award(make_user("second"), badge))
    assert unverified_header(new_token)["kid"].endswith(f"#{new_key.kid}")
    assert verify_jwt(client, old_token)["iss"] == verify_jwt(client, new_token)["iss"]
    served = client.get("/cities-network/ob/v3/issuers/alpha/jwks.json").json()["keys"]
    assert {key["kid"] for key in served} == {new_key.kid, retired[0].kid}


def test_an_expired_credential_has_validuntil_in_the_past_and_fails_exp(client, city_a, learner):
    expired = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    token = credential_jwt(client, make_award(learner, make_badge(city_a), expires_at=expired))
    claims = verify_jwt(client, token, now=int(expired.timestamp()) - 60)  # still valid the minute before
    assert claims["validUntil"] == "2026-04-01T00:00:00Z" and claims["exp"] == int(expired.timestamp())
    assert claims["exp"] < time.time()
    with pytest.raises(ExpiredTokenError):
        verify_jwt(client, token)


def test_network_badges_are_signed_by_the_network_and_its_jwks_exists(client, learner):
    badge = make_badge(None)  # the network's first active class makes its profile and key
    response = client.get("/cities-network/ob/v3/issuers/network/jwks.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert len(response.json()["keys"]) == 1
    token = credential_jwt(client, make_award(learner, badge))
    assert verify_jwt(client, token)["iss"] == "http://testserver/cities-network/ob/v3/issuers/network"
    assert network_profile().keys.count() == 1


def test_unknown_draft_and_revoked_awards(client, city_a, learner, make_user):
    assert client.get("/cities-network/ob/v3/credentials/0b5f7c53-8d55-4a1f-9d0c-3f8d2c1b9a77").status_code == 404
    draft = make_award(learner, make_badge(city_a, name="Draft"))
    draft.badge_class.status = "draft"
    draft.badge_class.save(update_fields=["status"])
    assert client.get(f"/cities-network/ob/v3/credentials/{draft.uuid}").status_code == 404
    assert client.get(f"/cities-network/ob/v3/credentials/{draft.uuid}/image.png").status_code == 404
    revoked = make_award(make_user("other"), make_badge(city_a, name="Revoked"))
    engine.revoke(revoked, "Awarded by mistake.")
    response = client.get(f"/cities-network/ob/v3/credentials/{revoked.uuid}")
    assert response.status_code == 410 and response.json()["revoked"] is True
    assert client.get("/cities-network/ob/v3/issuers/nowhere/jwks.json").status_code == 404
