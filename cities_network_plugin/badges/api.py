"""
Operations on badge classes and awards for people: define a class and its requirements, version a class once
it has awards, set its image, award by hand, revoke, and read a learner's progress.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..opportunities.models import Opportunity
from ..tenancy.models import City
from . import engine, targets
from .models import (
    Award,
    BadgeClass,
    BadgeProgress,
    BadgeStatus,
    ExpiryRule,
    Requirement,
    RequirementGroup,
    RequirementKind,
)

CLASS_FIELDS = ("name", "description", "criteria_narrative", "alignments", "tags", "expiry_rule", "expires_on",
                "expires_after_days", "status", "allow_reearning", "revoke_when_certificate_revoked",
                "revoke_when_passing_lost")
# A hundred years: longer is no expiry at all, and a date computed from a larger number overflows (year 10000).
MAX_EXPIRY_DAYS = 36500


def _clean_class(badge_class: BadgeClass) -> None:
    errors: dict[str, list[str]] = {}
    try:
        badge_class.full_clean(exclude=["image", "previous_version"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    rule = badge_class.expiry_rule
    if rule == ExpiryRule.FIXED_DATE and not badge_class.expires_on:
        errors.setdefault("expires_on", []).append(_("Give the date the badge expires on."))
    days = badge_class.expires_after_days
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXPIRY_DAYS):
        # Checked here, not by the database: SQLite has no range and would refuse it with a CHECK failure (or an
        # overflow beyond 2^63), MariaDB with its own message; both answered 500 before.
        errors["expires_after_days"] = [_("Give a number of days from 1 to %(max)d.") % {"max": MAX_EXPIRY_DAYS}]
    elif rule == ExpiryRule.DAYS_AFTER and not days:
        errors.setdefault("expires_after_days", []).append(_("Give after how many days the badge expires."))
    must_be_lists = {"alignments": _("Alignments must be a list."), "tags": _("Tags must be a list.")}
    for name, message in must_be_lists.items():
        if not isinstance(getattr(badge_class, name), list):
            errors.setdefault(name, []).append(message)
    for number, alignment in enumerate(badge_class.alignments if isinstance(badge_class.alignments, list) else [], 1):
        if not isinstance(alignment, dict) or not alignment.get("targetName") or not str(
                alignment.get("targetUrl", "")).startswith(("http://", "https://")):
            errors.setdefault("alignments", []).append(
                _("Alignment %(number)d needs a targetName and a targetUrl (for ESCO, the skill's URI).")
                % {"number": number})
    if errors:
        raise ValidationError(errors)


def create_class(issuer_city: City | None, data: dict, user=None) -> BadgeClass:
    """A new class (a draft unless ``status`` says otherwise), with ``groups`` of requirements if given."""
    badge_class = BadgeClass(issuer_city=issuer_city, created_by=user,
                             **{k: data[k] for k in CLASS_FIELDS if k in data})
    _clean_class(badge_class)
    with transaction.atomic():
        badge_class.save()
        if "groups" in data:
            set_requirements(badge_class, data["groups"])
    return badge_class


def update_class(badge_class: BadgeClass, data: dict) -> BadgeClass:
    """Change a class; its requirements only while nobody holds it (afterwards: ``new_version``)."""
    for key in CLASS_FIELDS:
        if key in data:
            setattr(badge_class, key, data[key])
    _clean_class(badge_class)
    with transaction.atomic():
        badge_class.save()
        if "groups" in data:
            set_requirements(badge_class, data["groups"])
    return badge_class


def is_locked(badge_class: BadgeClass) -> bool:
    """A class with awards keeps its requirements: the awards were given for exactly those."""
    return badge_class.awards.exists()


def check_issuer(badge_class: BadgeClass, issuer: City | None) -> None:
    """
    Refuse to give a class with awards another issuer (``issuer``, None for the network). The Open Badges documents
    of its awards (issuer profile, assertions, signed credentials) are built from the class's issuer, so moving it
    would make credentials already issued name an issuer that never issued them. A class nobody holds may move.
    """
    if badge_class.pk is None or getattr(issuer, "pk", None) == badge_class.issuer_city_id:
        return
    if is_locked(badge_class):
        raise ValidationError({"issuer_city": [_(
            "This badge class has been awarded, so its issuer cannot change: the credentials already issued name "
            "it. Make a new badge class for the other issuer.")]})


def clean_requirements(groups, issuer: City | None, badge_class: BadgeClass | None = None) -> list[tuple]:
    """
    Check ``groups`` (the shape ``set_requirements`` takes) for a class of ``issuer`` (None: the network) and give
    them ready to write, or a ValidationError naming every problem with its group and requirement number.
    Writes nothing: the admin checks its form with it before anything is saved.
    """
    if not isinstance(groups, list):
        raise ValidationError({"groups": [_("Groups must be a list.")]})
    errors, cleaned = [], []
    for g_number, group in enumerate(groups, start=1):
        requirements = group.get("requirements") or [] if isinstance(group, dict) else None
        if not requirements or not isinstance(requirements, list):
            errors.append(_("Group %(group)d has no requirements.") % {"group": g_number})
            continue
        min_required = group.get("min_required", 1)
        # A boolean is an int to Python; "true of 3 requirements" is not a number a person meant.
        if isinstance(min_required, bool) or not isinstance(min_required, int) or not (
                1 <= min_required <= len(requirements)):
            errors.append(_("Group %(group)d: at least %(min)s of %(count)d requirements cannot be met; use a "
                            "number from 1 to %(count)d.")
                          % {"group": g_number, "min": repr(min_required)[:40], "count": len(requirements)})
        items = []
        for r_number, requirement in enumerate(requirements, start=1):
            kind = requirement.get("kind") if isinstance(requirement, dict) else None
            if not isinstance(kind, str) or kind not in RequirementKind.values:
                errors.append(_("Group %(group)d, requirement %(number)d: '%(kind)s' is not a kind of requirement "
                                "(%(choices)s).") % {"group": g_number, "number": r_number, "kind": str(kind)[:40],
                                                     "choices": ", ".join(RequirementKind.values)})
                continue
            try:
                target = targets.validate_target(kind, requirement.get("target", ""), issuer, badge_class)
            except ValidationError as exc:
                errors.append(_("Group %(group)d, requirement %(number)d: %(problem)s")
                              % {"group": g_number, "number": r_number, "problem": exc.messages[0]})
                continue
            modes = requirement.get("certificate_modes") or []
            if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
                errors.append(_("Group %(group)d, requirement %(number)d: certificate modes must be a list of "
                                "names such as 'verified'.") % {"group": g_number, "number": r_number})
                continue
            items.append(Requirement(kind=kind, target=target, certificate_modes=modes,
                                     description=str(requirement.get("description", ""))[:255]))
        cleaned.append((str(group.get("name", ""))[:255], min_required, items))
    if errors:
        raise ValidationError({"groups": errors})
    return cleaned


def check_requirements(badge_class: BadgeClass, groups, issuer: City | None) -> list[tuple]:
    """
    Everything ``set_requirements`` checks, writing nothing: the class (saved or not yet) must not be held, and
    ``groups`` must suit a class of ``issuer``. The admin asks this of its form, with the issuer chosen there.
    """
    if badge_class.pk and is_locked(badge_class):
        raise ValidationError({"groups": [_("Learners hold this badge already, so its requirements are locked. "
                                            "Create a new version of the badge to change them.")]})
    return clean_requirements(groups, issuer, badge_class)


def set_requirements(badge_class: BadgeClass, groups: list[dict]) -> None:
    """
    Replace the class's requirement groups. ``groups``:
    ``[{"name": ..., "min_required": 1, "requirements": [{"kind": ..., "target": ..., "certificate_modes": []}]}]``.
    Every problem is reported with its group and requirement number; nothing changes unless all are right. Targets
    must be ones the class's issuer may use (``badges.targets``).
    """
    cleaned = check_requirements(badge_class, groups, badge_class.issuer_city)
    with transaction.atomic():
        RequirementGroup.objects.filter(badge_class=badge_class).delete()
        for position, (name, min_required, items) in enumerate(cleaned):
            group = RequirementGroup.objects.create(badge_class=badge_class, position=position, name=name,
                                                    min_required=min_required)
            for item in items:
                item.group = group
            Requirement.objects.bulk_create(items)
        # The class changed with its requirements: ``modified`` says so to every cached definition (engine).
        badge_class.modified = timezone.now()
        BadgeClass.objects.filter(pk=badge_class.pk).update(modified=badge_class.modified)


def requirements_data(badge_class: BadgeClass) -> list[dict]:
    """The class's groups in the shape ``set_requirements`` takes."""
    return [
        {"name": group.name, "min_required": group.min_required,
         "requirements": [{"kind": r.kind, "target": r.target, "certificate_modes": r.certificate_modes,
                           "description": r.description} for r in group.requirements.all()]}
        for group in badge_class.groups.prefetch_related("requirements")
    ]


