"""
Issuers' signing keys for Open Badges 3.0: generate, rotate, load, and publish the public halves.

A private key leaves this module only as a ``cryptography`` key object handed to the signing code. At rest it is
either encrypted in the database (AES-256-GCM under a key derived with HKDF-SHA256 from the setting
``CITIES_NETWORK_KEY_ENCRYPTION_SECRET``, the key id bound in as associated data so that a blob cannot be moved to
another row) or written as a PEM file (mode 0600) in ``CITIES_NETWORK_KEY_FILES_DIR``. Without either setting no
key is generated: an unprotected private key in the database would be readable by anyone with a database dump.

Rotation never deletes: a retired key stops signing but stays in the issuer's JWKS (and its Multikey document),
so every credential signed before the rotation still verifies. Logs name key ids only, never key material.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .issuers import absolute
from .models import IssuerProfile, KeyAlgorithm, KeyStatus, SigningKey

log = logging.getLogger(__name__)

V3 = "/cities-network/ob/v3"
RSA_BITS = 3072
MIN_SECRET_LENGTH = 16
_BLOB_VERSION = b"CNK1"
_HKDF_SALT = b"cities-network-plugin/signing-keys"
_HKDF_INFO = b"AES-256-GCM key for issuer private keys, v1"
# The only members a published JWK may have: never "d", "p", "q", "dp", "dq" or "qi".
PUBLIC_JWK_MEMBERS = ("kty", "crv", "x", "n", "e", "kid", "alg", "use")


class KeyConfigurationError(RuntimeError):
    """No safe place to keep a private key, or the stored one cannot be opened with the current settings."""


NO_STORAGE_MESSAGE = (
    "No safe place to keep private signing keys: set CITIES_NETWORK_KEY_ENCRYPTION_SECRET (a long random secret, "
    f"at least {MIN_SECRET_LENGTH} characters, kept out of the database) or CITIES_NETWORK_KEY_FILES_DIR (a "
    "directory only the LMS can read) in the LMS settings, then run `cities_network_keys generate --issuer SLUG`."
)


# --- Where documents about keys live -------------------------------------------------------------------------------

def profile_url(issuer: IssuerProfile, request=None) -> str:
    """The issuer's OB 3.0 Profile: the ``issuer.id`` of its credentials and the controller of its keys."""
    return absolute(f"{V3}/issuers/{issuer.slug}", request)


def jwks_url(issuer: IssuerProfile, request=None) -> str:
    return absolute(f"{V3}/issuers/{issuer.slug}/jwks.json", request)


def kid_url(key: SigningKey, request=None) -> str:
    """The JOSE ``kid``: a URI that dereferences to the JWK (the JWKS, the key id as fragment), as OB 3.0 asks."""
    return f"{jwks_url(key.issuer, request)}#{key.kid}"


def verification_method_url(key: SigningKey, request=None) -> str:
    """The key's own Multikey document: what an ``eddsa-rdfc-2022`` proof names as its ``verificationMethod``."""
    return absolute(f"{V3}/issuers/{key.issuer.slug}/keys/{key.kid}", request)


# --- Public key forms -------------------------------------------------------------------------------------------

def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(value: int) -> str:
    return _b64u(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def _public_members(public_key) -> dict:
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"crv": "Ed25519", "kty": "OKP", "x": _b64u(raw)}
    numbers = public_key.public_numbers()
    return {"e": _uint(numbers.e), "kty": "RSA", "n": _uint(numbers.n)}


def thumbprint(members: dict) -> str:
    """RFC 7638 JWK thumbprint (SHA-256): a key id that anyone can recompute from the public key."""
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return _b64u(hashlib.sha256(canonical).digest())


def public_jwk(key: SigningKey) -> dict:
    """The published JWK of a key, filtered to public members whatever the stored JSON holds."""
    return {name: key.public_jwk[name] for name in PUBLIC_JWK_MEMBERS if name in key.public_jwk}


def jwks(issuer: IssuerProfile) -> dict:
    """Every key of the issuer, active and retired (old credentials must keep verifying), newest first."""
    return {"keys": [public_jwk(key) for key in issuer.keys.order_by("-created", "-pk")]}


