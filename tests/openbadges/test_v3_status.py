"""
Revocation through W3C Bitstring Status Lists: positions drawn at random, a new list when one is full, the list
served as a signed credential and decoded here with the standard library alone (gzip, base64url).
"""
import base64
import gzip

import pytest

from cities_network_plugin.badges import engine
from cities_network_plugin.openbadges import statuslists
from cities_network_plugin.openbadges.issuers import city_profile
from cities_network_plugin.openbadges.models import CredentialStatus, StatusList

from .v3_support import credential_json, credential_jwt, get, make_award, make_badge, require_contexts, verify_jwt

pytestmark = pytest.mark.django_db


def _bits(encoded: str) -> bytes:
    assert encoded.startswith("u")  # multibase base64url, no padding
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _bit(bits: bytes, index: int) -> int:
    return (bits[index // 8] >> (7 - index % 8)) & 1  # position 0 is the first byte's most significant bit


def _served_list(client, url: str) -> dict:
    """The status list credential as a verifier gets it by default: a VC-JWT, checked with joserfc."""
    response = get(client, url)
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    assert response["Cache-Control"] == "no-cache"
    claims = verify_jwt(client, response.content.decode())
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["sub"] == claims["credentialSubject"]["id"] == f"{url}#list"
    return claims


def test_revoking_sets_the_awards_bit_at_once_and_no_other(client, city_a, learner, make_user):
    badge = make_badge(city_a)
    awards = [make_award(user, badge) for user in (learner, make_user("b"), make_user("c"))]
    statuses = [credential_json(client, award)["credentialStatus"] for award in awards]
    entry = statuses[1]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
    assert isinstance(entry["statusListIndex"], str)
    assert len({status["statusListCredential"] for status in statuses}) == 1
    url = entry["statusListCredential"]

    before = _bits(_served_list(client, url)["credentialSubject"]["encodedList"])
    assert len(before) * 8 == 131072 and not any(before)

    engine.revoke(awards[1], "Awarded by mistake.")
    listed = _served_list(client, url)
    assert listed["iss"] == listed["issuer"] == credential_json(client, awards[0])["issuer"]["id"]
    bits = _bits(listed["credentialSubject"]["encodedList"])
    assert _bit(bits, int(entry["statusListIndex"])) == 1
    assert sum(bin(byte).count("1") for byte in bits) == 1
    for other in (statuses[0], statuses[2]):
        assert _bit(bits, int(other["statusListIndex"])) == 0


def test_positions_are_random_unique_and_allocated_once(client, city_a, learner, make_user):
    badge = make_badge(city_a)
    awards = [make_award(user, badge) for user in [learner] + [make_user(f"u{n}") for n in range(5)]]
    indexes = [statuslists.entry_for(award).index for award in awards]
    assert len(set(indexes)) == len(indexes)
    assert indexes != list(range(len(indexes)))  # not handed out in order
    assert [statuslists.entry_for(award).index for award in awards] == indexes  # stable once allocated
    credential_jwt(client, awards[0])
    assert CredentialStatus.objects.count() == len(awards)


def test_a_full_list_is_followed_by_a_new_one(city_a, learner, make_user):
    badge = make_badge(city_a)
    small = StatusList.objects.create(issuer=city_profile(city_a), slug="alpha-small", size=16)
    first = [statuslists.entry_for(make_award(make_user(f"f{n}"), badge)) for n in range(16)]
    assert {entry.status_list_id for entry in first} == {small.pk}
    assert sorted(entry.index for entry in first) == list(range(16))
    overflow = statuslists.entry_for(make_award(learner, badge))
    assert overflow.status_list_id != small.pk and overflow.status_list.size == 131072


def test_the_json_form_of_the_list_carries_a_proof_and_unknown_lists_are_404(client, city_a, learner):
    require_contexts()
    url = credential_json(client, make_award(learner, make_badge(city_a)))["credentialStatus"]["statusListCredential"]
    document = get(client, url, accept="application/vc+ld+json").json()
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    assert client.get("/cities-network/ob/v3/status/no-such-list").status_code == 404
