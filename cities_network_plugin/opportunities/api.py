"""
Operations on learning opportunities and playlists: create and change them (with validation that names the
problem), keep course-backed opportunities in step with the platform, filter them for pages and the API,
record learners' completions and their progress through playlists.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..tenancy import api as tenancy_api
from ..tenancy import permissions
from ..tenancy.models import City
from .models import (
    CompletionSource,
    Opportunity,
    OpportunityCompletion,
    OpportunityKind,
    Playlist,
    PlaylistItem,
    PlaylistProgress,
    PublicationStatus,
)

log = logging.getLogger(__name__)

ESCO_PREFIX = "http://data.europa.eu/esco/"
EDITABLE_FIELDS = (
    "kind", "title", "description", "start", "end", "online", "place_name", "address", "latitude", "longitude",
    "url", "organiser", "language", "skills", "status",
)
# Course-backed opportunities take these from the platform.
COURSE_MANAGED_FIELDS = ("title", "start", "end", "kind")


def validate_skills(skills) -> list[dict]:
    """Skills are a list of ``{"uri": <ESCO URI>, "label": <text>}``; returns them cleaned."""
    if skills in (None, ""):
        return []
    if not isinstance(skills, list):
        raise ValidationError({"skills": _("Skills must be a list of {\"uri\": ..., \"label\": ...} items.")})
    cleaned = []
    for number, skill in enumerate(skills, start=1):
        if not isinstance(skill, dict) or not isinstance(skill.get("uri"), str) or not skill.get("label"):
            raise ValidationError({"skills": _("Skill %(number)d needs a 'uri' and a 'label'.") % {"number": number}})
        uri = skill["uri"].strip()
        if not uri.startswith(ESCO_PREFIX):
            raise ValidationError({"skills": _("Skill %(number)d: '%(uri)s' is not an ESCO URI (they start with "
                                               "%(prefix)s).") % {"number": number, "uri": uri, "prefix": ESCO_PREFIX}})
        cleaned.append({"uri": uri, "label": str(skill["label"]).strip()})
    return cleaned


def _clean(opportunity: Opportunity) -> None:
    """Model validation plus the rules that span fields; raises with one message per field."""
    errors: dict[str, list[str]] = {}
    try:
        opportunity.skills = validate_skills(opportunity.skills)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        opportunity.full_clean(exclude=["cities", "skills"], validate_unique=True)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if opportunity.start and opportunity.end and opportunity.end < opportunity.start:
        errors.setdefault("end", []).append(_("The end comes before the start."))
    if (opportunity.latitude is None) != (opportunity.longitude is None):
        errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
    if opportunity.online and (opportunity.latitude is not None or opportunity.address):
        errors.setdefault("online", []).append(_("An online opportunity has no address or coordinates."))
    if opportunity.organiser_id and opportunity.organiser.city_id != opportunity.city_id:
        errors.setdefault("organiser", []).append(_("The organiser must be a stakeholder of the same city."))
    if errors:
        raise ValidationError(errors)


def _course_key(course_key):
    """A course key, or a ValidationError that names the field."""
    try:
        return tenancy_api.as_course_key(course_key)
    except ValidationError as exc:
        raise ValidationError({"course_key": exc.messages}) from exc


def check_course(user, city: City, course_key) -> str:
    """
    The course key of a new course opportunity of ``city``, normalised, or a ValidationError naming ``course_key``.

    A city makes opportunities for the courses of its own organisations: the owner of a course opportunity edits it,
    writes the course's "Cities" tags in Studio and counts it in its badges (``badges.targets``), which it must not
    do for another city's course. A course of an organisation no city claims is refused too: its authors show it in
    a city by tagging it in Studio (ADR 0005), which makes its opportunity. Network managers may use any course.
    An unknown course and another city's get the same answer, so it tells nothing of what exists elsewhere.
    """
    key = _course_key(course_key)
    if not permissions.is_network_manager(user):
        owner = tenancy_api.city_for_course(key)
        if owner is None or owner.pk != city.pk:
            raise ValidationError({"course_key": _("'%(course)s' is not a course of an organisation of %(city)s.")
                                   % {"course": str(course_key)[:255], "city": city.name}})
    return str(key)


def check_course_unchanged(opportunity: Opportunity, course_key) -> None:
    """
    An opportunity's course is what it is about: a value other than its own (none, for an off-platform one) is
    refused, naming ``course_key``. Its learners' completions, playlists and badge requirements, and the course's
    tags in Studio, were made for that course; another course gets an opportunity of its own.
    """
    text = str(course_key).strip() if course_key is not None else ""
    if text and text != opportunity.course_key:
        try:
            text = str(tenancy_api.as_course_key(text))
        except ValidationError:
            pass  # not a course key at all: still another value than the opportunity's
    if (text or None) == (opportunity.course_key or None):
        return
    if opportunity.is_course:
        message = _("An opportunity's course cannot be changed (it is '%(course)s'); add the other course as a new "
                    "opportunity.") % {"course": opportunity.course_key}
    else:
        message = _("An off-platform opportunity cannot be given a course; add the course as a new opportunity.")
    raise ValidationError({"course_key": message})


def nameable_cities(user) -> QuerySet:
    """
    The cities ``user`` may name in an opportunity's cities: those they may see (``permissions.visible_cities``);
    any other (a prospect's, a paused one's) is answered as a slug of no city, so that the answer tells nothing of
    what exists. Without a user (an operator's command), every city.
    """
    return permissions.visible_cities(user) if user is not None else City.objects.all()


def cities_named(user, slugs: Iterable[str], opportunity: Opportunity | None = None,
                 nameable: dict[str, City] | None = None) -> tuple[list[City], list[str]]:
    """
    The cities that ``slugs`` name for ``user`` (``nameable_cities``, or ``nameable``: those by slug, loaded once
    by a caller that asks often), and the slugs that name none. The cities ``opportunity`` is shown in already are
    known too, so that what the API or an export read back may be sent again.
    """
    slugs = list(dict.fromkeys(slugs))
    if nameable is None:
        nameable = {city.slug: city for city in nameable_cities(user).filter(slug__in=slugs)}
    known = {**nameable, **({city.slug: city for city in opportunity.cities.all()} if opportunity else {})}
    return [known[slug] for slug in slugs if slug in known], [slug for slug in slugs if slug not in known]


def create_opportunity(city: City, data: dict, user=None, cities: Iterable[City] | None = None) -> Opportunity:
    """
    Create an off-platform opportunity (or a course-backed one when ``course_key`` is given). With a ``user`` (the
    person creating it), a course must be one that ``check_course`` lets them use.
    """
    fields = {key: data[key] for key in (*EDITABLE_FIELDS, "course_key") if key in data}
    if fields.get("course_key"):
        fields["course_key"] = (check_course(user, city, fields["course_key"]) if user is not None
                                else str(_course_key(fields["course_key"])))
        fields.setdefault("kind", OpportunityKind.COURSE)
    opportunity = Opportunity(city=city, created_by=user, **fields)
    _clean(opportunity)
    with transaction.atomic():
        opportunity.save()
        set_cities(opportunity, cities or [])
    return opportunity


def update_opportunity(opportunity: Opportunity, data: dict, cities: Iterable[City] | None = None) -> Opportunity:
    """Change an opportunity; a course-backed one keeps the platform's title and dates, and no one its course."""
    if "course_key" in data:
        check_course_unchanged(opportunity, data["course_key"])
    for key in EDITABLE_FIELDS:
        if key in data and not (opportunity.is_course and key in COURSE_MANAGED_FIELDS):
            setattr(opportunity, key, data[key])
    _clean(opportunity)
    with transaction.atomic():
        opportunity.save()
        if cities is not None:
            set_cities(opportunity, cities)
    return opportunity


def check_city_changes(user, owner: City, current: Iterable[City], wanted: Iterable[City]) -> None:
    """
    A city team may add or remove only the cities it works for (network managers: any); the owner always
    stays. Raises PermissionDenied naming the first city out of reach.
    """
    changed = (set(current) ^ (set(wanted) | {owner})) - {owner}
    for city in sorted(changed, key=lambda c: c.name):
        if not permissions.can(user, permissions.WORK, city):
            raise PermissionDenied(_("You may only add or remove cities you work for; %(city)s is not one.")
                                   % {"city": city.name})


def set_cities(opportunity: Opportunity, cities: Iterable[City], write_back: bool = True) -> None:
    """
    Show the opportunity in exactly ``cities`` (its own city always stays). For a course, the Studio
    "Cities" tags of the course are written to match.
    """
    wanted = {opportunity.city, *cities}
    opportunity.cities.set(wanted)
    if write_back and opportunity.is_course:
        from . import tagging  # pylint: disable=import-outside-toplevel

        tagging.write_course_tags(opportunity.course_key, wanted)


# --- Course-backed opportunities -------------------------------------------------------------------------------

def cities_of_course(course_key, tagged: Iterable[City] = ()) -> set[City]:
    """The cities a course belongs to: its organisation's city, and the cities it is tagged with."""
    cities = set(tagged)
    owner = tenancy_api.city_for_course(course_key)
    if owner is not None:
        cities.add(owner)
    return cities


def sync_course(course_key, title: str | None = None, start=None, end=None, hidden: bool | None = None,
                tagged: Iterable[City] | None = None) -> Opportunity | None:
    """
    Create or update the opportunity of a course from what the platform says. A course no city claims (by its
    organisation or its tags) gets no opportunity. New course opportunities start as drafts; a hidden course
    goes back to draft.
    """
    from . import tagging  # pylint: disable=import-outside-toplevel

    key = tenancy_api.as_course_key(course_key)
    tagged = set(tagged) if tagged is not None else tagging.cities_tagged_on(key)
    cities = cities_of_course(key, tagged)
    existing = Opportunity.objects.filter(course_key=str(key)).first()
    if not cities and existing is None:
        return None
    if title is None:
        from .. import compat  # pylint: disable=import-outside-toplevel

        info = compat.get_course(key)
        if info is not None:
            title, start, end = info.display_name, info.start, info.end
    with transaction.atomic():
        if existing is None:
            owner = tenancy_api.city_for_course(key) or sorted(cities, key=lambda c: c.pk)[0]
            try:
                with transaction.atomic():
                    existing = Opportunity.objects.create(
                        city=owner, course_key=str(key), kind=OpportunityKind.COURSE, title=title or str(key),
                        start=start, end=end, online=True,
                    )
            except IntegrityError:  # created meanwhile by another event for the same course
                existing = Opportunity.objects.get(course_key=str(key))
        else:
            existing.title = title or existing.title
            existing.start, existing.end = start, end
        if hidden:
            existing.status = PublicationStatus.DRAFT
        existing.save()
        existing.cities.set(cities | {existing.city})
    return existing


# --- Filters ------------------------------------------------------------------------------------------------------

@dataclass
class OpportunityFilters:
    """The filters learners and the API use; each one optional."""

    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    mode: str = ""  # "online" or "in_person"
    skill: str = ""  # an ESCO URI or words of a label
    language: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params) -> OpportunityFilters:
        """Read filters from query parameters; a bad value raises a ValidationError naming the parameter."""
        errors = {}
        kind = params.get("kind", "").strip()
        if kind and kind not in OpportunityKind.values:
            errors["kind"] = _("'%(value)s' is not a kind; use one of: %(choices)s.") % {
                "value": kind, "choices": ", ".join(OpportunityKind.values)}
        mode = params.get("mode", "").strip()
        if mode and mode not in ("online", "in_person"):
            errors["mode"] = _("Use 'online' or 'in_person'.")
        dates = {}
        for name in ("date_from", "date_to"):
            raw = params.get(name, "").strip()
            try:
                dates[name] = parse_date(raw) if raw else None
            except ValueError:  # written as a date, but no day: 2026-02-30, 2026-13-45
                dates[name] = None
            if raw and dates[name] is None:
                errors[name] = _("'%(value)s' is not a date (use YYYY-MM-DD).") % {"value": raw}
        if errors:
            raise ValidationError(errors)
        return cls(kind=kind, mode=mode, skill=params.get("skill", "").strip(),
                   language=params.get("language", "").strip(), q=params.get("q", "").strip(), **dates)

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.mode:
            queryset = queryset.filter(online=self.mode == "online")
        if self.date_from:
            # Still on (or undated) on or after the day.
            queryset = queryset.filter(
                Q(end__date__gte=self.date_from)
                | Q(end__isnull=True, start__date__gte=self.date_from)
                | Q(start__isnull=True, end__isnull=True)
            )
        if self.date_to:
            queryset = queryset.filter(Q(start__date__lte=self.date_to) | Q(start__isnull=True))
        if self.language:
            queryset = queryset.filter(language__iexact=self.language)
        if self.skill:
            # JSON containment is not portable across SQLite and MySQL; the text of the list is.
            queryset = queryset.filter(skills__icontains=self.skill)
        if self.q:
            queryset = queryset.filter(Q(title__icontains=self.q) | Q(description__icontains=self.q))
        return queryset


