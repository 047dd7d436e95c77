"""
Every Open Badges 2.0 document we serve, checked against the specification's data model (IMS Global, "Open Badges
v2.0", https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html): required properties,
their data types, and only terms the JSON-LD context https://w3id.org/openbadges/v2 defines. Written from the
specification, not from our code, so that a field we forget or misname fails here.
"""
import re

import pytest
from django.test import Client

from cities_network_plugin.badges import engine

from .v2_support import EMAIL, make_award, make_badge

CONTEXT = "https://w3id.org/openbadges/v2"
# The terms of the OB 2.0 JSON-LD context (https://w3id.org/openbadges/v2), less the prefixes and class names.
CONTEXT_TERMS = {
    "@context", "id", "type", "alignment", "allowedOrigins", "audience", "author", "badge", "caption", "claim",
    "created", "creator", "criteria", "description", "email", "endorsement", "endorsementComment", "evidence",
    "expires", "genre", "hashed", "identity", "image", "issuedOn", "issuer", "name", "narrative", "owner",
    "publicKey", "publicKeyPem", "recipient", "related", "revocationList", "revocationReason", "revoked",
    "revokedAssertions", "salt", "startsWith", "tags", "targetCode", "targetDescription", "targetFramework",
    "targetName", "targetUrl", "telephone", "uid", "url", "validatesType", "validationFrame", "validationSchema",
    "verification", "verificationProperty", "verify", "version",
}
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")  # a time zone is required
EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HASH = re.compile(r"^(sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$")


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _url(value) -> bool:
    return isinstance(value, str) and bool(URL.match(value))


# (property, required, check) per class, from the specification's tables.
SPEC = {
    "Profile": [("id", True, _url), ("type", True, lambda v: v in ("Issuer", "Profile")), ("name", True, _text),
                ("url", True, _url), ("email", True, lambda v: isinstance(v, str) and bool(EMAIL_ADDRESS.match(v))),
                ("description", False, _text), ("image", False, _url), ("revocationList", False, _url)],
    "BadgeClass": [("id", True, _url), ("type", True, lambda v: v == "BadgeClass"), ("name", True, _text),
                   ("description", True, _text), ("image", True, _url), ("criteria", True, None),
                   ("issuer", True, _url), ("alignment", False, lambda v: isinstance(v, list)),
                   ("tags", False, lambda v: isinstance(v, list) and all(_text(t) for t in v))],
    "Criteria": [("id", False, _url), ("narrative", False, _text)],
    "AlignmentObject": [("targetName", True, _text), ("targetUrl", True, _url), ("targetDescription", False, _text),
                        ("targetFramework", False, _text), ("targetCode", False, _text)],
    "Assertion": [("id", True, _url), ("type", True, lambda v: v == "Assertion"), ("recipient", True, None),
                  ("badge", True, _url), ("verification", True, None),
                  ("issuedOn", True, lambda v: isinstance(v, str) and bool(DATETIME.match(v))),
                  ("image", False, _url), ("evidence", False, lambda v: isinstance(v, list)),
                  ("narrative", False, _text),
                  ("expires", False, lambda v: isinstance(v, str) and bool(DATETIME.match(v)))],
    "IdentityObject": [("type", True, lambda v: v in ("email", "url", "telephone", "id")),
                       ("identity", True, _text), ("hashed", True, lambda v: isinstance(v, bool)),
                       ("salt", False, lambda v: isinstance(v, str))],
    "VerificationObject": [("type", True, lambda v: v in ("hosted", "HostedBadge", "signed", "SignedBadge"))],
    "Evidence": [("id", False, _url), ("narrative", False, _text), ("name", False, _text)],
    "RevocationList": [("type", True, lambda v: v == "RevocationList"), ("id", False, _url),
                       ("issuer", False, _url), ("revokedAssertions", True, lambda v: isinstance(v, list))],
}