def ed25519_public_bytes(key: SigningKey) -> bytes:
    if key.algorithm != KeyAlgorithm.EDDSA:
        raise ValueError("Only Ed25519 keys have a Multikey form here.")
    return base64.urlsafe_b64decode(key.public_jwk["x"] + "=" * (-len(key.public_jwk["x"]) % 4))


# --- Keeping private keys ---------------------------------------------------------------------------------------

def storage_mode() -> str:
    """``files``, ``database`` or ``""`` (nowhere safe: no key may be generated)."""
    if settings.CITIES_NETWORK_KEY_FILES_DIR:
        return "files"
    if settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET:
        return "database"
    return ""


def _aead() -> AESGCM:
    secret = settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET or ""
    if len(secret) < MIN_SECRET_LENGTH:
        raise KeyConfigurationError(NO_STORAGE_MESSAGE)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(secret.encode())
    return AESGCM(derived)


def _encrypt(der: bytes, kid: str) -> bytes:
    nonce = os.urandom(12)
    return _BLOB_VERSION + nonce + _aead().encrypt(nonce, der, kid.encode("ascii"))


def _decrypt(blob: bytes, kid: str) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(_BLOB_VERSION):
        raise KeyConfigurationError(f"The stored private key {kid} is in an unknown format.")
    try:
        return _aead().decrypt(blob[4:16], blob[16:], kid.encode("ascii"))
    except InvalidTag:
        raise KeyConfigurationError(
            f"The private key {kid} cannot be decrypted with the current CITIES_NETWORK_KEY_ENCRYPTION_SECRET "
            "(was the secret changed?). Restore the old secret, or rotate to a new key.") from None


def _key_path(name: str) -> Path:
    directory = settings.CITIES_NETWORK_KEY_FILES_DIR
    if not directory:
        raise KeyConfigurationError("This key is kept in a file, but CITIES_NETWORK_KEY_FILES_DIR is not set.")
    return Path(directory) / Path(name).name  # a bare file name: never a path out of the directory


