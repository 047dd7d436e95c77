"""
Award badges retroactively from what learners already achieved: the platform's passing grades and
certificates (through ``compat``), or a CSV of learner, course and status.

A backfill fills in only what no live event has decided yet, so it can run while the platform sends events.
"""
from __future__ import annotations

import csv
import io
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from .. import compat
from ..compat import CourseOutcome
from . import bulkwrite, engine
from .models import Award, BadgeProgress, BadgeStatus, CourseStanding, Requirement, RequirementKind

CSV_COLUMNS = ("user", "course_key", "status")
log = logging.getLogger(__name__)


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


def run(outcomes: Iterable[CourseOutcome], dry_run: bool = False, announce: bool = False, batch_size: int = 1000,
        progress: Callable[[BackfillResult], None] | None = None) -> BackfillResult:
    """
    Apply outcomes in batches (one transaction each; a dry run rolls every batch back). Standings are filled
    only where no event has set them; then the classes those courses count towards are evaluated. The classes
    are read once per course for the whole run: a backfill awards the classes as they stood when it reached
    their course.
    """
    result = BackfillResult(dry_run=dry_run)
    definitions = _Definitions()
    batch: list[CourseOutcome] = []
    for outcome in outcomes:
        batch.append(outcome)
        if len(batch) >= batch_size:
            _apply_batch(batch, result, dry_run, announce, definitions)
            batch = []
            if progress:
                progress(result)
    if batch:
        _apply_batch(batch, result, dry_run, announce, definitions)
        if progress:
            progress(result)
    return result


class _Definitions:
    """The active classes each (kind, course) counts towards, read once per run and pair."""

    def __init__(self):
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        self.classes: dict[int, object] = {}

    def candidates(self, pairs: Iterable[tuple[str, str]]) -> list:
        pairs = set(pairs)
        missing = pairs - self.by_pair.keys()
        if missing:
            for pair in missing:
                self.by_pair[pair] = []
            for badge_class in engine.candidate_classes(sorted(missing)):
                self.classes[badge_class.pk] = badge_class
                for pair in {(r.kind, r.target) for r in engine.requirements_of([badge_class])} & missing:
                    self.by_pair[pair].append(badge_class.pk)
        ids = {pk for pair in pairs for pk in self.by_pair[pair]}
        return [self.classes[pk] for pk in sorted(ids)]