def published_in(city: City) -> QuerySet:
    """What learners see of a city: published opportunities shown in it, soonest first."""
    return (Opportunity.objects.published().filter(cities=city).select_related("organiser", "city")
            .order_by("start", "title").distinct())


def parse_datetime_value(value, field: str) -> datetime.datetime | None:
    """A datetime from an ISO string (a bare date means midnight in the current time zone)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value
    text = str(value).strip()
    try:
        parsed = parse_datetime(text)
        day = None if parsed else parse_date(text)
    except ValueError as exc:  # well formed but impossible, such as 2025-02-30
        raise ValidationError({field: _("'%(value)s' is not a real date.") % {"value": text}}) from exc
    if parsed is None:
        if day is None:
            raise ValidationError({field: _("'%(value)s' is not a date or date and time (use YYYY-MM-DD HH:MM).")
                                   % {"value": text}})
        parsed = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def parse_decimal(value, field: str) -> Decimal | None:
    """A decimal from text, with a message naming the field."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError({field: _("'%(value)s' is not a number.") % {"value": value}}) from exc


# --- GeoJSON ------------------------------------------------------------------------------------------------------

def geojson(city: City, opportunities: QuerySet | None = None) -> dict:
    """A GeoJSON FeatureCollection of the city's published in-person opportunities that have coordinates."""
    queryset = opportunities if opportunities is not None else published_in(city)
    queryset = queryset.filter(online=False, latitude__isnull=False, longitude__isnull=False)
    features = []
    for item in queryset:
        features.append({
            "type": "Feature",
            "id": str(item.uuid),
            # GeoJSON orders coordinates longitude first.
            "geometry": {"type": "Point", "coordinates": [float(item.longitude), float(item.latitude)]},
            "properties": {
                "title": item.title, "kind": item.kind, "start": item.start.isoformat() if item.start else None,
                "end": item.end.isoformat() if item.end else None, "place": item.place_name,
                "address": item.address, "language": item.language,
                "url": f"/cities-network/o/{item.uuid}/",
            },
        })
    return {"type": "FeatureCollection", "features": features}


