"""
What a badge class's requirements may point at: the one rule that the API, the console and the admin apply, and
the scope in which the titles of targets are looked up for a city's pages (ADR 0017).

A requirement names its target as text, so without this rule a city's badge could count another city's learners
(their courses, their attendance, their badges): the awards list and evidence of the badge would then show the
city's team who did what elsewhere, and learners there would receive a credential nobody asked them about.

* A city's badge may use what is the city's: opportunities shown in the city (its own, drafts included, and those
  another city chose to show in it), its playlists and its own badge classes, the courses of its organisations or
  shown in it; and the network's published badge classes.
* The network's badge may use what is published anywhere: published opportunities and playlists, badge classes
  that are not drafts (the network's own drafts too), and any course.

An unknown target and one outside the rule get the same answer, so the answer tells nothing of what exists
elsewhere.
"""
from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ..opportunities.models import Opportunity, Playlist, PublicationStatus
from ..tenancy import api as tenancy_api
from ..tenancy.models import City
from .models import BadgeClass, BadgeStatus, RequirementKind

COURSE_KINDS = (RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED)


def issuer_name(issuer: City | None) -> str:
    """The issuer in the words of a message: the city's name, or "the network"."""
    return issuer.name if issuer is not None else _("the network")


def usable_opportunities(issuer: City | None) -> QuerySet:
    """The opportunities a badge of ``issuer`` may ask learners to attend."""
    if issuer is None:
        return Opportunity.objects.filter(status=PublicationStatus.PUBLISHED)
    return Opportunity.objects.filter(cities=issuer).distinct()


def usable_playlists(issuer: City | None) -> QuerySet:
    """The playlists a badge of ``issuer`` may ask learners to complete."""
    if issuer is None:
        return Playlist.objects.filter(status=PublicationStatus.PUBLISHED)
    return Playlist.objects.filter(city=issuer)


def usable_badge_classes(issuer: City | None) -> QuerySet:
    """The badge classes a badge of ``issuer`` may ask learners to hold."""
    if issuer is None:
        return BadgeClass.objects.filter(Q(issuer_city__isnull=True) | ~Q(status=BadgeStatus.DRAFT))
    return BadgeClass.objects.filter(Q(issuer_city=issuer) | Q(issuer_city__isnull=True, status=BadgeStatus.ACTIVE))


def may_use_course(issuer: City | None, course_key: str) -> bool:
    """
    Whether a badge of ``issuer`` may count a course: one of the city's organisations runs it, or it is shown in
    the city (tagged to it). The network may count any course.
    """
    if issuer is None:
        return True
    if Opportunity.objects.filter(course_key=course_key, cities=issuer).exists():
        return True
    owner = tenancy_api.city_for_course(course_key)
    return owner is not None and owner.pk == issuer.pk


_UUID_TARGETS = {
    RequirementKind.OPPORTUNITY_ATTENDED: usable_opportunities,
    RequirementKind.PLAYLIST_COMPLETED: usable_playlists,
    RequirementKind.BADGE_EARNED: usable_badge_classes,
}


def _refused(kind: str, target: str, issuer: City | None) -> ValidationError:
    messages = {
        RequirementKind.COURSE_PASSED: _("There is no course '%(target)s' that %(issuer)s may use."),
        RequirementKind.CERTIFICATE_EARNED: _("There is no course '%(target)s' that %(issuer)s may use."),
        RequirementKind.OPPORTUNITY_ATTENDED: _("There is no opportunity '%(target)s' that %(issuer)s may use."),
        RequirementKind.PLAYLIST_COMPLETED: _("There is no playlist '%(target)s' that %(issuer)s may use."),
        RequirementKind.BADGE_EARNED: _("There is no badge class '%(target)s' that %(issuer)s may use."),
    }
    return ValidationError(messages[kind] % {"target": target[:100], "issuer": issuer_name(issuer)})


def validate_target(kind: str, target, issuer: City | None, badge_class: BadgeClass | None = None) -> str:
    """
    The target of a requirement of kind ``kind`` in a badge of ``issuer``, as it is stored (a normalised course
    key or a lowercase dashed uuid, as events and lookups name it), or a ValidationError in the caller's words.
    """
    target = target.strip() if isinstance(target, str) else ""
    if kind == RequirementKind.MANUAL:
        return ""
    if kind in COURSE_KINDS:
        try:
            key = str(CourseKey.from_string(target))
        except InvalidKeyError as exc:
            raise ValidationError(_("'%(value)s' is not a course key (e.g. course-v1:Org+Course+Run).")
                                  % {"value": target[:100]}) from exc
        if not may_use_course(issuer, key):
            raise _refused(kind, target, issuer)
        return key
    try:
        target_text = str(uuid.UUID(target))
    except ValueError:
        raise _refused(kind, target, issuer) from None
    if kind == RequirementKind.BADGE_EARNED and badge_class is not None and target_text == str(badge_class.uuid):
        raise ValidationError(_("A badge cannot require itself."))
    if not _UUID_TARGETS[kind](issuer).filter(uuid=target_text).exists():
        raise _refused(kind, target, issuer)
    return target_text


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except (TypeError, ValueError):
        return False
    return True


def titles_for(city: City | None, targets: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """
    The titles of requirement targets (``{kind: {target, ...}}``) that ``city``'s pages may show, keyed by
    ``("course", key)`` or ``(kind, uuid)``: only what a badge of ``city`` may use, so a requirement pointing
    elsewhere (written before this rule) shows its bare target, never another city's draft title.
    """
    titles: dict[tuple[str, str], str] = {}
    courses = set(targets.get(RequirementKind.COURSE_PASSED, ())) | set(targets.get(RequirementKind.CERTIFICATE_EARNED,
                                                                                   ()))
    if courses:
        for key, title in usable_opportunities(city).filter(course_key__in=courses).values_list("course_key",
                                                                                               "title"):
            titles["course", key] = title
    fields = {RequirementKind.OPPORTUNITY_ATTENDED: "title", RequirementKind.PLAYLIST_COMPLETED: "title",
              RequirementKind.BADGE_EARNED: "name"}
    for kind, usable in _UUID_TARGETS.items():
        wanted = {text for text in targets.get(kind, ()) if _is_uuid(text)}
        if wanted:
            for value, title in usable(city).filter(uuid__in=wanted).values_list("uuid", fields[kind]):
                titles[kind, str(value)] = title
    return titles
