"""
The "Cities" taxonomy of Open edX content tagging, kept in step with our cities both ways.

* ``ensure_taxonomy`` creates the taxonomy (once) and one tag per city; renaming a city renames its tag.
* When a course author tags a course in Studio, ``CONTENT_OBJECT_ASSOCIATIONS_CHANGED`` reaches our receiver,
  and the course's opportunity is shown in the tagged cities (``cities_tagged_on``).
* When a city team changes a course's cities in our pages, ``write_course_tags`` writes the tags back.

The tagging models come from ``openedx_tagging`` (part of openedx-core). Where it is not installed the
feature is off, said once in the log, and everything else works. Studio's own wrapper (which adds org
permissions to taxonomies) is reached through ``compat``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

from django.apps import apps
from django.db import transaction

from .. import compat
from ..tenancy.models import City

log = logging.getLogger(__name__)

TAXONOMY_NAME = "Cities"
TAXONOMY_EXPORT_ID = "cities-network-cities"
TAXONOMY_DESCRIPTION = "The Cities of Learning where a course is offered (kept in sync by the Cities Network plugin)."


@lru_cache(maxsize=1)
def _warned() -> bool:
    log.info("openedx_tagging is not installed: the Cities taxonomy and course tagging by city are off.")
    return True


def available() -> bool:
    """True where Open edX content tagging is installed (Studio and the LMS of current releases)."""
    if apps.is_installed("openedx_tagging"):
        return True
    _warned()
    return False


def get_taxonomy():
    """The Cities taxonomy, or None when it does not exist yet (or tagging is off)."""
    if not available():
        return None
    from openedx_tagging.models import Taxonomy  # pylint: disable=import-outside-toplevel

    taxonomy = Taxonomy.objects.filter(export_id=TAXONOMY_EXPORT_ID).first()
    return taxonomy.cast() if taxonomy else None


def ensure_taxonomy() -> tuple[object | None, int]:
    """
    Create the Cities taxonomy if missing and give it one tag per city (value: the city's name, external id:
    its slug). Idempotent. Returns the taxonomy and how many tags were added or renamed.
    """
    if not available():
        return None, 0
    taxonomy = get_taxonomy()
    if taxonomy is None:
        taxonomy = compat.create_taxonomy(TAXONOMY_NAME, TAXONOMY_DESCRIPTION, TAXONOMY_EXPORT_ID)
    changed = 0
    for city in City.objects.order_by("pk"):
        changed += sync_city_tag(city, taxonomy)
    return taxonomy, changed


def sync_city_tag(city: City, taxonomy=None) -> int:
    """Make the city's tag exist with the city's current name; returns 1 when something changed."""
    from openedx_tagging import api as tagging_api  # pylint: disable=import-outside-toplevel
    from openedx_tagging.models import Tag  # pylint: disable=import-outside-toplevel

    taxonomy = taxonomy or get_taxonomy()
    if taxonomy is None:
        return 0
    tag = Tag.objects.filter(taxonomy=taxonomy, external_id=city.slug).first()
    if tag is None:
        existing = Tag.objects.filter(taxonomy=taxonomy, value__iexact=city.name).first()
        if existing is not None:  # a tag added by hand with the city's name: adopt it
            existing.external_id = city.slug
            existing.save(update_fields=["external_id"])
            return 1
        tagging_api.add_tag_to_taxonomy(taxonomy, city.name, external_id=city.slug)
        return 1
    if tag.value != city.name:
        tagging_api.update_tag_in_taxonomy(taxonomy, tag.value, city.name)
        return 1
    return 0


def cities_tagged_on(course_key) -> set[City]:
    """The cities a course is tagged with in Studio (empty where tagging is off)."""
    taxonomy = get_taxonomy()
    if taxonomy is None:
        return set()
    from openedx_tagging import api as tagging_api  # pylint: disable=import-outside-toplevel

    object_tags = tagging_api.get_object_tags(str(course_key), taxonomy_id=taxonomy.pk)
    slugs = [ot.tag.external_id for ot in object_tags if ot.tag_id and ot.tag.external_id]
    names = [ot.value for ot in object_tags if not (ot.tag_id and ot.tag.external_id)]
    found = set(City.objects.filter(slug__in=slugs))
    if names:
        found |= set(City.objects.filter(name__in=names))
    return found


def write_course_tags(course_key, cities: Iterable[City]) -> bool:
    """Tag the course in Studio with exactly these cities; False where tagging is off."""
    taxonomy = get_taxonomy()
    if taxonomy is None:
        return False
    cities = list(cities)
    for city in cities:
        sync_city_tag(city, taxonomy)
    with transaction.atomic():
        compat.tag_object(str(course_key), taxonomy, sorted(city.name for city in cities))
    return True
