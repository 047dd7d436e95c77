"""
Learner pages of the LMS: a city's published opportunities and playlists, and their detail pages.

Learners may not be signed in, so these pages show only published records of cities that are open to learners
(``CityQuerySet.active()``). The city's team and network managers see drafts and not-yet-open cities too, so they
can check a page before learners do. Times are shown in the city's time zone, where in-person events happen.
Views stay thin: filtering, progress and visibility rules live in the domain modules.
"""
from __future__ import annotations

import datetime
import zoneinfo
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, resolve_url
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..opportunities import api
from ..opportunities.models import (
    Opportunity,
    OpportunityKind,
    Playlist,
    PublicationStatus,
)
from ..tenancy import permissions
from ..tenancy.models import City
from .frame import render_page

PAGE_SIZE = 12
FILTER_NAMES = ("q", "kind", "date_from", "date_to", "mode", "skill", "language")
TEMPLATES = "cities_network_plugin/learner/"


# --- Presentation helpers -----------------------------------------------------------------------------------------

def _moment(value: datetime.datetime) -> str:
    return f"{formats.date_format(value, 'DATE_FORMAT')}, {formats.time_format(value, 'TIME_FORMAT')}"


def describe_when(start, end, tz: zoneinfo.ZoneInfo) -> str:
    """Dates as a person says them, in the city's time zone: one day with two times, or a span of days."""
    start = timezone.localtime(start, tz) if start else None
    end = timezone.localtime(end, tz) if end else None
    if start and end and start.date() == end.date():
        return _("%(day)s, %(start)s–%(end)s") % {
            "day": formats.date_format(start, "DATE_FORMAT"),
            "start": formats.time_format(start, "TIME_FORMAT"), "end": formats.time_format(end, "TIME_FORMAT"),
        }
    if start and end:
        return _("%(start)s to %(end)s") % {"start": _moment(start), "end": _moment(end)}
    if start:
        return _moment(start)
    if end:
        return _("Until %(end)s") % {"end": _moment(end)}
    return ""


def language_name(code: str) -> str:
    """The language's own name (learners look for their language as they write it); the code if unknown."""
    try:
        return get_language_info(code.lower())["name_local"]
    except KeyError:
        return code


def linked_skills(skills) -> list[dict]:
    """Skills with a link only where the URI is ESCO's: the JSON is stored data, never trusted as a link."""
    return [{"label": skill.get("label", ""), "uri": skill["uri"] if str(skill.get("uri", "")).startswith(
        api.ESCO_PREFIX) else ""} for skill in skills if isinstance(skill, dict)]


def osm_url(latitude, longitude) -> str:
    lat, lon = format(latitude, "f"), format(longitude, "f")
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"


def _filter_errors(exc: ValidationError) -> dict[str, str]:
    """Messages per bad parameter worded for learners (the domain's messages are worded for API clients)."""
    friendly = {
        "kind": _("Choose a kind from the list."),
        "mode": _("Choose online or in person."),
        "date_from": _("The “from” date is not a date; use the format YYYY-MM-DD."),
        "date_to": _("The “to” date is not a date; use the format YYYY-MM-DD."),
    }
    return {field: friendly.get(field, " ".join(messages)) for field, messages in exc.message_dict.items()}


# --- Visibility ---------------------------------------------------------------------------------------------------

def _is_open(city: City) -> bool:
    return City.objects.active().filter(pk=city.pk).exists()


def _may_preview(user, city) -> bool:
    """The city's team and network managers see what learners do not see yet."""
    return permissions.can(user, permissions.VIEW, city)


def _city_or_404(user, slug: str) -> tuple[City, bool]:
    """The city and whether this is a preview (the city is not open to learners)."""
    city = City.objects.active().filter(slug=slug).first()
    if city is not None:
        return city, False
    city = get_object_or_404(City, slug=slug)
    if not _may_preview(user, city):
        raise Http404("No such city.")
    return city, True


# --- Pages --------------------------------------------------------------------------------------------------------

