"""
Award badges retroactively from what learners already achieved: the platform's passing grades and
certificates (through ``compat``), or a CSV of learner, course and status.

A backfill fills in only what no live event has decided yet, so it can run while the platform sends events.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from .. import compat
from ..compat import CourseOutcome
from . import engine
from .models import CourseStanding, RequirementKind

CSV_COLUMNS = ("user", "course_key", "status")


@dataclass
class BackfillResult:
    """What a backfill did (or, in a dry run, would do)."""

    outcomes: int = 0
    awards: int = 0
    learners: set[int] = field(default_factory=set)
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False


def read_csv(text: str) -> tuple[list[CourseOutcome], list[tuple[int, str]]]:
    """
    Outcomes from CSV text with the columns ``user`` (username, email or id), ``course_key`` and ``status``
    (``passed``, ``failed`` or ``certificate:<mode>``). Every bad line is reported; line 1 is the header.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [(1, f"the header must name the columns {', '.join(CSV_COLUMNS)}; missing: {', '.join(missing)}.")]
    rows = list(reader)
    users = _users({row["user"].strip() for row in rows if row.get("user")})
    outcomes, errors = [], []
    for line, row in enumerate(rows, start=2):
        who, key, status = (row.get("user") or "").strip(), (row.get("course_key") or "").strip(), (
            row.get("status") or "").strip().lower()
        problems = []
        user_id = users.get(who)
        if user_id is None:
            problems.append(f"no learner '{who}'")
        try:
            course_key = CourseKey.from_string(key)
        except InvalidKeyError:
            problems.append(f"'{key}' is not a course key")
            course_key = None
        if status not in ("passed", "failed") and not (status.startswith("certificate:") and status[12:]):
            problems.append(f"'{status}' is not a status (passed, failed or certificate:<mode>)")
        if problems:
            errors.append((line, "; ".join(problems) + "."))
            continue
        mode = status[12:] if status.startswith("certificate:") else None
        # A certificate says nothing of the passing grade: only "passed" and "failed" set it.
        passed = None if mode else status == "passed"
        outcomes.append(CourseOutcome(user_id=user_id, course_key=course_key, passed=passed, certificate_mode=mode))
    return outcomes, errors


def _users(identifiers: set[str]) -> dict[str, int]:
    model = get_user_model()
    found = {}
    ids = {i for i in identifiers if i.isdigit()}
    emails = {i for i in identifiers if "@" in i}
    names = identifiers - ids - emails
    for pk in model.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", flat=True):
        found[str(pk)] = pk
    for email, pk in model.objects.filter(email__in=emails).values_list("email", "pk"):
        found[email] = pk
    for username, pk in model.objects.filter(username__in=names).values_list("username", "pk"):
        found[username] = pk
    return found


def platform_outcomes(course_keys: Iterable[str] | None = None) -> Iterator[CourseOutcome]:
    """Passing grades and certificates from the platform (through ``compat``)."""
    keys = [CourseKey.from_string(k) for k in course_keys] if course_keys else None
    return compat.iter_course_outcomes(keys)


def run(outcomes: Iterable[CourseOutcome], dry_run: bool = False, announce: bool = False, batch_size: int = 500,
        progress: Callable[[BackfillResult], None] | None = None) -> BackfillResult:
    """
    Apply outcomes in batches (one transaction each; a dry run rolls every batch back). Standings are filled
    only where no event has set them; then the classes those courses count towards are evaluated.
    """
    result = BackfillResult(dry_run=dry_run)
    batch: list[CourseOutcome] = []
    for outcome in outcomes:
        batch.append(outcome)
        if len(batch) >= batch_size:
            _apply_batch(batch, result, dry_run, announce)
            batch = []
            if progress:
                progress(result)
    if batch:
        _apply_batch(batch, result, dry_run, announce)
        if progress:
            progress(result)
    return result


def _apply_batch(batch: list[CourseOutcome], result: BackfillResult, dry_run: bool, announce: bool) -> None:
    users = get_user_model().objects.in_bulk({o.user_id for o in batch})
    with transaction.atomic():
        for outcome in batch:
            user = users.get(outcome.user_id)
            result.outcomes += 1
            if user is None:
                continue
            key = str(outcome.course_key)
            standing, _ = CourseStanding.objects.get_or_create(user=user, course_key=key)
            pairs = []
            if outcome.passed is not None and standing.passing_at is None and outcome.passed != standing.passing:
                standing.passing = outcome.passed
                pairs.append((RequirementKind.COURSE_PASSED, key))
            if standing.certificate_at is None and outcome.certificate_mode and not standing.has_certificate:
                standing.certificate_mode, standing.certificate_status = outcome.certificate_mode, "downloadable"
                pairs.append((RequirementKind.CERTIFICATE_EARNED, key))
            if outcome.grade is not None and not standing.grade:
                standing.grade = f"{outcome.grade:.2f}"[:16]
            if not pairs:
                continue
            standing.save()
            classes = engine.candidate_classes(pairs)
            awarded = engine.process(user, classes, {"backfill": True, "course_key": key, "grade": standing.grade},
                                     announce=announce)
            result.awards += len(awarded)
            if awarded:
                result.learners.add(user.pk)
        if dry_run:
            transaction.set_rollback(True)