def new_version(badge_class: BadgeClass, user=None) -> BadgeClass:
    """
    A draft copy of a class with awards, whose requirements can change; the old class is archived when the new
    one is activated (its awards stay valid).
    """
    existing = BadgeClass.objects.filter(previous_version=badge_class).first()
    if existing is not None:
        raise _version_exists(existing)
    try:
        with transaction.atomic():
            copy = BadgeClass.objects.create(
                issuer_city=badge_class.issuer_city, created_by=user, previous_version=badge_class,
                version=badge_class.version + 1, status=BadgeStatus.DRAFT, image=badge_class.image,
                image_type=badge_class.image_type, image_width=badge_class.image_width,
                **{k: getattr(badge_class, k) for k in CLASS_FIELDS if k != "status"},
            )
            # The copy's requirements obey today's rule (badges.targets): one written before it is refused here.
            set_requirements(copy, requirements_data(badge_class))
    except IntegrityError:
        # Another request made the new version between the check and the insert: the unique previous_version
        # decides, and this one answers as if it had come second.
        existing = BadgeClass.objects.filter(previous_version=badge_class).first()
        if existing is None:
            raise
        raise _version_exists(existing) from None
    return copy


def _version_exists(newer: BadgeClass) -> ValidationError:
    return ValidationError({"version": [
        _("Version %(version)d of this badge exists already (%(uuid)s): change that one instead.")
        % {"version": newer.version, "uuid": newer.uuid}]})