@require_safe
def city_page(request, slug):
    """A city's published opportunities, filtered and paginated, and its published playlists."""
    city, preview = _city_or_404(request.user, slug)
    tz = zoneinfo.ZoneInfo(city.timezone)
    published = api.published_in(city)
    errors, page = {}, None
    try:
        filters = api.OpportunityFilters.from_params(request.GET)
    except ValidationError as exc:
        errors = _filter_errors(exc)
    else:
        page = Paginator(filters.apply(published), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        for opportunity in page.object_list:
            opportunity.when = describe_when(opportunity.start, opportunity.end, tz)
    values = {name: request.GET.get(name, "").strip() for name in FILTER_NAMES}
    languages = {code.lower() for code in published.exclude(language="").order_by()
                 .values_list("language", flat=True).distinct()}
    if values["language"]:
        languages.add(values["language"].lower())  # keep the learner's choice selectable
    query = request.GET.copy()
    query.pop("page", None)
    playlists = (Playlist.objects.filter(city=city, status=PublicationStatus.PUBLISHED)
                 .annotate(item_count=Count("items")).order_by("title"))
    return render_page(request, TEMPLATES + "city.html", {
        "city": city, "preview": preview, "page": page, "errors": errors, "values": values,
        "page_range": page.paginator.get_elided_page_range(page.number) if page else [],
        "page_query": (query.urlencode() + "&") if query else "",
        "kinds": OpportunityKind.choices,
        "modes": [("online", _("Online")), ("in_person", _("In person"))],
        "languages": sorted((code, language_name(code)) for code in languages),
        "filtered": any(values.values()), "playlists": playlists,
    }, status=400 if errors else 200)


@require_safe
def opportunity_page(request, uuid):
    """One opportunity, with where it is shown and the playlists it belongs to."""
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("organiser", "city").prefetch_related(
            Prefetch("cities", queryset=City.objects.active().order_by("name"), to_attr="open_cities")),
        uuid=uuid,
    )
    public = opportunity.status == PublicationStatus.PUBLISHED and bool(opportunity.open_cities)
    if not public and not _may_preview(request.user, opportunity.city_id):
        raise Http404("No such opportunity.")
    playlists = (Playlist.objects.filter(items__opportunity=opportunity, status=PublicationStatus.PUBLISHED,
                                         city__in=City.objects.active())
                 .select_related("city").order_by("title").distinct())
    return render_page(request, TEMPLATES + "opportunity.html", {
        "opportunity": opportunity, "preview": not public,
        "draft": opportunity.status != PublicationStatus.PUBLISHED,
        "when": describe_when(opportunity.start, opportunity.end, zoneinfo.ZoneInfo(opportunity.city.timezone)),
        "timezone": opportunity.city.timezone,
        "map_url": osm_url(opportunity.latitude, opportunity.longitude) if opportunity.has_location else "",
        "course_url": f"/courses/{quote(opportunity.course_key, safe=':+')}/about" if opportunity.is_course else "",
        "language": language_name(opportunity.language) if opportunity.language else "",
        "skills": linked_skills(opportunity.skills), "playlists": playlists,
    })


@require_safe
def playlist_page(request, uuid):
    """A playlist's items in order, its completion rule, and a signed-in learner's progress through it."""
    playlist = get_object_or_404(Playlist.objects.select_related("city"), uuid=uuid)
    public = playlist.status == PublicationStatus.PUBLISHED and _is_open(playlist.city)
    team = _may_preview(request.user, playlist.city_id)
    if not public and not team:
        raise Http404("No such playlist.")
    items = list(playlist.items.select_related("opportunity").order_by("position", "pk"))
    progress, done = None, set()
    if request.user.is_authenticated and public:
        progress, done = api.compute_playlist_progress(request.user.pk, playlist)  # read only
    tz = zoneinfo.ZoneInfo(playlist.city.timezone)
    for item in items:
        item.done = item.opportunity_id in done
        # A draft item still counts towards the playlist; learners see that it exists, not what it is.
        item.shown = item.opportunity.status == PublicationStatus.PUBLISHED or team
        item.when = describe_when(item.opportunity.start, item.opportunity.end, tz) if item.shown else ""
    return render_page(request, TEMPLATES + "playlist.html", {
        "playlist": playlist, "items": items, "preview": not public, "progress": progress,
        "signed_in": request.user.is_authenticated,
        "mandatory_total": sum(1 for item in items if item.mandatory),
        "optional_total": sum(1 for item in items if not item.mandatory),
        "login_url": f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}",
    })
