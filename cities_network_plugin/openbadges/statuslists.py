"""
Revocation of Open Badges 3.0 credentials with W3C Bitstring Status Lists.

Each credential gets a position in one of its issuer's lists the first time it is issued; positions are drawn at
random among the free ones, so that a verifier who sees one position learns nothing about the neighbours (when
they were issued, by whom). A list holds 131,072 positions (the specification's minimum, for herd privacy); a
full list is followed by a new one.

The bits are not stored: the list is computed from ``Award.revoked`` each time it is served. A revocation
therefore takes effect at the very next fetch, with no hook to miss and no second copy of the truth to drift.
"""
from __future__ import annotations

import base64
import datetime
import gzip
import secrets

from django.db import IntegrityError, transaction

from ..badges.models import Award
from .issuers import absolute, issuer_of
from .keys import V3, profile_url
from .models import CredentialStatus, IssuerProfile, StatusList

PURPOSE = "revocation"
_RANDOM_TRIES = 64
_ALLOCATION_TRIES = 5


def status_list_url(status_list: StatusList, request=None) -> str:
    return absolute(f"{V3}/status/{status_list.slug}", request)


def _new_list(issuer: IssuerProfile) -> StatusList:
    slug = f"{issuer.slug[:48]}-{secrets.token_hex(4)}"  # random: the number of lists stays private too
    return StatusList.objects.create(issuer=issuer, slug=slug, purpose=PURPOSE)


def _current_list(issuer: IssuerProfile) -> StatusList:
    """The issuer's newest revocation list with a free position, or a new one."""
    status_list = issuer.status_lists.filter(purpose=PURPOSE).order_by("-created", "-pk").first()
    if status_list is None or status_list.entries.count() >= status_list.size:
        status_list = _new_list(issuer)
    return status_list


def _free_index(status_list: StatusList) -> int:
    """A random free position: random draws while the list is sparse, the free ones counted when it is not."""
    taken = status_list.entries.values_list("index", flat=True)
    for _ in range(_RANDOM_TRIES):
        index = secrets.randbelow(status_list.size)
        if not taken.filter(index=index).exists():
            return index
    free = sorted(set(range(status_list.size)) - set(taken))
    return free[secrets.randbelow(len(free))]


def entry_for(award: Award) -> CredentialStatus:
    """The award's position in a status list, allocated on first use; a race is settled by the unique index."""
    existing = CredentialStatus.objects.select_related("status_list").filter(award=award).first()
    if existing is not None:
        return existing
    issuer = issuer_of(award.badge_class)
    for _ in range(_ALLOCATION_TRIES):
        status_list = _current_list(issuer)
        try:
            with transaction.atomic():
                return CredentialStatus.objects.create(award=award, status_list=status_list,
                                                       index=_free_index(status_list))
        except IntegrityError:
            existing = CredentialStatus.objects.select_related("status_list").filter(award=award).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"No free status list position found for award {award.uuid}.")


def credential_status(entry: CredentialStatus, request=None) -> dict:
    """The ``credentialStatus`` of a credential: a ``BitstringStatusListEntry`` for revocation."""
    url = status_list_url(entry.status_list, request)
    return {"id": f"{url}#{entry.index}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(entry.index), "statusListCredential": url}


def revoked_indexes(status_list: StatusList) -> list[int]:
    return list(status_list.entries.filter(award__revoked=True).values_list("index", flat=True))


def encoded_list(status_list: StatusList) -> str:
    """
    The list as the specification encodes it: the bitstring (position 0 is the most significant bit of the first
    byte), GZIP-compressed, in multibase base64url without padding (prefix ``u``).
    """
    bits = bytearray(status_list.size // 8)
    for index in revoked_indexes(status_list):
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)  # mtime 0: the same bits always encode the same
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def status_list_credential(status_list: StatusList, request=None) -> dict:
    """The ``BitstringStatusListCredential`` (unsigned), issued by the same Profile as the credentials it covers."""
    url = status_list_url(status_list, request)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": profile_url(status_list.issuer, request),
        "name": f"Revoked credentials of {status_list.issuer.name}",
        "validFrom": _timestamp(status_list.created),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": status_list.purpose,
                              "encodedList": encoded_list(status_list)},
    }
