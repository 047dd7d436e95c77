"""
VC-JWT: an Open Badges 3.0 credential secured as a compact JWS, written here directly on ``cryptography``.

What the JWT looks like follows the JSON Web Token Proof Format of Open Badges 3.0 (§8.2, the edition for the
VC Data Model 2.0), which narrows VC-JOSE-COSE:

- JOSE header: ``alg`` (``EdDSA`` or ``RS256``; RS256 is the one every OB 3.0 verifier must support), ``kid``
  (a URI that dereferences to the public JWK: the issuer's JWKS URL with the key id as fragment) and ``typ``
  ``"JWT"``. OB 3.0 allows no other header and requires ``typ``, when present, to be ``"JWT"``; that is why we do
  not send VC-JOSE-COSE's ``vc+jwt``/``cty``, which OB 3.0 verifiers would reject.
- Payload: the credential itself (the VC 2.0 way; VC 1.1 put it under a ``vc`` claim) plus the registered claims
  OB 3.0 asks for: ``iss`` = ``issuer.id``, ``jti`` = ``id``, ``nbf`` = ``validFrom``, ``exp`` = ``validUntil``
  when the credential expires, and ``sub`` = ``credentialSubject.id``. Our subjects are identified by a salted
  hash of their email address (``identifier``), not by an ``id`` — inventing one would claim an identity we never
  checked — so ``sub`` is present only when the subject has an id (the status list credential's has).

The JWS is written by hand because the steps are few and fully specified (RFC 7515 §7.1), and because the tests
then verify what we sign with a JOSE library this code does not use: a shared library's bug could not hide there.
"""
from __future__ import annotations

import base64
import datetime
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding

from . import keys
from .models import KeyAlgorithm, SigningKey

JWT_MEDIA_TYPE = "application/vc+jwt"


def b64u(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(signing_input: bytes, key: SigningKey) -> bytes:
    """The raw signature of ``signing_input``: Ed25519 (RFC 8037) or RSASSA-PKCS1-v1_5 with SHA-256."""
    private = keys.private_key(key)
    if key.algorithm == KeyAlgorithm.EDDSA:
        if not isinstance(private, ed25519.Ed25519PrivateKey):
            raise TypeError(f"Key {key.kid} is not an Ed25519 key.")
        return private.sign(signing_input)
    return private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def compact_jws(payload: dict, key: SigningKey, request=None) -> str:
    """``BASE64URL(header) . BASE64URL(payload) . BASE64URL(signature)``, with the header OB 3.0 allows."""
    header = {"alg": key.algorithm, "kid": keys.kid_url(key, request), "typ": "JWT"}
    signing_input = f"{b64u(_json(header))}.{b64u(_json(payload))}".encode("ascii")
    return f"{signing_input.decode('ascii')}.{b64u(sign(signing_input, key))}"


def numeric_date(value: str) -> int:
    """A JWT NumericDate (seconds since the epoch) from a credential's ISO 8601 date-time."""
    return int(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def jwt_claims(credential: dict) -> dict:
    """The JWT payload: the credential and the registered claims that mirror its properties (see above)."""
    issuer = credential["issuer"]
    claims = {
        **credential,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "nbf": numeric_date(credential["validFrom"]),
    }
    if credential.get("validUntil"):
        claims["exp"] = numeric_date(credential["validUntil"])
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    return claims


def vc_jwt(credential: dict, key: SigningKey, request=None) -> str:
    """The credential as a compact VC-JWT signed with ``key``."""
    return compact_jws(jwt_claims(credential), key, request)
