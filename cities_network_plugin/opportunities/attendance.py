"""
Attendance of events: recorded by the organiser (one learner, or a CSV of learners) or claimed by the learner
with the event's code within its time window. Each becomes an ``OpportunityCompletion`` — which the badge
engine hears about — and a learner attends an opportunity once.
"""
from __future__ import annotations

import csv
import datetime
import io
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..tenancy import api as tenancy_api
from . import api
from .models import ClaimCode, CompletionSource, Opportunity, OpportunityCompletion, PublicationStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
CODE_LENGTH = 8
MAX_CLAIM_WINDOW = datetime.timedelta(days=31)


def record_attendance(opportunity: Opportunity, user, recorded_by) -> tuple[OpportunityCompletion, bool]:
    """The organiser records that ``user`` attended; returns (completion, created)."""
    existing = OpportunityCompletion.objects.filter(user=user, opportunity=opportunity).first()
    if existing is not None:
        return existing, False
    completion, _created = api.record_completion(user, opportunity, source=CompletionSource.ATTENDANCE,
                                                 recorded_by=recorded_by)
    return completion, True


def create_claim_code(opportunity: Opportunity, valid_from: datetime.datetime, valid_until: datetime.datetime,
                      created_by=None) -> ClaimCode:
    """A new code for the event, valid in the window (at most a month, so a leaked code does not live long)."""
    errors = {}
    if valid_until <= valid_from:
        errors["valid_until"] = [_("The code must stop being valid after it starts.")]
    elif valid_until - valid_from > MAX_CLAIM_WINDOW:
        errors["valid_until"] = [_("A code may be valid for at most 31 days.")]
    if opportunity.status != PublicationStatus.PUBLISHED:
        errors["opportunity"] = [_("Publish the opportunity before handing out its claim code.")]
    if errors:
        raise ValidationError(errors)
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))
        if not ClaimCode.objects.filter(code=code).exists():
            return ClaimCode.objects.create(opportunity=opportunity, code=code, valid_from=valid_from,
                                            valid_until=valid_until, created_by=created_by)
    raise RuntimeError("Could not find a free claim code")  # 32**8 codes: practically unreachable


def normalise_code(text: str) -> str:
    """Codes are typed by people: ignore case, spaces and dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def find_claim_code(text: str) -> ClaimCode | None:
    return ClaimCode.objects.select_related("opportunity").filter(code=normalise_code(text), active=True).first()


def claim(user, text: str, now: datetime.datetime | None = None) -> OpportunityCompletion:
    """The learner claims attendance with a code; each problem gets a message in the learner's words."""
    now = now or timezone.now()
    code = find_claim_code(text)
    if code is None:
        raise ValidationError(_("This code is not known. Check it with the organiser."))
    opportunity = code.opportunity
    if now < code.valid_from:
        raise ValidationError(_("This code opens on %(when)s.") % {"when": _when(code.valid_from)})
    if now > code.valid_until:
        raise ValidationError(_("This code expired on %(when)s.") % {"when": _when(code.valid_until)})
    if opportunity.status != PublicationStatus.PUBLISHED:
        raise ValidationError(_("This opportunity is not open for claims."))
    if OpportunityCompletion.objects.filter(user=user, opportunity=opportunity).exists():
        raise ValidationError(_("You have already recorded your attendance of %(title)s.")
                              % {"title": opportunity.title})
    completion, _created = api.record_completion(user, opportunity, source=CompletionSource.CLAIM_CODE,
                                                 completed_at=now)
    return completion


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass
class AttendanceImport:
    """The outcome of an attendance CSV: who was added, who was there already, and every bad line."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def import_attendance(opportunity: Opportunity, text: str, recorded_by, dry_run: bool = False) -> AttendanceImport:
    """
    A CSV with a ``user`` column (username or email), one learner a line. The whole file is checked first;
    nothing is recorded unless every line is good.
    """
    result = AttendanceImport(dry_run=dry_run)
    reader = csv.DictReader(io.StringIO((text or "").lstrip("\ufeff")))
    if not reader.fieldnames or "user" not in [f.strip().lower() for f in reader.fieldnames]:
        result.errors.append((1, _("the first line must be a header with a 'user' column (username or email).")))
        return result
    column = next(f for f in reader.fieldnames if f.strip().lower() == "user")
    wanted: list[tuple[int, str]] = []
    for line, row in enumerate(reader, start=2):
        value = (row.get(column) or "").strip()
        if value:
            wanted.append((line, value))
    if not wanted:
        result.errors.append((None, _("the file lists no learners.")))
        return result
    # As every form of the plugin names a person (tenancy.api.find_user): no account and several accounts are one
    # message, and an address several accounts share names none of them.
    users = tenancy_api.find_users(value for _line, value in wanted)
    seen = {}
    for line, value in wanted:
        user = users[value]
        if isinstance(user, ValidationError):
            result.errors.append((line, user.messages[0]))
        elif user.pk in seen:
            result.errors.append((line, _("'%(value)s' is listed already on line %(line)d.")
                                  % {"value": value, "line": seen[user.pk]}))
        else:
            seen[user.pk] = line
    if result.errors:
        return result
    present = set(OpportunityCompletion.objects.filter(opportunity=opportunity, user_id__in=seen).values_list(
        "user_id", flat=True))
    with transaction.atomic():
        for _line, value in wanted:
            user = users[value]
            if user.pk in present:
                result.already.append(user.username)
                continue
            result.added.append(user.username)
            if not dry_run:
                api.record_completion(user, opportunity, source=CompletionSource.ATTENDANCE, recorded_by=recorded_by)
    return result
