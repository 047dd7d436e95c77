"""
Where an issuer starts to issue, its Open Badges rows are made: the issuer profile and, where private keys can be
kept safely, its first signing key. That is when one of its badge classes becomes active (``receivers``) and when
the keys command is run, never when a document is read: a GET of a public document writes nothing, so an anonymous
visitor cannot make rows (or an issuer) for a city that issues nothing.
"""
from __future__ import annotations

from ..tenancy.models import City
from . import keys
from .issuers import city_profile, network_profile
from .models import IssuerProfile, KeyAlgorithm


def start_issuing(city: City | None) -> IssuerProfile:
    """
    The issuer's profile (the network's for ``None``) and, with a key storage configured, its signing key of the
    default algorithm and an Ed25519 key (the only kind that signs the ``eddsa-rdfc-2022`` proofs); keys that exist
    are kept.
    """
    profile = city_profile(city) if city is not None else network_profile()
    if keys.storage_mode():
        keys.signing_key(profile, create=True)
        keys.signing_key(profile, KeyAlgorithm.EDDSA, create=True)
    return profile