def activate(badge_class: BadgeClass) -> None:
    """Make a class active; a previous version is archived."""
    with transaction.atomic():
        badge_class.status = BadgeStatus.ACTIVE
        badge_class.save(update_fields=["status", "modified"])
        if badge_class.previous_version_id:
            BadgeClass.objects.filter(pk=badge_class.previous_version_id).update(status=BadgeStatus.ARCHIVED,
                                                                                 modified=timezone.now())


def set_image(badge_class: BadgeClass, data: bytes, filename: str = "", declared_type: str = "") -> None:
    """Check and store the class's image (PNG or SVG, square, at most 256 KiB)."""
    from .images import validate_badge_image  # pylint: disable=import-outside-toplevel

    image = validate_badge_image(data, filename=filename, declared_type=declared_type)
    badge_class.image, badge_class.image_type, badge_class.image_width = image.data, image.content_type, image.width
    badge_class.save(update_fields=["image", "image_type", "image_width", "modified"])


def manual_award(badge_class: BadgeClass, user, evidence: str, awarded_by) -> Award:
    """A city team awards the badge by hand, saying why."""
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": [_("Say what the learner did to earn the badge.")]})
    if badge_class.status != BadgeStatus.ACTIVE:
        raise ValidationError({"badge_class": [_("Only active badges can be awarded.")]})
    with transaction.atomic():
        award, created = engine.award(user, badge_class, {"manual": True, "narrative": evidence},
                                      awarded_by=awarded_by, now=timezone.now())
        if award is not None and not created and engine.is_valid(award):
            raise ValidationError({"user": [_("%(user)s already holds this badge.") % {"user": user.username}]})
        if not created:
            raise ValidationError({"user": [_("%(user)s held this badge before and it cannot be earned again.")
                                            % {"user": user.username}]})
    return award


def progress_of(user, badge_classes=None):
    """
    The learner's progress towards the classes under way, optionally limited to some classes. A class the learner
    holds is not under way: its award is the record (its progress row, if any, is from before it was earned).
    """
    held = engine.valid_awards().filter(user=user).values("badge_class_id")
    queryset = BadgeProgress.objects.filter(user=user).exclude(badge_class_id__in=held).select_related("badge_class")
    if badge_classes is not None:
        queryset = queryset.filter(badge_class__in=badge_classes)
    return queryset


def classes_counting_course(course_key: str, opportunity: Opportunity | None):
    """
    The active classes a course counts towards: directly (passing it, its certificate), through its opportunity
    (attending it), or through the playlists holding that opportunity. By name, with their issuer city.
    """
    opportunities = [str(opportunity.uuid)] if opportunity is not None else []
    playlists = [str(u) for u in opportunity.playlists.values_list("uuid", flat=True)] if opportunity else []
    return (BadgeClass.objects.filter(_counting_course(course_key, opportunities, playlists),
                                      status=BadgeStatus.ACTIVE).distinct()
            .select_related("issuer_city").order_by("name"))


def course_counts_towards_badge(course_key: str) -> bool:
    """
    Whether ``classes_counting_course`` names any class, in two short queries (the course's opportunity with its
    playlists, then one EXISTS on the requirements' index): the LMS's course tab asks on every course page.
    """
    rows = Opportunity.objects.filter(course_key=course_key).values_list("uuid", "playlists__uuid")
    opportunities = sorted({str(opportunity) for opportunity, _ in rows})
    playlists = sorted({str(playlist) for _, playlist in rows if playlist is not None})
    return BadgeClass.objects.filter(_counting_course(course_key, opportunities, playlists),
                                     status=BadgeStatus.ACTIVE).exists()


def _counting_course(course_key: str, opportunities: list[str], playlists: list[str]) -> Q:
    """Requirements met by the course: passing it or its certificate, its opportunities, their playlists."""
    targets = Q(groups__requirements__kind__in=[RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED],
                groups__requirements__target=course_key)
    if opportunities:
        targets |= Q(groups__requirements__kind=RequirementKind.OPPORTUNITY_ATTENDED,
                     groups__requirements__target__in=opportunities)
    if playlists:
        targets |= Q(groups__requirements__kind=RequirementKind.PLAYLIST_COMPLETED,
                     groups__requirements__target__in=playlists)
    return targets