# --- Playlists ----------------------------------------------------------------------------------------------------

def not_shown_in(opportunity, city: City) -> str:
    """
    Why an opportunity (or its uuid, as a request named it) cannot be an item of ``city``'s playlist: the same
    words whether it exists elsewhere or nowhere, so the answer tells nothing of other cities' opportunities.
    """
    value = getattr(opportunity, "uuid", opportunity)
    return _("There is no opportunity '%(uuid)s' shown in %(city)s.") % {"uuid": str(value)[:100], "city": city.name}


def set_playlist_items(playlist: Playlist, items: list[tuple[Opportunity, bool]]) -> None:
    """
    Make the playlist's items exactly ``items`` (opportunity, mandatory), in that order. Every item must be
    shown in the playlist's city, and there must be enough optional items for ``min_optional``.
    """
    errors = []
    seen = set()
    for number, (opportunity, _mandatory) in enumerate(items, start=1):
        if not opportunity.cities.filter(pk=playlist.city_id).exists():
            # By uuid, not title: the title of another city's opportunity is not the playlist city's to read.
            errors.append(_("Item %(number)d: %(problem)s")
                          % {"number": number, "problem": not_shown_in(opportunity, playlist.city)})
        elif opportunity.pk in seen:
            errors.append(_("Item %(number)d: '%(title)s' is already in the playlist.")
                          % {"number": number, "title": opportunity.title})
        seen.add(opportunity.pk)
    optional = sum(1 for _opportunity, mandatory in items if not mandatory)
    if playlist.min_optional > optional:
        # The English text is the same for one item; the Lithuanian one is not.
        errors.append(ngettext("The playlist asks for %(count)d optional items but has %(optional)d.",
                               "The playlist asks for %(count)d optional items but has %(optional)d.",
                               playlist.min_optional) % {"count": playlist.min_optional, "optional": optional})
    if errors:
        raise ValidationError({"items": errors})
    with transaction.atomic():
        PlaylistItem.objects.filter(playlist=playlist).delete()
        PlaylistItem.objects.bulk_create([
            PlaylistItem(playlist=playlist, opportunity=opportunity, position=position, mandatory=mandatory)
            for position, (opportunity, mandatory) in enumerate(items)
        ])
        for user_id in PlaylistProgress.objects.filter(playlist=playlist).values_list("user_id", flat=True):
            _refresh_playlist_progress(user_id, playlist)


