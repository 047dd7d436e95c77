"""
Plain functions over cities, their organisations and their teams.

Views, serializers, the admin and other domains call these instead of touching the models, so the rules
(which org belongs where, who may hold which role) live in one place.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from . import permissions
from .models import ORG_SHORT_NAME_VALIDATOR, City, CityOrganization, CityRole, CityRoleName

log = logging.getLogger(__name__)


def get_city(slug: str) -> City | None:
    """The city with this slug, or None."""
    return City.objects.filter(slug=slug).first()


def as_course_key(course_key) -> CourseKey:
    """Parse a course key, with an error message that names the bad value."""
    if isinstance(course_key, CourseKey):
        return course_key
    try:
        return CourseKey.from_string(str(course_key))
    except InvalidKeyError as exc:
        raise ValidationError(
            _("'%(value)s' is not a valid course key (expected e.g. course-v1:Org+Num+Run).") % {"value": course_key}
        ) from exc


def city_for_org(org: str) -> City | None:
    """The city that owns the Open edX organisation ``org`` (short names compare case-insensitively)."""
    return City.objects.filter(organizations__org__iexact=org).first()


def city_for_course(course_key) -> City | None:
    """The city of a course's organisation (the ``org`` of its key), or None when no city claims it."""
    return city_for_org(as_course_key(course_key).org)


def city_for_request(request) -> City | None:
    """The city served by the request's site, if that site belongs to a city."""
    try:
        site = getattr(request, "site", None) or get_current_site(request)
    except Exception:  # pylint: disable=broad-except
        # Without django.contrib.sites configured there is no site to look up; that is not an error here.
        log.debug("No site for request %s", getattr(request, "path", ""), exc_info=True)
        return None
    if site is None or getattr(site, "pk", None) is None:
        return None
    return City.objects.filter(site_id=site.pk).first()


def cities_of_user(user) -> QuerySet:
    """The cities where ``user`` holds a role (not the network managers' all-cities view)."""
    if not getattr(user, "is_authenticated", False):
        return City.objects.none()
    return City.objects.filter(roles__user_id=user.pk).distinct()


def roles_of_user(user) -> dict[str, str]:
    """``{city slug: role}`` for every city where ``user`` holds a role."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(CityRole.objects.filter(user_id=user.pk).values_list("city__slug", "role"))


ADDRESSES_PER_QUERY = 200  # email addresses looked up in one statement (an OR of iexact: indexed on MySQL)


def find_user(identifier: str):
    """
    A user by username or email address, or a ValidationError. An address of no account and one shared by several
    get the same message: which addresses have accounts is not for city teams to learn.
    """
    found = find_users([identifier])[identifier]
    if isinstance(found, ValidationError):
        raise found
    return found


def find_users(identifiers: Iterable[str]) -> dict:
    """
    ``find_user`` for many people at once (an attendance CSV), in a few statements however many they are: each
    identifier, as given, maps to its account or to the ValidationError ``find_user`` raises for it. An address
    matches whatever its case (``email__iexact``), and one that several accounts share names none of them.
    """
    user_model = get_user_model()
    given = {identifier: (identifier or "").strip() for identifier in identifiers}
    names = {value for value in given.values() if value and "@" not in value}
    addresses = sorted({value.lower() for value in given.values() if "@" in value})
    by_name: dict[str, list] = {}
    for user in user_model.objects.filter(username__in=names) if names else ():
        by_name.setdefault(user.username.lower(), []).append(user)
    by_address: dict[str, list] = {}
    for start in range(0, len(addresses), ADDRESSES_PER_QUERY):
        match = Q()
        for address in addresses[start:start + ADDRESSES_PER_QUERY]:
            match |= Q(email__iexact=address)
        for user in user_model.objects.filter(match):
            by_address.setdefault(user.email.lower(), []).append(user)
    found = {}
    for identifier, value in given.items():
        if not value:
            found[identifier] = ValidationError(_("Give the person's username or email address."))
            continue
        if "@" in value:
            accounts = by_address.get(value.lower(), [])
        else:  # the database decided which usernames equal it (MySQL's collation ignores case, SQLite's does not)
            accounts = by_name.get(value.lower(), [])
            accounts = [user for user in accounts if user.username == value] or accounts
        found[identifier] = accounts[0] if len(accounts) == 1 else ValidationError(
            _("'%(value)s' does not name one account. Check it with the person, or give their username.")
            % {"value": value})
    return found


def set_member(city: City, user, role: str, acting_user=None) -> CityRole:
    """Give ``user`` the ``role`` in ``city`` (replacing any other role they held there)."""
    if role not in CityRoleName.values:
        raise ValidationError(_("'%(value)s' is not a city role; use one of: %(choices)s.")
                              % {"value": role, "choices": ", ".join(CityRoleName.values)})
    with transaction.atomic():
        member, created = CityRole.objects.select_for_update().get_or_create(
            city=city, user=user, defaults={"role": role, "created_by": acting_user}
        )
        if not created and member.role != role:
            member.role = role
            member.save(update_fields=["role"])
    permissions.forget(user)
    return member


def remove_member(city: City, user) -> bool:
    """Take away ``user``'s role in ``city``; True when there was one."""
    deleted, _rows = CityRole.objects.filter(city=city, user=user).delete()
    permissions.forget(user)
    return bool(deleted)


def team_of(city: City) -> QuerySet:
    """The city's team, admins first."""
    return CityRole.objects.filter(city=city).select_related("user").order_by("role", "user__username")


def add_organization(city: City, org: str, name: str = "") -> CityOrganization:
    """Claim the Open edX organisation ``org`` for ``city``; an org belongs to one city only."""
    ORG_SHORT_NAME_VALIDATOR(org)
    existing = CityOrganization.objects.filter(org__iexact=org).select_related("city").first()
    if existing is not None:
        if existing.city_id != city.pk:
            raise ValidationError(_("The organisation '%(org)s' already belongs to %(city)s.")
                                  % {"org": org, "city": existing.city.name})
        return existing
    try:
        with transaction.atomic():
            organization, _created = CityOrganization.objects.get_or_create(
                org=org, defaults={"city": city, "name": name}
            )
    except IntegrityError as exc:  # a concurrent claim of the same org
        raise ValidationError(
            _("The organisation '%(org)s' was claimed by another city meanwhile.") % {"org": org}) from exc
    return organization
