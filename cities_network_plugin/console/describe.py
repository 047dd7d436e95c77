"""
Badge requirements in words ("Pass the course “Bike repair”"), for the dashboard and the badge pages.

Requirements store their targets as text (a course key, or the uuid of an opportunity, playlist or badge);
a person reads titles. The titles of every class on a page are looked up in one query per kind of target, among
what the page's city may use.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..badges import targets as targets_rule
from ..badges.models import BadgeClass, RequirementKind
from ..tenancy.models import City


def _titles(classes: list[BadgeClass], city: City | None) -> dict[tuple[str, str], str]:
    targets: dict[str, set[str]] = defaultdict(set)
    for badge_class in classes:
        for group in badge_class.groups.all():
            for requirement in group.requirements.all():
                targets[requirement.kind].add(requirement.target)
    # Within what the city's badges may use (badges.targets): a requirement pointing elsewhere shows its bare
    # target, never the title of another city's draft.
    return targets_rule.titles_for(city, targets)


def requirement_text(kind: str, target: str, titles: dict, modes: Iterable[str] = ()) -> str:
    """One requirement as a sentence."""
    if kind in (RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED):
        course = titles.get(("course", target))
        name = _("“%(title)s” (%(key)s)") % {"title": course, "key": target} if course else target
        if kind == RequirementKind.COURSE_PASSED:
            return _("Pass the course %(course)s") % {"course": name}
        modes = list(modes)
        if modes:
            return _("Earn a certificate (%(modes)s) in the course %(course)s") % {
                "course": name, "modes": ", ".join(modes)}
        return _("Earn a certificate in the course %(course)s") % {"course": name}
    if kind == RequirementKind.MANUAL:
        return _("Be awarded the badge by the city team")
    title = titles.get((kind, target))
    name = _("“%(title)s”") % {"title": title} if title else _("(missing: %(target)s)") % {"target": target}
    if kind == RequirementKind.OPPORTUNITY_ATTENDED:
        return _("Attend or complete %(name)s") % {"name": name}
    if kind == RequirementKind.PLAYLIST_COMPLETED:
        return _("Complete the playlist %(name)s") % {"name": name}
    return _("Hold the badge %(name)s") % {"name": name}


def group_rule(min_required: int, count: int) -> str:
    """How many requirements of a group must hold, in words."""
    if count <= 1:
        return ""
    if min_required >= count:
        return _("all of these")
    if min_required <= 1:
        return _("any one of these")
    return ngettext("at least %(n)d of these", "at least %(n)d of these", min_required) % {"n": min_required}


def describe_classes(classes: Iterable[BadgeClass], city: City | None) -> dict[int, list[dict]]:
    """
    ``{class id: [{"name", "rule", "requirements": [text, ...]}, ...]}`` for every class given, as the pages of
    ``city`` show them (None: the network's).
    """
    classes = list(classes)
    titles = _titles(classes, city)
    described = {}
    for badge_class in classes:
        groups = []
        for number, group in enumerate(badge_class.groups.all(), start=1):
            requirements = list(group.requirements.all())
            groups.append({
                "name": group.name or _("Group %(number)d") % {"number": number},
                "rule": group_rule(group.min_required, len(requirements)),
                "requirements": [requirement_text(r.kind, r.target, titles, r.certificate_modes)
                                 for r in requirements],
            })
        described[badge_class.pk] = groups
    return described
