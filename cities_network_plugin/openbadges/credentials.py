"""
Open Badges 3.0 documents: the ``OpenBadgeCredential`` of an award and the issuer's Profile, and their signed forms.

The credential follows the OB 3.0 data model on the VC Data Model 2.0 (``validFrom``/``validUntil``). It carries
no personal data in clear: the learner is identified by a salted SHA-256 hash of the email address at the time of
the award (the same salt and hash as the award's OB 2.0 assertion, so one address check serves both), and the
evidence is described from what earned the badge, with names and addresses removed (``v2.evidence_for``).

The achievement's id is the badge class's OB 2.0 URL: one public, dereferenceable description of the badge for
both versions. The issuer's id is its OB 3.0 Profile, which lists the keys that may sign for it.
"""
from __future__ import annotations

import datetime
import re

from ..badges.models import Award, BadgeClass
from . import dataintegrity, keys, signing, statuslists
from .issuers import absolute, issuer_of
from .models import IssuerProfile, KeyAlgorithm
from .v2 import badge_class_url, badge_image_url, evidence_for, identity_hash

CONTEXTS = [dataintegrity.VC_V2, dataintegrity.OB_V3]
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
# VC 2.0's "JsonSchema" (VC JSON Schema, Draft 2019-09 included), not the older "1EdTechJsonSchemaValidator2019":
# no context of the credential defines that one, so JSON-LD processors in safe mode (Digital Bazaar's verifier)
# reject the whole credential as having an undefined type.
SCHEMA_TYPE = "JsonSchema"
ALIGNMENT_FIELDS = ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")
# C0 controls other than tab, newline and carriage return: N-Quads implementations disagree on how to escape them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def credential_url(award: Award, request=None) -> str:
    return absolute(f"{keys.V3}/credentials/{award.uuid}", request)


def baked_image_url(award: Award, request=None) -> str:
    return absolute(f"{keys.V3}/credentials/{award.uuid}/image.png", request)


def _text(value) -> str:
    return _CONTROLS.sub("", str(value))


def _timestamp(value: datetime.datetime) -> str:
    """UTC, whole seconds: ``nbf``/``exp`` are whole seconds and must equal ``validFrom``/``validUntil``."""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def issuer_profile(profile: IssuerProfile, request=None) -> dict:
    """The issuer as embedded in a credential (``Profile``)."""
    document = {"id": keys.profile_url(profile, request), "type": ["Profile"], "name": _text(profile.name),
                "url": profile.url, "email": profile.email}
    if profile.description:
        document["description"] = _text(profile.description)
    return document


def profile_document(profile: IssuerProfile, request=None) -> dict:
    """
    The issuer's Profile as served at its id. ``assertionMethod`` lists every Ed25519 key, retired ones too (old
    proofs must keep verifying): it is how a verifier learns that a key may sign for this issuer. The term comes
    from the security vocabulary, defined inline because neither the VC nor the OB context defines it at the top.
    """
    methods = [keys.verification_method_url(key, request)
               for key in profile.keys.filter(algorithm=KeyAlgorithm.EDDSA).order_by("-created", "-pk")]
    return {
        "@context": [*CONTEXTS, {"assertionMethod": {"@id": "https://w3id.org/security#assertionMethod",
                                                     "@type": "@id", "@container": "@set"}}],
        **issuer_profile(profile, request),
        "assertionMethod": methods,
    }


def _alignments(badge_class: BadgeClass) -> list[dict]:
    """Well-formed alignments only (a name and an http(s) URL): one bad entry must not invalidate the credential."""
    result = []
    for entry in badge_class.alignments if isinstance(badge_class.alignments, list) else []:
        if isinstance(entry, dict) and entry.get("targetName") and str(entry.get("targetUrl", "")).startswith(
                ("http://", "https://")):
            result.append({"type": ["Alignment"],
                           **{name: _text(entry[name]) for name in ALIGNMENT_FIELDS if entry.get(name)}})
    return result


def achievement(badge_class: BadgeClass, request=None) -> dict:
    document = {
        "id": badge_class_url(badge_class, request),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": _text(badge_class.name),
        "description": _text(badge_class.description),
        "criteria": {"narrative": _text(badge_class.criteria_narrative)},
        "image": {"id": badge_image_url(badge_class, request), "type": "Image"},
    }
    alignments = _alignments(badge_class)
    if alignments:
        document["alignment"] = alignments
    tags = [_text(tag) for tag in (badge_class.tags if isinstance(badge_class.tags, list) else []) if str(tag).strip()]
    if tags:
        document["tag"] = tags
    return document


def build_credential(award: Award, request=None, issuer: IssuerProfile | None = None) -> dict:
    """
    The award's ``OpenBadgeCredential``, unsigned, with the award's status list position, so a credential never
    leaves without a way to revoke it: the award gets it when it is made (``statuslists.allocate``); an award that
    has none yet gets it here, which the public views never come to (they answer "not ready" first, since a GET
    writes nothing). ``issuer``: the class's issuer profile, when the caller has it already.
    """
    badge_class = award.badge_class
    entry = statuslists.entry_for(award)
    credential = {
        "@context": list(CONTEXTS),
        "id": credential_url(award, request),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(issuer or issuer_of(badge_class), request),
        "validFrom": _timestamp(award.issued_at),
        "name": _text(badge_class.name),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": identity_hash(award.recipient_email, award.salt),
                            "identityType": "emailAddress", "hashed": True, "salt": award.salt}],
            "achievement": achievement(badge_class, request),
        },
        "credentialStatus": statuslists.credential_status(entry, request),
        "credentialSchema": [{"id": SCHEMA_URL, "type": SCHEMA_TYPE}],
    }
    if award.expires_at:
        credential["validUntil"] = _timestamp(award.expires_at)
    evidence = [{"type": ["Evidence"], **{name: _text(value) for name, value in item.items()}}
                for item in evidence_for(award, request)]
    if evidence:
        credential["evidence"] = evidence
    return credential


# --- Signed forms ---------------------------------------------------------------------------------------------------

def credential_jwt(award: Award, request=None) -> str:
    """The award's credential as a compact VC-JWT, signed with its issuer's current key."""
    issuer = issuer_of(award.badge_class)
    key = keys.current_key(issuer)
    return signing.vc_jwt(build_credential(award, request, issuer=issuer), key, request)


def credential_with_proof(award: Award, request=None) -> dict:
    """The award's credential with an embedded ``eddsa-rdfc-2022`` proof (by the issuer's current Ed25519 key)."""
    issuer = issuer_of(award.badge_class)
    key = keys.current_key(issuer, algorithm=KeyAlgorithm.EDDSA)
    return dataintegrity.add_proof(build_credential(award, request, issuer=issuer), key, request=request)


def status_list_jwt(status_list, request=None) -> str:
    return signing.vc_jwt(statuslists.status_list_credential(status_list, request),
                          keys.current_key(status_list.issuer), request)


def status_list_with_proof(status_list, request=None) -> dict:
    key = keys.current_key(status_list.issuer, algorithm=KeyAlgorithm.EDDSA)
    return dataintegrity.add_proof(statuslists.status_list_credential(status_list, request), key, request=request)
