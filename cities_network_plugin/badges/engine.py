"""
The badge engine: decide whether a learner holds each requirement of a class, award, record progress, revoke.

Everything here is idempotent. The database decides races: the unique (learner, class, attempt) of an award
makes two workers evaluating the same learner produce one award, whichever commits first.
"""
from __future__ import annotations

import contextlib
import copy
import datetime
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Count, Exists, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, Substr
from django.utils import timezone

from ..opportunities.models import OpportunityCompletion, PlaylistProgress
from .models import (
    Award,
    BadgeClass,
    BadgeProgress,
    BadgeStatus,
    CourseStanding,
    ExpiryRule,
    Requirement,
    RequirementGroup,
    RequirementKind,
)

log = logging.getLogger(__name__)
MAX_META_DEPTH = 5  # badges earned for badges earned for …; a cycle stops here


@dataclass
class Facts:
    """What one learner has done, loaded for a set of requirements in a few queries."""

    passed: set[str] = field(default_factory=set)
    certificates: dict[str, str] = field(default_factory=dict)  # course key → mode
    attended: set[str] = field(default_factory=set)  # opportunity uuids
    playlists: set[str] = field(default_factory=set)  # completed playlist uuids
    badges: set[str] = field(default_factory=set)  # badge class uuids held (valid)

    def holds(self, requirement: Requirement) -> bool:
        kind, target = requirement.kind, requirement.target
        if kind == RequirementKind.COURSE_PASSED:
            return target in self.passed
        if kind == RequirementKind.CERTIFICATE_EARNED:
            mode = self.certificates.get(target)
            return mode is not None and (not requirement.certificate_modes or mode in requirement.certificate_modes)
        if kind == RequirementKind.OPPORTUNITY_ATTENDED:
            return target in self.attended
        if kind == RequirementKind.PLAYLIST_COMPLETED:
            return target in self.playlists
        if kind == RequirementKind.BADGE_EARNED:
            return target in self.badges
        return False  # manual: only a person awards it


def structure(badge_class: BadgeClass) -> list[tuple[RequirementGroup, list[Requirement]]]:
    """
    The class's groups, each with its requirements. Classes read by ``class_definitions`` carry it ready (a list
    walked many times by the backfill); others are read through their managers, as they stand.
    """
    ready = badge_class.__dict__.get("_cities_network_structure")
    if ready is not None:
        return ready
    return [(group, list(group.requirements.all())) for group in badge_class.groups.all()]


def requirements_of(classes: Iterable[BadgeClass]) -> list[Requirement]:
    return [r for c in classes for _, requirements in structure(c) for r in requirements]


def course_targets(classes: Iterable[BadgeClass]) -> set[str]:
    """The courses the requirements of ``classes`` name (passed or certificate earned)."""
    return {r.target for r in requirements_of(classes)
            if r.kind in (RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED)}


def load_facts(user_id: int, requirements: Iterable[Requirement], now: datetime.datetime | None = None,
               standings: dict[str, CourseStanding] | None = None) -> Facts:
    """
    One query per kind of requirement present, limited to their targets. ``standings`` (course key → the
    learner's standing, or None where the learner has none) are standings the caller read already, under the
    learner's lock: the facts of those courses come from them; only courses not among its keys are queried.
    """
    now = now or timezone.now()
    targets: dict[str, set[str]] = defaultdict(set)
    for requirement in requirements:
        targets[requirement.kind].add(requirement.target)
    facts = Facts()
    courses = targets[RequirementKind.COURSE_PASSED] | targets[RequirementKind.CERTIFICATE_EARNED]
    if courses:
        known = {key: standing for key, standing in (standings or {}).items() if key in courses}
        rows = [(s.course_key, s.passing, s.certificate_mode, s.certificate_status)
                for s in known.values() if s is not None]
        if courses - known.keys():
            rows += list(CourseStanding.objects.filter(user_id=user_id, course_key__in=courses - known.keys())
                         .values_list("course_key", "passing", "certificate_mode", "certificate_status"))
        for key, passing, mode, status in rows:
            if passing:
                facts.passed.add(key)
            if status == "downloadable":
                facts.certificates[key] = mode
    if targets[RequirementKind.OPPORTUNITY_ATTENDED]:
        facts.attended = {str(u) for u in OpportunityCompletion.objects.filter(
            user_id=user_id, opportunity__uuid__in=targets[RequirementKind.OPPORTUNITY_ATTENDED]).values_list(
            "opportunity__uuid", flat=True)}
    if targets[RequirementKind.PLAYLIST_COMPLETED]:
        facts.playlists = {str(u) for u in PlaylistProgress.objects.filter(
            user_id=user_id, completed_at__isnull=False,
            playlist__uuid__in=targets[RequirementKind.PLAYLIST_COMPLETED]).values_list("playlist__uuid", flat=True)}
    if targets[RequirementKind.BADGE_EARNED]:
        facts.badges = {str(u) for u in valid_awards().filter(
            user_id=user_id, badge_class__uuid__in=targets[RequirementKind.BADGE_EARNED]).values_list(
            "badge_class__uuid", flat=True)}
    return facts