def compute_playlist_progress(user_id: int, playlist: Playlist,
                              progress: PlaylistProgress | None = None) -> tuple[PlaylistProgress, set[int]]:
    """
    The learner's progress through the playlist, computed without saving (pages read it this way), and the
    ids of the opportunities they completed among its items.
    """
    items = list(playlist.items.all())
    done = set(OpportunityCompletion.objects.filter(
        user_id=user_id, opportunity_id__in=[i.opportunity_id for i in items]).values_list("opportunity_id", flat=True))
    mandatory = [i for i in items if i.mandatory]
    optional = [i for i in items if not i.mandatory]
    if progress is None:
        progress = PlaylistProgress.objects.filter(user_id=user_id, playlist=playlist).first() or PlaylistProgress(
            user_id=user_id, playlist=playlist)
    progress.mandatory_total = len(mandatory)
    progress.mandatory_done = sum(1 for i in mandatory if i.opportunity_id in done)
    progress.optional_needed = playlist.min_optional
    progress.optional_done = sum(1 for i in optional if i.opportunity_id in done)
    complete = bool(items) and progress.mandatory_done == progress.mandatory_total and (
        progress.optional_done >= progress.optional_needed)
    if complete and progress.completed_at is None:
        progress.completed_at = timezone.now()
    elif not complete:
        progress.completed_at = None
    return progress, done