def _apply_batch(batch: list[CourseOutcome], result: BackfillResult, dry_run: bool, announce: bool,
                 definitions: _Definitions | None = None) -> None:
    """
    One batch in one transaction, in bulk: a constant number of statements per batch (its learners locked, their
    standings read, the classes the courses count towards read, then standings, progress and awards written in
    multi-row statements), so the cost per award is that of its rows. If an award is taken meanwhile by something
    that does not take the learners' lock (a manual award), the batch is redone outcome by outcome.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                _apply_bulk(batch, result, announce, definitions or _Definitions())
        except IntegrityError as exc:
            log.warning("cities_network: a backfill batch met a concurrent write (%s); redoing it outcome by outcome.",
                        exc)
            _apply_one_by_one(batch, result, announce)
        if dry_run:
            transaction.set_rollback(True)


class _Standing:
    """A standing the batch creates: what the evaluation reads of it, without a model instance."""

    __slots__ = ("course_key", "passing", "passing_at", "certificate_mode", "certificate_status", "certificate_at",
                 "grade")

    def __init__(self, course_key: str):
        self.course_key, self.passing, self.passing_at, self.grade = course_key, False, None, ""
        self.certificate_mode = self.certificate_status = ""
        self.certificate_at = None

    @property
    def has_certificate(self) -> bool:
        return self.certificate_status == "downloadable"


@dataclass
class _Learner:
    """A learner of the batch: who they are, and the classes their outcomes made candidates (with the course)."""

    user_id: int
    email: str
    name: str
    classes: dict[int, str] = field(default_factory=dict)  # class id → the course that made it a candidate


def _apply_bulk(batch: list[CourseOutcome], result: BackfillResult, announce: bool,
                definitions: _Definitions) -> None:
    counted = result.outcomes, result.awards, set(result.learners)
    try:
        _apply_bulk_inner(batch, result, announce, definitions)
    except IntegrityError:
        result.outcomes, result.awards, result.learners = counted
        raise


def _apply_bulk_inner(batch: list[CourseOutcome], result: BackfillResult, announce: bool,
                      definitions: _Definitions) -> None:
    # The learners' lock, as the event pipeline takes it: no live event of theirs is applied meanwhile.
    users = {pk: (email, " ".join(p for p in (first, last) if p).strip() or username)
             for pk, email, username, first, last in get_user_model().objects.select_for_update().filter(
                 pk__in={o.user_id for o in batch}).order_by("pk").values_list(
                 "pk", "email", "username", "first_name", "last_name")}
    key_of = [str(o.course_key) for o in batch]  # each key written out once
    keys = set(key_of)
    classes = definitions.candidates(
        (kind, key) for key in keys for kind in (RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED))
    by_target: dict[tuple[str, str], list] = {}
    for badge_class in classes:
        for requirement in engine.requirements_of([badge_class]):
            by_target.setdefault((requirement.kind, requirement.target), []).append(badge_class)
    courses = keys | engine.course_targets(classes)
    # By learner only, the courses picked here: with both lists in the condition (hundreds of learners times the
    # courses) MySQL and MariaDB give up the index and read, and lock, the whole table.
    standings: dict[tuple[int, str], CourseStanding | _Standing] = {
        (s.user_id, s.course_key): s for s in CourseStanding.objects.select_for_update().filter(user_id__in=users)
        if s.course_key in courses}
    new_standings: dict[tuple[int, str], _Standing] = {}
    changed_standings: dict[tuple[int, str], CourseStanding] = {}
    learners: dict[int, _Learner] = {}
    for outcome, key in zip(batch, key_of, strict=True):
        result.outcomes += 1
        if outcome.user_id not in users:
            continue
        user_id = outcome.user_id
        standing = standings.get((user_id, key))
        if standing is None:
            standing = standings[(user_id, key)] = new_standings[(user_id, key)] = _Standing(key)
        pairs = []
        if outcome.passed is not None and standing.passing_at is None and outcome.passed != standing.passing:
            standing.passing = outcome.passed
            pairs.append((RequirementKind.COURSE_PASSED, key))
        if standing.certificate_at is None and outcome.certificate_mode and not standing.has_certificate:
            standing.certificate_mode, standing.certificate_status = outcome.certificate_mode, "downloadable"
            pairs.append((RequirementKind.CERTIFICATE_EARNED, key))
        grade = standing.grade
        if outcome.grade is not None and not standing.grade:
            standing.grade = f"{outcome.grade:.2f}"[:16]
        if not pairs:
            standing.grade = grade  # as the engine does: an outcome that changes nothing writes nothing
            continue
        if (user_id, key) not in new_standings:
            changed_standings[(user_id, key)] = standing
        email, name = users[user_id]
        learner = learners.setdefault(user_id, _Learner(user_id, email, name))
        for pair in pairs:
            for badge_class in by_target.get(pair, []):
                learner.classes[badge_class.pk] = key
    bulkwrite.insert(CourseStanding, ("user", "course_key", "passing", "grade", "certificate_mode",
                                      "certificate_status"),
                     ((user_id, s.course_key, s.passing, s.grade, s.certificate_mode, s.certificate_status)
                      for (user_id, _), s in new_standings.items()))
    if changed_standings:
        CourseStanding.objects.bulk_update(changed_standings.values(), STANDING_FIELDS, batch_size=1000)
    if not learners:
        return
    class_by_id = {c.pk: c for c in classes}
    others = _needs_other_facts(classes)
    latest = _latest_awards(learners, class_by_id)
    progress_rows, award_rows = [], []
    encoded: dict[tuple, object] = {}  # JSON documents repeat from learner to learner: each is encoded once
    # An evaluation depends only on which of the class's requirements hold: learners alike share one.
    evaluations: dict[tuple, engine.Evaluation] = {}
    own_requirements = {pk: engine.requirements_of([c]) for pk, c in class_by_id.items()}
    now = timezone.now()
    for user_id, learner in learners.items():
        candidates = [class_by_id[pk] for pk in learner.classes]
        requirements = engine.requirements_of(candidates)
        own = {key: standings.get((user_id, key)) for key in engine.course_targets(candidates)}
        facts = engine.load_facts(user_id if others else 0, requirements, now, standings=own)
        for badge_class in candidates:
            holds = tuple(facts.holds(r) for r in own_requirements[badge_class.pk])
            evaluation = evaluations.get((badge_class.pk, holds))
            if evaluation is None:
                evaluation = evaluations[(badge_class.pk, holds)] = engine.evaluate(badge_class, facts)
            if not evaluation.earned:  # progress is kept for the classes under way only (ADR 0011)
                detail = encoded.get(("detail", badge_class.pk, holds))
                if detail is None:
                    detail = encoded[("detail", badge_class.pk, holds)] = bulkwrite.prepare(
                        BadgeProgress, "detail", evaluation.detail)
                progress_rows.append((user_id, badge_class.pk, evaluation.groups_met, evaluation.groups_total,
                                      evaluation.requirements_met, evaluation.requirements_total, detail, now))
                continue
            existing = latest.get((user_id, badge_class.pk))
            if existing is not None and (engine.is_valid(existing, now) or not badge_class.allow_reearning):
                continue
            key = learner.classes[badge_class.pk]
            grade = standings[(user_id, key)].grade
            evidence = encoded.get(("evidence", badge_class.pk, holds, key, grade))
            if evidence is None:
                evidence = encoded[("evidence", badge_class.pk, holds, key, grade)] = bulkwrite.prepare(
                    Award, "evidence", {"backfill": True, "course_key": key, "grade": grade, "requirements": [
                        {"kind": r.kind, "target": r.target} for r in evaluation.holding]})
            award_rows.append((uuid.uuid4(), badge_class.pk, user_id, existing.attempt + 1 if existing else 1,
                               learner.email, learner.name, secrets.token_hex(16), now,
                               engine.expiry_for(badge_class, now), False, "", evidence, 0))
    bulkwrite.insert(BadgeProgress, PROGRESS_COLUMNS, progress_rows, update=PROGRESS_COLUMNS[2:],
                     unique=("user", "badge_class"), prepared=("detail",))
    bulkwrite.insert(Award, AWARD_COLUMNS, award_rows, prepared=("evidence",))
    result.awards += len(award_rows)
    result.learners.update(row[2] for row in award_rows)
    if award_rows and (announce or _has_meta_badges(class_by_id[row[1]] for row in award_rows)):
        created = list(Award.objects.filter(uuid__in=[row[0] for row in award_rows]).select_related("badge_class"))
        if announce:
            from . import announcements  # pylint: disable=import-outside-toplevel

            for award in created:
                announcements.awarded(award)
        _follow_meta_badges(created, announce, result)


STANDING_FIELDS = ["passing", "certificate_mode", "certificate_status", "grade"]
PROGRESS_COLUMNS = ("user", "badge_class", "groups_met", "groups_total", "requirements_met", "requirements_total",
                    "detail", "updated_at")
AWARD_COLUMNS = ("uuid", "badge_class", "user", "attempt", "recipient_email", "recipient_name", "salt", "issued_at",
                 "expires_at", "revoked", "revocation_reason", "evidence", "tally")


def _needs_other_facts(classes) -> bool:
    """True when some requirement is not about a course (attendance, playlists, badges): those facts are read."""
    return any(r.kind not in (RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED)
               for r in engine.requirements_of(classes))


def _latest_awards(learners: dict, class_by_id: dict) -> dict[tuple[int, int], Award]:
    """Each learner's latest award of each candidate class (one query)."""
    latest: dict[tuple[int, int], Award] = {}
    # By learner only (see the standings above: two long IN lists make MySQL and MariaDB scan the table).
    rows = Award.objects.filter(user_id__in=learners).only(
        "pk", "user_id", "badge_class_id", "attempt", "revoked", "expires_at").order_by("attempt")
    for award in rows:
        if award.badge_class_id in class_by_id:
            latest[(award.user_id, award.badge_class_id)] = award
    return latest


