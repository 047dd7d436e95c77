"""
Who may see and change what: the one place that answers city-scope questions.

The REST API, the Django admin and the pages all ask these functions, so a rule changes in one place.
Rules:

* a network manager (a ``NetworkManager`` row, or a Django superuser) sees and changes every city;
* a city admin sees and changes their own city's records and manages its team;
* a core-team member sees their own city's records and works on them, but does not manage the team;
* anyone else sees no management data of any city.
"""
from __future__ import annotations

from django.db.models import QuerySet

from .models import City, CityRole, CityRoleName, NetworkManager

VIEW = "view"  # read the city's records
WORK = "work"  # change the city's day-to-day records (opportunities, progress, badges)
ADMINISTER = "administer"  # manage the team and the city's settings

_ROLES_FOR_ACTION = {
    VIEW: (CityRoleName.ADMIN, CityRoleName.CORE_TEAM),
    WORK: (CityRoleName.ADMIN, CityRoleName.CORE_TEAM),
    ADMINISTER: (CityRoleName.ADMIN,),
}
_CACHE_ATTR = "_cities_network_perm_cache"


def _is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _cache(user) -> dict:
    """Per-user-object memo, so that one request asks the database once per question."""
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def forget(user) -> None:
    """Drop the memo after a role of ``user`` changed within the same request."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_network_manager(user) -> bool:
    """Network managers act for every city; Django superusers count as network managers."""
    if not _is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    cache = _cache(user)
    if "network_manager" not in cache:
        cache["network_manager"] = NetworkManager.objects.filter(user_id=user.pk).exists()
    return cache["network_manager"]


def city_ids_for(user, action: str = VIEW) -> frozenset[int]:
    """Ids of the cities where ``user`` holds a role allowing ``action`` (network managers excluded)."""
    if action not in _ROLES_FOR_ACTION:
        raise ValueError(f"Unknown action {action!r}; use VIEW, WORK or ADMINISTER.")
    if not _is_authenticated(user):
        return frozenset()
    cache = _cache(user)
    key = ("cities", action)
    if key not in cache:
        cache[key] = frozenset(
            CityRole.objects.filter(user_id=user.pk, role__in=_ROLES_FOR_ACTION[action]).values_list(
                "city_id", flat=True
            )
        )
    return cache[key]


def cities_for(user, action: str = VIEW) -> QuerySet:
    """The cities ``user`` may act on with ``action``."""
    if is_network_manager(user):
        return City.objects.all()
    return City.objects.filter(pk__in=city_ids_for(user, action))


def visible_cities(user) -> QuerySet:
    """
    The cities ``user`` may know of: the active ones (onboarding or member), whose pages and API are public, and
    those of their scope (network managers: all). Any other city (a prospect, a paused one) is answered as a name of
    no city, so that naming it tells nothing of what exists.
    """
    if is_network_manager(user):
        return City.objects.all()
    return City.objects.active() | City.objects.filter(pk__in=city_ids_for(user, VIEW))


def has_any_city_role(user) -> bool:
    """True for network managers and for anyone holding a role in at least one city."""
    return is_network_manager(user) or bool(city_ids_for(user, VIEW))


def can(user, action: str, city: City | int | None) -> bool:
    """
    May ``user`` perform ``action`` on records of ``city``?

    ``city=None`` means a network-level record (one that belongs to no city): only network managers act on it.
    """
    if is_network_manager(user):
        return True
    if city is None:
        return False
    city_id = city.pk if isinstance(city, City) else int(city)
    return city_id in city_ids_for(user, action)


def can_create_city(user) -> bool:
    """Only network managers add cities to the network."""
    return is_network_manager(user)


def scope(queryset: QuerySet, user, action: str = VIEW, city_field: str = "city") -> QuerySet:
    """
    Narrow ``queryset`` to the rows ``user`` may act on; ``city_field`` is the lookup path to the city
    (``"pk"`` when ``queryset`` holds cities themselves).
    """
    if is_network_manager(user):
        return queryset
    lookup = "pk__in" if city_field in ("pk", "id") else f"{city_field}__in"
    return queryset.filter(**{lookup: city_ids_for(user, action)})
