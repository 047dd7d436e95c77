"""
The badge engine: decide whether a learner holds each requirement of a class, award, record progress, revoke.

Everything here is idempotent. The database decides races: the unique (learner, class, attempt) of an award
makes two workers evaluating the same learner produce one award, whichever commits first.
"""
from __future__ import annotations

import datetime
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
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


def load_facts(user_id: int, requirements: Iterable[Requirement], now: datetime.datetime | None = None) -> Facts:
    """One query per kind of requirement present, limited to their targets."""
    now = now or timezone.now()
    targets: dict[str, set[str]] = defaultdict(set)
    for requirement in requirements:
        targets[requirement.kind].add(requirement.target)
    facts = Facts()
    courses = targets[RequirementKind.COURSE_PASSED] | targets[RequirementKind.CERTIFICATE_EARNED]
    if courses:
        for key, passing, mode, status in CourseStanding.objects.filter(
                user_id=user_id, course_key__in=courses).values_list(
                "course_key", "passing", "certificate_mode", "certificate_status"):
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
    for group in badge_class.groups.all():
        requirements = list(group.requirements.all())
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
    """
    condition = Q()
    for kind, target in kind_targets:
        condition |= Q(kind=kind, target=target)
    if not condition:
        return []
    ids = Requirement.objects.filter(condition, group__badge_class__status=BadgeStatus.ACTIVE).values(
        "group__badge_class_id")
    return list(BadgeClass.objects.filter(pk__in=ids).select_related("issuer_city").prefetch_related(
        "groups__requirements"))


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
    """
    now = now or timezone.now()
    existing = current_award(user.pk, badge_class)
    if existing is not None and (is_valid(existing, now) or not badge_class.allow_reearning):
        return existing, False
    attempt = existing.attempt + 1 if existing else 1
    try:
        with transaction.atomic():
            created = Award.objects.create(
                badge_class=badge_class, user=user, attempt=attempt, recipient_email=user.email,
                recipient_name=user.get_full_name() or user.username, salt=secrets.token_hex(16), issued_at=now,
                expires_at=expiry_for(badge_class, now), evidence=evidence, awarded_by=awarded_by,
            )
    except IntegrityError:
        # Another worker awarded the same attempt first: theirs stands.
        return Award.objects.get(user=user, badge_class=badge_class, attempt=attempt), False
    if announce:
        from . import announcements  # pylint: disable=import-outside-toplevel

        announcements.awarded(created)
    return created, True


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
    BadgeProgress.objects.update_or_create(
        user_id=user_id, badge_class=evaluation.badge_class,
        defaults={"groups_met": evaluation.groups_met, "groups_total": evaluation.groups_total,
                  "requirements_met": evaluation.requirements_met,
                  "requirements_total": evaluation.requirements_total, "detail": evaluation.detail},
    )


def process(user, classes: Iterable[BadgeClass], evidence: dict, revoke_reason: str = "",
            revoke_policy: str = "", now: datetime.datetime | None = None, depth: int = 0,
            announce: bool = True) -> list[Award]:
    """
    Evaluate ``classes`` for ``user``: award the earned ones, store progress for the others, and — when the
    event took something away (``revoke_policy`` names the class setting that allows it) — revoke awards whose
    class is no longer earned. Badges that count towards other badges are followed (meta-badges).
    """
    classes = list(classes)
    if not classes:
        return []
    now = now or timezone.now()
    facts = load_facts(user.pk, [r for c in classes for g in c.groups.all() for r in g.requirements.all()], now)
    awarded = []
    for badge_class in classes:
        evaluation = evaluate(badge_class, facts)
        store_progress(user.pk, evaluation)
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
    if awarded and depth < MAX_META_DEPTH:
        meta = candidate_classes((RequirementKind.BADGE_EARNED, str(a.badge_class.uuid)) for a in awarded)
        awarded += process(user, meta, {**evidence, "via_badges": [str(a.uuid) for a in awarded]}, now=now,
                           depth=depth + 1, announce=announce)
    return awarded
