"""
Revocation of Open Badges 3.0 credentials with W3C Bitstring Status Lists.

Each award gets a position in one of its issuer's lists when it is made (``allocate``, after the award commits,
where Open Badges 3.0 signing is configured; the sweeper gives one to any award still without, e.g. a backfilled or
an older one), never when its credential is fetched: a GET writes nothing. Positions are drawn at random among the
free ones, so that a verifier who sees one position learns nothing about the neighbours (when they were issued,
by whom). A list holds 131,072 positions (the specification's minimum, for herd privacy); a full list is followed
by a new one.

The bits are not stored: the list is computed from ``Award.revoked`` each time it is served. A revocation
therefore takes effect at the very next fetch, with no hook to miss and no second copy of the truth to drift.
"""
from __future__ import annotations

import base64
import datetime
import gzip
import secrets

from django.db import IntegrityError, transaction

from ..badges.models import Award, BadgeStatus
from .issuers import NETWORK_SLUG, absolute, city_profile, network_profile
from .keys import V3, profile_url, storage_mode
from .models import CredentialStatus, StatusList

PURPOSE = "revocation"
_RANDOM_TRIES = 64
SWEEP_LIMIT = 5_000  # positions the sweeper gives per run: a few seconds; a backlog clears over several runs


def status_list_url(status_list: StatusList, request=None) -> str:
    return absolute(f"{V3}/status/{status_list.slug}", request)


def _lists_of(badge_class):
    """The revocation lists of the class's issuer, found by the issuer's city (no profile read)."""
    lists = StatusList.objects.filter(purpose=PURPOSE)
    if badge_class.issuer_city_id:
        return lists.filter(issuer__city_id=badge_class.issuer_city_id)
    return lists.filter(issuer__city__isnull=True, issuer__slug=NETWORK_SLUG)


def _new_list(badge_class) -> StatusList:
    issuer = city_profile(badge_class.issuer_city) if badge_class.issuer_city_id else network_profile()
    slug = f"{issuer.slug[:48]}-{secrets.token_hex(4)}"  # random: the number of lists stays private too
    return StatusList.objects.create(issuer=issuer, slug=slug, purpose=PURPOSE)


def _current_list(badge_class) -> tuple[StatusList, int]:
    """The issuer's newest revocation list with a free position (or a new one), and how many positions it uses."""
    status_list = _lists_of(badge_class).order_by("-created", "-pk").first()
    used = status_list.entries.count() if status_list is not None else 0
    if status_list is None or used >= status_list.size:
        status_list, used = _new_list(badge_class), 0
    return status_list, used


def _free_index(status_list: StatusList) -> int:
    """
    A random free position of a list more than half used: random draws checked one by one, the free ones counted
    when the draws keep missing.
    """
    taken = status_list.entries.values_list("index", flat=True)
    for _ in range(_RANDOM_TRIES):
        index = secrets.randbelow(status_list.size)
        if not taken.filter(index=index).exists():
            return index
    free = sorted(set(range(status_list.size)) - set(taken))
    return free[secrets.randbelow(len(free))]


def entry_of(award: Award) -> CredentialStatus | None:
    """The award's position, if it has one; reads only (what the public views use)."""
    return CredentialStatus.objects.select_related("status_list").filter(award=award).first()


def entry_for(award: Award, new: bool = False) -> CredentialStatus:
    """
    The award's position in a status list, given now if it has none (``new``: the award was just made, so there is
    no need to look). While a list is at most half used a position is drawn blind and the unique index refuses the
    rare one taken: three statements for a new award (the list, its count, the position). A race with another
    process is settled by the unique award.
    """
    if not new:
        existing = entry_of(award)
        if existing is not None:
            return existing
    badge_class = award.badge_class
    for _ in range(_RANDOM_TRIES):
        status_list, used = _current_list(badge_class)
        index = secrets.randbelow(status_list.size) if used * 2 < status_list.size else _free_index(status_list)
        try:
            with transaction.atomic():
                return CredentialStatus.objects.create(award=award, status_list=status_list, index=index)
        except IntegrityError:
            existing = entry_of(award)
            if existing is not None:
                return existing
    raise RuntimeError(f"No free status list position found for award {award.uuid}.")


def allocate(award: Award) -> CredentialStatus | None:
    """
    What a new award gets after it commits: its position, where Open Badges 3.0 credentials are signed at all (a
    key storage is configured); elsewhere nothing, and the sweeper gives the positions once signing is set up.
    """
    if not storage_mode():
        return None
    return entry_for(award, new=True)


def allocate_missing(limit: int = SWEEP_LIMIT) -> int:
    """Positions for up to ``limit`` awards still without one (oldest first); returns how many were given."""
    if not storage_mode():
        return 0
    waiting = (Award.objects.filter(status_entry__isnull=True).exclude(badge_class__status=BadgeStatus.DRAFT)
               .select_related("badge_class__issuer_city").order_by("pk")[:limit])
    given = 0
    for award in waiting:
        entry_for(award)
        given += 1
    return given


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