def _write_file(name: str, pem: bytes) -> None:
    path = _key_path(name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


# Parsed private keys of this process, by key id and a digest of exactly what they were read from (the file or the
# encrypted blob, and the encryption secret): loading an RSA key checks it, which costs more than a hundred RS256
# signatures, so without this every credential would pay it. A changed file, blob or secret misses the cache.
_PARSED: dict[tuple[str, str], object] = {}
_PARSED_LIMIT = 64


def _cached(kid: str, *sources: bytes, load):
    digest = hashlib.sha256(b"\0".join(sources)).hexdigest()
    parsed = _PARSED.get((kid, digest))
    if parsed is None:
        parsed = load()
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[(kid, digest)] = parsed
    return parsed


def private_key(key: SigningKey):
    """The key's private half as a ``cryptography`` object, for the signing code only."""
    if key.private_key_file:
        try:
            data = _key_path(key.private_key_file).read_bytes()
        except OSError as exc:
            raise KeyConfigurationError(f"The private key file of key {key.kid} cannot be read ({exc.strerror}).") \
                from None
        return _cached(key.kid, b"file", data, load=lambda: serialization.load_pem_private_key(data, password=None))
    if not key.private_key:
        raise KeyConfigurationError(f"Key {key.kid} has no private half stored.")
    blob = bytes(key.private_key)
    secret = (settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET or "").encode()
    return _cached(key.kid, b"database", blob, secret, load=lambda: serialization.load_der_private_key(
        _decrypt(blob, key.kid), password=None))


# --- Generating and rotating ------------------------------------------------------------------------------------

def default_algorithm() -> str:
    algorithm = settings.CITIES_NETWORK_DEFAULT_KEY_ALGORITHM
    return algorithm if algorithm in KeyAlgorithm.values else KeyAlgorithm.EDDSA


def _new_private(algorithm: str):
    if algorithm == KeyAlgorithm.EDDSA:
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == KeyAlgorithm.RS256:
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    raise ValueError(f"Unknown key algorithm {algorithm!r}: use one of {', '.join(KeyAlgorithm.values)}.")


def _create(issuer: IssuerProfile, algorithm: str) -> SigningKey:
    mode = storage_mode()
    if not mode:
        raise KeyConfigurationError(NO_STORAGE_MESSAGE)
    secret = _new_private(algorithm)
    members = _public_members(secret.public_key())
    kid = thumbprint(members)
    key = SigningKey(issuer=issuer, kid=kid, algorithm=algorithm, status=KeyStatus.ACTIVE,
                     public_jwk={**members, "kid": kid, "alg": algorithm, "use": "sig"})
    if mode == "files":
        key.private_key_file = f"{issuer.slug}-{kid}.pem"
        _write_file(key.private_key_file, secret.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    else:
        key.private_key = _encrypt(secret.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), kid)
    key.save()
    log.info("cities_network: new %s signing key %s for issuer %s (%s)", algorithm, kid, issuer.slug, mode)
    return key


def _lock(issuer: IssuerProfile) -> None:
    """Serialise key changes of one issuer, so two workers never both create its first key."""
    IssuerProfile.objects.select_for_update().filter(pk=issuer.pk).exists()


def active_keys(issuer: IssuerProfile, algorithm: str | None = None):
    if issuer.pk is None:  # a profile not stored yet (``issuers.issuer_of``) has no keys
        return SigningKey.objects.none()
    keys = issuer.keys.filter(status=KeyStatus.ACTIVE)
    return keys.filter(algorithm=algorithm) if algorithm else keys


def generate(issuer: IssuerProfile, algorithm: str | None = None) -> SigningKey:
    """A first key of ``algorithm`` for the issuer; an issuer with an active one of that kind rotates instead."""
    algorithm = algorithm or default_algorithm()
    with transaction.atomic():
        _lock(issuer)
        if active_keys(issuer, algorithm).exists():
            raise ValueError(f"{issuer.slug} already has an active {algorithm} key: rotate it instead.")
        return _create(issuer, algorithm)


def rotate(issuer: IssuerProfile, algorithm: str | None = None) -> tuple[SigningKey, list[SigningKey]]:
    """
    A new active key; the previously active keys of the same algorithm retire (still published, no longer
    signing). Without ``algorithm``: the algorithm of the key that signs now, else the default.
    """
    with transaction.atomic():
        _lock(issuer)
        current = signing_key(issuer, create=False)
        algorithm = algorithm or (current.algorithm if current else default_algorithm())
        retired = list(active_keys(issuer, algorithm))
        new = _create(issuer, algorithm)
        SigningKey.objects.filter(pk__in=[key.pk for key in retired]).update(
            status=KeyStatus.RETIRED, retired_at=timezone.now())
    for key in retired:
        key.refresh_from_db()
        log.info("cities_network: retired signing key %s of issuer %s", key.kid, issuer.slug)
    return new, retired


def signing_key(issuer: IssuerProfile, algorithm: str | None = None, create: bool = True) -> SigningKey | None:
    """
    The key that signs the issuer's credentials now: the newest active key of ``algorithm`` (any algorithm when
    not given, the default one preferred). An issuer without one gets one when ``create``: only where an issuer
    starts to issue (``issuing``) or an operator asks; documents being read use ``current_key``.
    """
    keys = active_keys(issuer, algorithm).order_by("-created", "-pk")
    preferred = keys if algorithm else keys.filter(algorithm=default_algorithm())
    key = preferred.first() or keys.first()
    if key is not None or not create:
        return key
    with transaction.atomic():
        _lock(issuer)
        key = active_keys(issuer, algorithm or default_algorithm()).order_by("-created", "-pk").first()
        return key or _create(issuer, algorithm or default_algorithm())


def current_key(issuer: IssuerProfile, algorithm: str | None = None) -> SigningKey:
    """
    The key that signs now, read only: a document being read never makes a key. Without one, the operator's task
    is raised (``KeyConfigurationError``), naming the command that makes it.
    """
    key = signing_key(issuer, algorithm, create=False)
    if key is not None:
        return key
    if not storage_mode():
        raise KeyConfigurationError(NO_STORAGE_MESSAGE)
    kind = "an Ed25519" if algorithm == KeyAlgorithm.EDDSA else "a"
    option = " --algorithm EdDSA" if algorithm == KeyAlgorithm.EDDSA else ""
    raise KeyConfigurationError(f"The issuer {issuer.slug} has no {kind} signing key yet: run "
                                f"`cities_network_keys generate --issuer {issuer.slug}{option} --if-missing`.")
