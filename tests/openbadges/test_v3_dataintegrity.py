"""
The JSON form of OB 3.0 credentials (``Accept: application/vc+ld+json``) with an embedded ``eddsa-rdfc-2022``
proof, verified by Digital Bazaar's JavaScript implementation (``@digitalbazaar/vc`` with the data-integrity,
eddsa-rdfc-2022 and bitstring-status-list packages) from the documents the LMS serves, offline.
"""
import copy
import datetime

import pytest

from cities_network_plugin.badges import engine
from cities_network_plugin.openbadges import keys
from cities_network_plugin.openbadges.issuers import city_profile

from .v3_support import (
    credential_json,
    get,
    make_award,
    make_badge,
    require_contexts,
    verifier_documents,
    verify_with_js,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _tools():
    require_contexts()


def _verify(client, credential, now=None):
    return verify_with_js(credential, verifier_documents(client, credential), now=now)


def test_the_proof_verifies_with_digital_bazaar_and_names_a_key_of_the_issuer(client, city_a, learner):
    credential = credential_json(client, make_award(learner, make_badge(city_a)))
    proof = credential["proof"]
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof", "eddsa-rdfc-2022", "assertionMethod")
    assert proof["proofValue"].startswith("z")
    method = get(client, proof["verificationMethod"]).json()
    assert (method["type"], method["controller"]) == ("Multikey", credential["issuer"]["id"])
    assert method["publicKeyMultibase"].startswith("z6Mk")  # multicodec ed25519-pub, base58btc
    result = _verify(client, credential)
    assert result == {"verified": True, "status": False, "valid": True, "error": None}


@pytest.mark.parametrize("change", ["name", "subject", "issuer", "proof"])
def test_a_tampered_credential_fails(client, city_a, learner, change):
    credential = credential_json(client, make_award(learner, make_badge(city_a)))
    tampered = copy.deepcopy(credential)
    if change == "name":
        tampered["credentialSubject"]["achievement"]["name"] = "Rocket scientist"
    elif change == "subject":
        tampered["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$" + "0" * 64
    elif change == "issuer":
        tampered["issuer"]["name"] = "Someone else"
    else:
        tampered["proof"]["created"] = "2020-01-01T00:00:00Z"
    result = _verify(client, tampered)
    assert result["verified"] is False and result["error"]


def test_a_revoked_credential_shows_its_status_bit(client, city_a, learner):
    award = make_award(learner, make_badge(city_a))
    credential = credential_json(client, award)
    engine.revoke(award, "Awarded by mistake.")
    result = _verify(client, credential)
    assert result["status"] is True and result["valid"] is False


def test_an_expired_credential_fails(client, city_a, learner):
    expired = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    credential = credential_json(client, make_award(learner, make_badge(city_a), expires_at=expired))
    assert credential["validUntil"] == "2026-04-01T00:00:00Z"
    assert _verify(client, credential, now="2026-03-31T00:00:00Z")["valid"] is True
    result = _verify(client, credential)
    assert result["verified"] is False and "validUntil" in result["error"]


def test_proofs_by_a_retired_key_still_verify(client, city_a, learner, make_user):
    badge = make_badge(city_a)
    old = credential_json(client, make_award(learner, badge))
    keys.rotate(city_profile(city_a))
    new = credential_json(client, make_award(make_user("second"), badge))
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    assert _verify(client, old)["valid"] is True
    assert _verify(client, new)["valid"] is True


def test_an_rs256_issuer_still_gets_an_ed25519_proof(client, city_a, learner):
    keys.generate(city_profile(city_a), "RS256")
    credential = credential_json(client, make_award(learner, make_badge(city_a)))
    assert _verify(client, credential)["valid"] is True


def test_content_negotiation(client, city_a, learner):
    award = make_award(learner, make_badge(city_a))
    url = f"/cities-network/ob/v3/credentials/{award.uuid}"
    for accept, expected in [("application/vc+ld+json", "application/vc+ld+json"),
                             ("application/json;q=0.9, */*", "application/json"),
                             ("application/vc+jwt, application/json", "application/vc+jwt"),
                             ("text/html,*/*;q=0.8", "application/vc+jwt"), ("", "application/vc+jwt")]:
        response = client.get(url, HTTP_ACCEPT=accept) if accept else client.get(url)
        assert response["Content-Type"] == expected and "Accept" in response["Vary"].split(", ")


def test_the_issuer_profile_lists_its_ed25519_keys_as_assertion_methods(client, city_a, learner):
    credential = credential_json(client, make_award(learner, make_badge(city_a)))
    profile = get(client, credential["issuer"]["id"]).json()
    assert profile["id"] == credential["issuer"]["id"] and profile["type"] == ["Profile"]
    assert profile["assertionMethod"] == [credential["proof"]["verificationMethod"]]
    assert client.get("/cities-network/ob/v3/issuers/nowhere").status_code == 404