def _refresh_playlist_progress(user_id: int, playlist: Playlist) -> PlaylistProgress:
    progress, _created = PlaylistProgress.objects.get_or_create(user_id=user_id, playlist=playlist)
    compute_playlist_progress(user_id, playlist, progress)
    progress.save()
    return progress


def playlist_progress(user, playlist: Playlist) -> PlaylistProgress:
    """The learner's stored progress through the playlist, refreshed."""
    return _refresh_playlist_progress(user.pk, playlist)


def record_completion(
    user, opportunity: Opportunity, source: str = CompletionSource.MANUAL,
    completed_at: datetime.datetime | None = None, recorded_by=None,
) -> tuple[OpportunityCompletion, list[PlaylistProgress]]:
    """
    A learner completed (or attended) an opportunity. Idempotent: the first record stands. Returns the
    completion and the progress of every playlist that contains the opportunity, refreshed.
    """
    if source not in CompletionSource.values:
        raise ValidationError(_("'%(value)s' is not a completion source.") % {"value": source})
    with transaction.atomic():
        try:
            with transaction.atomic():
                completion, _created = OpportunityCompletion.objects.get_or_create(
                    user=user, opportunity=opportunity,
                    defaults={"source": source, "completed_at": completed_at or timezone.now(),
                              "recorded_by": recorded_by},
                )
        except IntegrityError:  # the same completion recorded concurrently
            completion = OpportunityCompletion.objects.get(user=user, opportunity=opportunity)
        progress = [_refresh_playlist_progress(user.pk, playlist) for playlist in opportunity.playlists.all()]
    return completion, progress