def valid_awards(now: datetime.datetime | None = None):
    """Awards neither revoked nor expired."""
    now = now or timezone.now()
    return Award.objects.filter(revoked=False).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@dataclass
class Evaluation:
    """The outcome of checking one class for one learner."""

    badge_class: BadgeClass
    groups_met: int
    groups_total: int
    requirements_met: int
    requirements_total: int
    detail: list[dict]
    holding: list[Requirement]

    @property
    def earned(self) -> bool:
        return self.groups_total > 0 and self.groups_met == self.groups_total


def evaluate(badge_class: BadgeClass, facts: Facts) -> Evaluation:
    """Every group must hold; a group holds when at least ``min_required`` of its requirements hold."""
    detail, holding = [], []
    groups_met = requirements_met = requirements_total = 0
    for group, requirements in structure(badge_class):
        met = [r for r in requirements if facts.holds(r)]
        needed = min(max(group.min_required, 1), len(requirements)) if requirements else 1
        group_holds = bool(requirements) and len(met) >= needed
        groups_met += group_holds
        requirements_met += len(met)
        requirements_total += len(requirements)
        holding += met
        detail.append({"group": group.name or f"Group {group.position + 1}", "met": len(met), "needed": needed,
                       "of": len(requirements), "holds": group_holds,
                       "requirements": [{"kind": r.kind, "target": r.target, "holds": r in met} for r in requirements]})
    return Evaluation(badge_class, groups_met, len(detail), requirements_met, requirements_total, detail, holding)


def candidate_classes(kind_targets: Iterable[tuple[str, str]]) -> list[BadgeClass]:
    """
    The active classes with a requirement on one of these (kind, target) pairs: an indexed lookup, so the
    cost does not grow with the number of classes. Groups and requirements come prefetched.

    The lookup reads each class's id, uuid and ``modified`` (one statement, every time: which classes are active
    is always the database's answer); the definitions themselves come from this process's cache when the class has
    not changed since they were read (``definitions``), else from one more statement. The same statement says, for
    each class, whether an active class counts it (a meta-badge) and whether its issuer city has an active webhook
    (``counted_by_active`` and ``issuer_has_webhooks`` on the classes returned, which are this lookup's own copies
    of the cached definitions): an award of a class nothing counts and whose city has no endpoint then costs no
    statement to look for either.
    """
    targets: dict[str, set[str]] = defaultdict(set)
    for kind, target in kind_targets:
        targets[kind].add(target)
    if not targets:
        return []
    ordered = [(kind, sorted(targets[kind])) for kind in sorted(targets)]
    versions, live = {}, {}
    for pk, uuid, modified, hooks, counted in _candidate_statement(tuple((k, len(t)) for k, t in ordered)).run(
            [target for _, kind_targets_ in ordered for target in kind_targets_]):
        versions[pk] = (uuid, modified)
        live[pk] = (bool(hooks), bool(counted))
    found = []
    for badge_class in definitions(versions):
        mine = copy.copy(badge_class)  # the cached definition is shared between events: the flags are this lookup's
        mine.issuer_has_webhooks, mine.counted_by_active = live[badge_class.pk]
        found.append(mine)
    return found


