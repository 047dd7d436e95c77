"""
The OB 3.0 credential against a JSON Schema (Draft 2019-09, formats checked), and its privacy.

NOT the 1EdTech schema. 1EdTech publishes ``ob_v3p0_achievementcredential_schema.json`` only on its website, and no
package on PyPI or npm ships it (checked: ``openbadgeslib`` ships contexts only, ``@digitalcredentials/
verifier-core`` downloads the schema at run time, the context packages carry no schemas). Tests must run offline
and we do not copy third-party files into the repository, so ``NORMATIVE_SCHEMA`` below is our own transcription of
the normative requirements of OB 3.0 (VC Data Model 2.0 edition, §B "Data Models": AchievementCredential, Profile,
AchievementSubject, Achievement, Criteria, Image, IdentityObject, Alignment, Evidence, CredentialStatus,
CredentialSchema) — required properties, their types, formats and fixed values. Should a package ever ship the
1EdTech file, validate against it here instead.
"""
import json

import jsonschema
import pytest

from .v3_support import credential_json, credential_jwt, make_award, make_badge, require_contexts, verify_jwt

pytestmark = pytest.mark.django_db

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _types(*required: str) -> dict:
    """OB 3.0 ``type``: a string or an array of strings that contains each of ``required``."""
    contains = [{"contains": {"const": name}} for name in required]
    return {"oneOf": [{"type": "string", "enum": list(required)} if len(required) == 1 else False,
                      {"type": "array", "items": {"type": "string"}, "allOf": contains}]}


_URI = {"type": "string", "format": "uri"}
_TEXT = {"type": "string", "minLength": 1}
_TYPED = {"type": "object", "required": ["id", "type"], "properties": {"id": _URI, "type": {"type": "string"}}}
NORMATIVE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "title": "Normative requirements of an OB 3.0 AchievementCredential (our transcription, not 1EdTech's file)",
    "type": "object",
    "required": ["@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"],
    "properties": {
        "@context": {"type": "array", "minItems": 2, "prefixItems": [{"const": VC_V2}],
                     "items": {"type": "string"}, "contains": {"const": OB_V3}},
        "id": _URI,
        "type": _types("VerifiableCredential", "OpenBadgeCredential"),
        "name": _TEXT,
        "validFrom": {"type": "string", "format": "date-time"},
        "validUntil": {"type": "string", "format": "date-time"},
        "issuer": {"type": "object", "required": ["id", "type"], "properties": {
            "id": _URI, "type": _types("Profile"), "name": _TEXT, "url": _URI,
            "email": {"type": "string", "format": "email"}}},
        "credentialSubject": {
            "type": "object", "required": ["type", "achievement"],
            "anyOf": [{"required": ["id"]}, {"required": ["identifier"]}],
            "properties": {
                "type": _types("AchievementSubject"),
                "identifier": {"type": "array", "items": {
                    "type": "object", "required": ["type", "hashed", "identityHash", "identityType"],
                    "properties": {"type": {"const": "IdentityObject"}, "hashed": {"type": "boolean"},
                                   "identityHash": _TEXT, "identityType": {"type": "string"},
                                   "salt": {"type": "string"}}}},
                "achievement": {
                    "type": "object", "required": ["id", "type", "criteria", "description", "name"],
                    "properties": {
                        "id": _URI, "type": _types("Achievement"), "name": _TEXT, "description": _TEXT,
                        "criteria": {"type": "object", "anyOf": [{"required": ["id"]}, {"required": ["narrative"]}]},
                        "image": {"type": "object", "required": ["id", "type"],
                                  "properties": {"id": _URI, "type": {"const": "Image"}}},
                        "alignment": {"type": "array", "items": {
                            "type": "object", "required": ["type", "targetName", "targetUrl"],
                            "properties": {"type": _types("Alignment"), "targetName": _TEXT, "targetUrl": _URI}}},
                        "tag": {"type": "array", "items": {"type": "string"}},
                    }},
            }},
        "credentialStatus": _TYPED,
        "credentialSchema": {"type": "array", "items": _TYPED},
        "evidence": {"type": "array", "items": {"type": "object", "required": ["type"],
                                                "properties": {"type": _types("Evidence")}}},
        "proof": {"type": "object", "required": ["type"]},
    },
}


def _validate(document: dict) -> None:
    validator = jsonschema.Draft201909Validator(NORMATIVE_SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors)


def test_the_schema_catches_what_it_should():
    jsonschema.Draft201909Validator.check_schema(NORMATIVE_SCHEMA)
    with pytest.raises(AssertionError):
        _validate({"@context": [VC_V2], "type": ["VerifiableCredential"], "id": "not a uri"})


def test_the_json_form_and_the_jwt_payload_validate(client, city_a, learner):
    award = make_award(learner, make_badge(city_a))
    claims = verify_jwt(client, credential_jwt(client, award))
    _validate({name: value for name, value in claims.items() if name not in ("iss", "jti", "nbf", "exp", "sub")})
    require_contexts()
    _validate(credential_json(client, award))  # the JSON form, with its proof


def test_the_credential_describes_the_badge_and_hides_the_learners_address(client, city_a, learner):
    award = make_award(learner, make_badge(city_a))
    token = credential_jwt(client, award)
    claims = verify_jwt(client, token)
    subject = claims["credentialSubject"]
    identity = subject["identifier"][0]
    assert identity["hashed"] is True and identity["salt"] == award.salt
    assert identity["identityHash"].startswith("sha256$") and len(identity["identityHash"]) == 7 + 64
    achievement = subject["achievement"]
    assert achievement["id"] == f"http://testserver/cities-network/ob/v2/badges/{award.badge_class.uuid}"
    assert achievement["criteria"] == {"narrative": "Pass the bike repair course."}
    assert achievement["alignment"][0]["targetFramework"] == "ESCO"
    assert claims["evidence"][0]["type"] == ["Evidence"]
    for form in (json.dumps(claims, ensure_ascii=False), token):
        assert award.recipient_email.lower() not in form.lower()


def test_without_contexts_the_json_form_says_what_to_do(client, city_a, learner, settings, tmp_path):
    settings.CITIES_NETWORK_JSONLD_CONTEXTS_DIR = str(tmp_path)
    award = make_award(learner, make_badge(city_a))
    response = client.get(f"/cities-network/ob/v3/credentials/{award.uuid}", HTTP_ACCEPT="application/vc+ld+json")
    assert response.status_code == 503 and "cities_network_contexts" in response.json()["error"]
    assert client.get(f"/cities-network/ob/v3/credentials/{award.uuid}").status_code == 200  # the JWT still works