def problems(node: dict, cls: str, path: str = "") -> list[str]:
    """What in ``node`` breaks the specification for ``cls``, as readable messages (empty when all is well)."""
    found = [f"{path}{key}: not a term of the OB 2.0 context" for key in node if key not in CONTEXT_TERMS]
    for name, required, check in SPEC[cls]:
        if name not in node:
            found += [f"{path}{name}: required in {cls}"] if required else []
        elif check is not None and not check(node[name]):
            found.append(f"{path}{name}: {node[name]!r} is not valid in {cls}")
    if cls == "Assertion":
        recipient = node.get("recipient", {})
        found += problems(recipient, "IdentityObject", f"{path}recipient.")
        if recipient.get("hashed") and not HASH.match(str(recipient.get("identity", ""))):
            found.append(f"{path}recipient.identity: a hashed identity is 'sha256$' and 64 hex digits")
        found += problems(node.get("verification", {}), "VerificationObject", f"{path}verification.")
        for number, item in enumerate(node.get("evidence", [])):
            found += problems(item, "Evidence", f"{path}evidence[{number}].")
            found += [] if "id" in item or "narrative" in item else [f"{path}evidence[{number}]: id or narrative"]
    if cls == "BadgeClass":
        criteria = node.get("criteria")
        if isinstance(criteria, dict):
            found += problems(criteria, "Criteria", f"{path}criteria.")
            found += [] if "id" in criteria or "narrative" in criteria else [f"{path}criteria: id or narrative"]
        elif not _url(criteria):
            found.append(f"{path}criteria: a URL or a Criteria object")
        for number, item in enumerate(node.get("alignment", [])):
            found += problems(item, "AlignmentObject", f"{path}alignment[{number}].")
    if cls == "RevocationList":
        for number, item in enumerate(node.get("revokedAssertions", [])):
            if not (_url(item) or (isinstance(item, dict) and _url(item.get("id")))):
                found.append(f"{path}revokedAssertions[{number}]: an assertion URL, or an object with its id")
    if not path and node.get("@context") != CONTEXT:
        found.append(f"@context: must be {CONTEXT}")
    return found


def test_the_checker_catches_what_the_specification_forbids():
    bad = {"@context": CONTEXT, "type": "BadgeClass", "id": "urn:x", "name": "", "alignments": [],
           "criteria": {"narative": "typo"}, "issuer": "https://example.org/i", "image": "https://example.org/b.png"}
    assert problems(bad, "BadgeClass") == [
        "alignments: not a term of the OB 2.0 context", "id: 'urn:x' is not valid in BadgeClass",
        "name: '' is not valid in BadgeClass", "description: required in BadgeClass",
        "criteria.narative: not a term of the OB 2.0 context", "criteria: id or narrative"]
    assertion = {"@context": CONTEXT, "type": "Assertion", "id": "https://e.org/a", "badge": "https://e.org/b",
                 "issuedOn": "2026-01-01T10:00:00", "verification": {"type": "hosted"},
                 "recipient": {"type": "email", "hashed": True, "identity": "sha256$abc"}}
    assert problems(assertion, "Assertion") == [
        "issuedOn: '2026-01-01T10:00:00' is not valid in Assertion",
        "recipient.identity: a hashed identity is 'sha256$' and 64 hex digits"]


@pytest.mark.django_db
@pytest.mark.parametrize("image", ["png", "svg", None])
def test_every_document_follows_the_specification(settings, city_a, make_user, image):
    settings.CITIES_NETWORK_PUBLIC_URL = "https://learn.example.org"
    learner = make_user("ana_rider", email=EMAIL)
    badge = make_badge(city_a, image=image, expiry_rule="days_after", expires_after_days=30)
    award = make_award(learner, badge, evidence={"requirements": [
        {"kind": "course_passed", "target": "course-v1:AlphaX+Bikes+2026"}]})
    revoked = make_award(make_user("bo"), badge)
    engine.revoke(revoked, "Awarded by mistake.")
    client = Client()
    documents = {
        "Assertion": client.get(f"/cities-network/ob/v2/assertions/{award.uuid}").json(),
        "BadgeClass": client.get(f"/cities-network/ob/v2/badges/{badge.uuid}").json(),
        "Profile": client.get("/cities-network/ob/v2/issuers/alpha").json(),
        "RevocationList": client.get("/cities-network/ob/v2/issuers/alpha/revocations").json(),
    }
    for cls, document in documents.items():
        assert problems(document, cls) == [], (cls, document)
    assert documents["Assertion"]["expires"] and documents["Assertion"]["evidence"]
    assert documents["BadgeClass"]["alignment"] and documents["RevocationList"]["revokedAssertions"]
    # The documents point at each other, as hosted verification follows them.
    assert documents["Assertion"]["badge"] == documents["BadgeClass"]["id"]
    assert documents["BadgeClass"]["issuer"] == documents["Profile"]["id"]
    assert documents["Profile"]["revocationList"] == documents["RevocationList"]["id"]
    assert all(doc["id"].startswith("https://learn.example.org/cities-network/ob/v2/") for doc in documents.values())


@pytest.mark.django_db
def test_the_network_issues_its_own_classes(settings, make_user):
    badge = make_badge(None)
    award = make_award(make_user("ana_rider", email=EMAIL), badge)
    client = Client()
    issuer = client.get("/cities-network/ob/v2/issuers/network").json()
    assert problems(issuer, "Profile") == []
    assert issuer["name"] == settings.CITIES_NETWORK_NAME
    assert client.get(f"/cities-network/ob/v2/badges/{badge.uuid}").json()["issuer"] == issuer["id"]
    assert problems(client.get(f"/cities-network/ob/v2/assertions/{award.uuid}").json(), "Assertion") == []