def _has_meta_badges(classes: Iterable) -> bool:
    """
    Whether an active class requires one of these classes: as the candidate lookup that read them said (the run
    takes the classes as they stood when it reached their course), else one query.
    """
    classes = {c.pk: c for c in classes}.values()
    flags = [getattr(c, "counted_by_active", None) for c in classes]
    if None not in flags:
        return any(flags)
    uuids = sorted({str(c.uuid) for c in classes})
    return Requirement.objects.filter(kind=RequirementKind.BADGE_EARNED, target__in=uuids,
                                      group__badge_class__status=BadgeStatus.ACTIVE).exists()


def _follow_meta_badges(created: list[Award], announce: bool, result: BackfillResult) -> None:
    """Badges that require the badges just awarded (rare): evaluated learner by learner, as the engine does."""
    uuids = {str(a.badge_class.uuid) for a in created}
    meta = engine.candidate_classes((RequirementKind.BADGE_EARNED, uuid) for uuid in sorted(uuids))
    if not meta:
        return
    by_user: dict[int, list[Award]] = {}
    for award in created:
        by_user.setdefault(award.user_id, []).append(award)
    users = get_user_model().objects.in_bulk(list(by_user))
    for user_id, awards in by_user.items():
        held = {str(a.badge_class.uuid) for a in awards}
        relevant = [c for c in meta if any(r.kind == RequirementKind.BADGE_EARNED and r.target in held
                                           for g in c.groups.all() for r in g.requirements.all())]
        more = engine.process(users[user_id], relevant,
                              {"backfill": True, "via_badges": [str(a.uuid) for a in awards]}, depth=1,
                              announce=announce)
        result.awards += len(more)


def _apply_one_by_one(batch: list[CourseOutcome], result: BackfillResult, announce: bool) -> None:
    """The batch outcome by outcome, through the engine (the fallback when a bulk write met a concurrent one)."""
    users = get_user_model().objects.select_for_update().in_bulk({o.user_id for o in batch})
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