class _CompiledLookup:
    """
    A read-only ``values_list`` queryset compiled once and run again with other values in the places of its
    placeholder values: building and compiling the candidate lookup (two ``EXISTS`` subqueries, three joins) costs
    the ORM about three times what the database takes to answer it, on every event. The rows go through the same
    converters as the queryset's own (uuid, aware datetimes).
    """

    def __init__(self, queryset, placeholders: list):
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = [self.params.index(value) for value in placeholders]
        self.compiler = compiler
        self.converters = compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])

    def run(self, values: list) -> list[tuple]:
        params = list(self.params)
        for slot, value in zip(self.slots, values, strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return [tuple(row) for row in rows]


_COMPILED: dict[tuple, _CompiledLookup] = {}


def _candidate_statement(shape: tuple[tuple[str, int], ...]) -> _CompiledLookup:
    """The candidate lookup for ``shape`` (each kind with its number of targets), compiled for this database."""
    key = (connection.alias, connection.vendor, shape)
    compiled = _COMPILED.get(key)
    if compiled is None:
        condition, placeholders = Q(), []
        for kind, count in shape:  # one (kind, target IN …) term per kind: the (kind, target) index serves each
            names = [f"\x00cities-network-target-{kind}-{n}" for n in range(count)]
            placeholders += names
            condition |= Q(kind=kind, target__in=names)
        queryset = Requirement.objects.filter(condition, group__badge_class__status=BadgeStatus.ACTIVE).annotate(
            hooks=_issuer_has_webhooks(), counted=_counted_by_active()).order_by().values_list(
            "group__badge_class_id", "group__badge_class__uuid", "group__badge_class__modified", "hooks",
            "counted").distinct()
        compiled = _CompiledLookup(queryset, placeholders)
        if len(_COMPILED) >= 256:  # the backfill's batches have many shapes: keep the cache bounded
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return compiled


def _issuer_has_webhooks() -> Exists:
    """Whether the outer requirement's class is issued by a city with an active webhook endpoint."""
    from ..webhooks.models import CityWebhook  # pylint: disable=import-outside-toplevel

    return Exists(CityWebhook.objects.filter(city_id=OuterRef("group__badge_class__issuer_city_id"), active=True))


def _counted_by_active() -> Exists:
    """Whether an active class requires the outer requirement's class (``badge_earned``, by its uuid as text)."""
    return Exists(Requirement.objects.filter(
        kind=RequirementKind.BADGE_EARNED, target=uuid_as_text(OuterRef("group__badge_class__uuid")),
        group__badge_class__status=BadgeStatus.ACTIVE))


def uuid_as_text(expression) -> Func:
    """
    A uuid column as the text ``str(uuid)`` gives (``8-4-4-4-12`` lowercase hex digits), which is how requirements
    name a badge class, in a form that compares with a text column whatever the collations involved.

    A database with a uuid type (PostgreSQL; MariaDB 10.7+ from Django 5.0) casts it so; elsewhere Django keeps the
    32 digits without dashes, which are put in. On MySQL and MariaDB the text is then made binary: a ``CAST(… AS
    char)`` takes the connection's collation (``utf8mb4_general_ci`` from the driver's ``utf8mb4``) while the text
    column has its table's (``utf8mb4_unicode_ci`` on a database created so), and ``=`` between two implicit
    collations fails with error 1267 "Illegal mix of collations". A binary operand makes the comparison bytewise,
    which is right for lowercase hex digits and dashes, and the (kind, target) index still serves it.
    """
    if connection.features.has_native_uuid_field:
        return _BinaryOnMySQL(Cast(expression, CharField(max_length=36)))
    parts = [Substr(expression, start, length) for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
    dashed = [parts[0]]
    for part in parts[1:]:
        dashed += [Value("-"), part]
    return _BinaryOnMySQL(Concat(*dashed, output_field=CharField(max_length=36)))


class _BinaryOnMySQL(Func):
    """Its expression unchanged, but as a binary string on MySQL and MariaDB (see ``uuid_as_text``)."""

    arity = 1
    template = "%(expressions)s"
    output_field = CharField(max_length=36)

    def as_mysql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS BINARY)", **extra_context)


# Class definitions (a class with its groups and requirements) this process has read, by class id, with the uuid
# and ``modified`` they were read at. A class changes only through ``save()`` (which moves ``modified``), and
# ``badges.api.set_requirements`` moves it too when it replaces the requirements; so a definition whose id, uuid and
# ``modified`` match the database's is the database's definition. Read-only once cached: shared between events.
_DEFINITIONS: dict[int, tuple[tuple, BadgeClass]] = {}
_DEFINITIONS_LIMIT = 20_000


def definitions(versions: dict[int, tuple]) -> list[BadgeClass]:
    """The definitions of the classes ``versions`` names (id → (uuid, modified)), cached ones where still current."""
    found = {pk: _DEFINITIONS[pk][1] for pk, version in versions.items()
             if pk in _DEFINITIONS and _DEFINITIONS[pk][0] == version}
    missing = [pk for pk in versions if pk not in found]
    if missing:
        if len(_DEFINITIONS) + len(missing) > _DEFINITIONS_LIMIT:
            _DEFINITIONS.clear()
        for badge_class in class_definitions(missing):
            found[badge_class.pk] = badge_class  # as read now: at least as new as the lookup saw it
            _DEFINITIONS[badge_class.pk] = ((badge_class.uuid, badge_class.modified), badge_class)
    return sorted(found.values(), key=lambda c: (c.name, c.pk))


def forget_definitions() -> None:
    """Drop the cached definitions (tests that change classes behind ``save()``'s back)."""
    _DEFINITIONS.clear()


def class_definitions(class_ids) -> list[BadgeClass]:
    """
    The classes ``class_ids`` (ids, or a subquery of them) with their groups and requirements, in one query:
    every requirement row with its group and class joined, each row also counting its class's groups, so that a
    group without requirements (which never holds) is noticed; only such a class is read again the long way.
    Ordered by name like ``BadgeClass.objects``; groups and requirements in their own orders. The class image
    (up to 256 KiB each) is left out: evaluating and awarding never show it.
    """
    groups_of_class = (RequirementGroup.objects.filter(badge_class=OuterRef("group__badge_class")).order_by()
                       .values("badge_class").annotate(count=Count("pk")).values("count"))
    rows = (Requirement.objects.filter(group__badge_class__in=class_ids)
            .select_related("group__badge_class").defer("group__badge_class__image")
            .annotate(class_groups=Subquery(groups_of_class))
            .order_by("group__badge_class__name", "group__badge_class_id", "group__position", "group_id", "pk"))
    classes: dict[int, BadgeClass] = {}
    groups: dict[int, list] = {}
    requirements: dict[int, list[Requirement]] = defaultdict(list)
    expected: dict[int, int] = {}
    for requirement in rows:
        group = requirement.group
        badge_class = classes.setdefault(group.badge_class_id, group.badge_class)
        if group.pk not in groups:
            group.badge_class = badge_class
            groups[group.pk] = group
            requirements[group.pk] = []
        requirement.group = groups[group.pk]
        requirements[group.pk].append(requirement)
        expected[badge_class.pk] = requirement.class_groups
    by_class: dict[int, list] = defaultdict(list)
    for group in groups.values():
        _prefetched(group, "requirements", requirements[group.pk])
        by_class[group.badge_class_id].append(group)
    incomplete = [pk for pk, badge_class in classes.items() if len(by_class[pk]) != expected[pk]]
    if incomplete:  # a class with an empty group: read it whole (rare; the API refuses empty groups)
        again = {c.pk: c for c in BadgeClass.objects.filter(pk__in=incomplete).defer("image").prefetch_related(
            "groups__requirements")}
        classes.update(again)
    for pk, badge_class in classes.items():
        if pk not in incomplete:
            _prefetched(badge_class, "groups", by_class[pk])
            badge_class.__dict__["_cities_network_structure"] = [(g, requirements[g.pk]) for g in by_class[pk]]
    return list(classes.values())


def _prefetched(instance, name: str, items: list) -> None:
    """Give ``instance.<name>.all()`` these items, as ``prefetch_related`` does."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = items  # pylint: disable=protected-access
    queryset._prefetch_done = True  # pylint: disable=protected-access
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def current_award(user_id: int, badge_class: BadgeClass) -> Award | None:
    """The learner's latest award of the class (valid or not)."""
    return Award.objects.filter(user_id=user_id, badge_class=badge_class).order_by("-attempt").first()


def expiry_for(badge_class: BadgeClass, issued_at: datetime.datetime) -> datetime.datetime | None:
    """When an award issued now expires under the class's rule."""
    if badge_class.expiry_rule == ExpiryRule.FIXED_DATE and badge_class.expires_on:
        return datetime.datetime.combine(badge_class.expires_on, datetime.time.max, tzinfo=datetime.UTC)
    if badge_class.expiry_rule == ExpiryRule.DAYS_AFTER and badge_class.expires_after_days:
        return issued_at + datetime.timedelta(days=badge_class.expires_after_days)
    return None


def is_valid(award: Award, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return not award.revoked and (award.expires_at is None or award.expires_at > now)


def award(user, badge_class: BadgeClass, evidence: dict, awarded_by=None,
          now: datetime.datetime | None = None, announce: bool = True) -> tuple[Award | None, bool]:
    """
    Give ``user`` the badge. Returns (award, created). A learner who holds a valid award keeps it; one whose
    award was revoked or expired earns it again only where the class allows re-earning.

    The first attempt is inserted straight away: the unique (learner, class, attempt) decides whether the learner
    held the class already (the usual case, a new award, costs one statement); only then is the latest award read.
    """
    now = now or timezone.now()
    created = _insert_award(user, badge_class, 1, evidence, awarded_by, now)
    if created is None:
        existing = current_award(user.pk, badge_class)
        if existing is None:  # the insert failed on something else (a uuid drawn twice): try once more
            created = _insert_award(user, badge_class, 1, evidence, awarded_by, now)
            if created is None:
                return Award.objects.get(user=user, badge_class=badge_class, attempt=1), False
        elif is_valid(existing, now) or not badge_class.allow_reearning:
            return existing, False
        else:
            attempt = existing.attempt + 1
            created = _insert_award(user, badge_class, attempt, evidence, awarded_by, now)
            if created is None:  # another worker awarded the same attempt first: theirs stands
                return Award.objects.get(user=user, badge_class=badge_class, attempt=attempt), False
    if announce:
        from . import announcements  # pylint: disable=import-outside-toplevel

        announcements.awarded(created)
    return created, True


@contextlib.contextmanager
def one_statement():
    """
    Run one statement that may break a unique constraint inside the current transaction, so that the transaction
    goes on after it fails. PostgreSQL aborts the whole transaction on an error: there the statement goes under a
    savepoint. MySQL/MariaDB and SQLite roll back the failed statement alone and keep the transaction; there the
    savepoint's two round trips are spared, and Django's "an error occurred in this atomic block" flag, which the
    ORM sets for any error, is cleared again for an ``IntegrityError`` (the database has undone exactly that
    statement and nothing else).
    """
    connection = transaction.get_connection()
    if connection.vendor not in ("mysql", "sqlite") or not connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    try:
        yield
    except IntegrityError:
        transaction.set_rollback(False)
        raise


def _insert_award(user, badge_class: BadgeClass, attempt: int, evidence: dict, awarded_by,
                  now: datetime.datetime) -> Award | None:
    """The award row, or None when the unique (learner, class, attempt) (or the uuid) is taken."""
    try:
        with one_statement():
            return Award.objects.create(
                badge_class=badge_class, user=user, attempt=attempt, recipient_email=user.email,
                recipient_name=user.get_full_name() or user.username, salt=secrets.token_hex(16), issued_at=now,
                expires_at=expiry_for(badge_class, now), evidence=evidence, awarded_by=awarded_by,
            )
    except IntegrityError:
        return None


def revoke(award_obj: Award, reason: str, by=None, now: datetime.datetime | None = None) -> bool:
    """Revoke an award with a reason; False when it was revoked already."""
    reason = (reason or "").strip()
    if not reason:
        from django.core.exceptions import ValidationError  # pylint: disable=import-outside-toplevel

        raise ValidationError("Say why the badge is revoked (a reason).")
    updated = Award.objects.filter(pk=award_obj.pk, revoked=False).update(
        revoked=True, revoked_at=now or timezone.now(), revocation_reason=reason[:500])
    if not updated:
        return False
    award_obj.refresh_from_db()
    from . import announcements  # pylint: disable=import-outside-toplevel

    announcements.revoked(award_obj, by=by)
    return True


def store_progress(user_id: int, evaluation: Evaluation) -> None:
    """Keep the learner's "2 of 3" for the class."""
    store_progress_many(user_id, [evaluation])


PROGRESS_FIELDS = ["groups_met", "groups_total", "requirements_met", "requirements_total", "detail", "updated_at"]


def store_progress_many(user_id: int, evaluations: list[Evaluation]) -> None:
    """
    Keep the learner's progress for several classes in one statement: an insert that updates the row a learner
    already has for a class (``ON CONFLICT … DO UPDATE`` / ``ON DUPLICATE KEY UPDATE``, on the unique
    (learner, class)).
    """
    if not evaluations:
        return
    rows = [BadgeProgress(user_id=user_id, badge_class=e.badge_class, groups_met=e.groups_met,
                          groups_total=e.groups_total, requirements_met=e.requirements_met,
                          requirements_total=e.requirements_total, detail=e.detail) for e in evaluations]
    upsert_progress(rows)


def upsert_progress(rows: list[BadgeProgress], batch_size: int | None = None) -> None:
    """Insert or update progress rows by their unique (learner, class)."""
    target = ["user", "badge_class"] if connection.features.supports_update_conflicts_with_target else None
    BadgeProgress.objects.bulk_create(rows, batch_size=batch_size, update_conflicts=True, unique_fields=target,
                                      update_fields=PROGRESS_FIELDS)


def process(user, classes: Iterable[BadgeClass], evidence: dict, revoke_reason: str = "",
            revoke_policy: str = "", now: datetime.datetime | None = None, depth: int = 0,
            announce: bool = True, standings: dict[str, CourseStanding] | None = None) -> list[Award]:
    """
    Evaluate ``classes`` for ``user``: award the earned ones, store progress for the others, and — when the
    event took something away (``revoke_policy`` names the class setting that allows it) — revoke awards whose
    class is no longer earned. Badges that count towards other badges are followed (meta-badges).
    ``standings``: see ``load_facts``.
    """
    classes = list(classes)
    if not classes:
        return []
    now = now or timezone.now()
    facts = load_facts(user.pk, requirements_of(classes), now, standings=standings)
    awarded = []
    evaluations = [evaluate(badge_class, facts) for badge_class in classes]
    # Progress is the record of the classes under way: an earned class's record is its award (readers show a held
    # class as held, whatever progress row it left from before; ADR 0011).
    store_progress_many(user.pk, [e for e in evaluations if not e.earned])
    for badge_class, evaluation in zip(classes, evaluations, strict=True):
        if evaluation.earned:
            holding = [{"kind": r.kind, "target": r.target} for r in evaluation.holding]
            new, created = award(user, badge_class, {**evidence, "requirements": holding}, now=now,
                                 announce=announce)
            if created:
                awarded.append(new)
        elif revoke_policy and getattr(badge_class, revoke_policy, False):
            existing = current_award(user.pk, badge_class)
            if existing is not None and is_valid(existing, now) and existing.awarded_by_id is None:
                revoke(existing, revoke_reason, now=now)
    # The classes the new awards count towards; none to look for when the lookup that found the class said no
    # active class counts it (classes not found by ``candidate_classes`` are always looked for).
    counted = [a for a in awarded if getattr(a.badge_class, "counted_by_active", True)]
    if counted and depth < MAX_META_DEPTH:
        meta = candidate_classes((RequirementKind.BADGE_EARNED, str(a.badge_class.uuid)) for a in counted)
        awarded += process(user, meta, {**evidence, "via_badges": [str(a.uuid) for a in awarded]}, now=now,
                           depth=depth + 1, announce=announce)
    return awarded
