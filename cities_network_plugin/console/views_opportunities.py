"""
The city's opportunities and playlists: lists, and forms that create and change them through
``opportunities.api``. An opportunity is changed in the console of the city that owns it; the cities that
merely show it list it with the name of its owner.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from ..opportunities import api as opportunities_api
from ..opportunities.models import Opportunity, Playlist, PublicationStatus
from ..tenancy import permissions
from .context import apply_errors, city_view, render_page
from .forms import OpportunityForm, PlaylistForm, PlaylistItemFormSet

LAST = 10 ** 6  # rows without an order go last, in the order they were given


@city_view(methods=("GET", "HEAD"))
def opportunities(request, city):
    """Every opportunity shown in the city, drafts included, with a status filter."""
    queryset = Opportunity.objects.in_city(city).select_related("city").order_by("start", "title")
    status = request.GET.get("status", "")
    if status in PublicationStatus.values:
        queryset = queryset.filter(status=status)
    return render_page(request, "opportunities.html", city, {
        "opportunities": queryset, "status": status, "statuses": PublicationStatus.choices,
    }, nav="console-opportunities")


def _wanted_cities(user, opportunity: Opportunity | None, owner, chosen) -> set:
    """The cities chosen on the form, plus those of the opportunity the person may not change (they stay)."""
    current = set(opportunity.cities.all()) if opportunity is not None else {owner}
    kept = {city for city in current if not permissions.can(user, permissions.WORK, city)}
    return set(chosen) | kept | {owner}


@city_view()
def opportunity_form(request, city, uuid=None):
    """Create an off-platform opportunity, or change one the city owns."""
    opportunity = get_object_or_404(Opportunity, city=city, uuid=uuid) if uuid else None
    workable = permissions.cities_for(request.user, permissions.WORK)
    form = OpportunityForm(
        request.POST if request.method == "POST" else None, city=city, workable=workable,
        course_backed=bool(opportunity and opportunity.is_course),
        initial=OpportunityForm.initial_for(opportunity) if opportunity else {"status": PublicationStatus.DRAFT},
    )
    if request.method == "POST" and form.is_valid():
        wanted = _wanted_cities(request.user, opportunity, city, form.cleaned_data.get("cities", []))
        try:
            with transaction.atomic():
                current = set(opportunity.cities.all()) if opportunity else {city}
                opportunities_api.check_city_changes(request.user, city, current, wanted)
                if opportunity is None:
                    opportunity = opportunities_api.create_opportunity(
                        city, form.domain_data(), user=request.user, cities=wanted)
                    message = _("The opportunity “%(title)s” was created.")
                else:
                    opportunities_api.update_opportunity(opportunity, form.domain_data(), cities=wanted)
                    message = _("The opportunity “%(title)s” was saved.")
        except ValidationError as exc:
            apply_errors(form, exc)
            if uuid:
                opportunity.refresh_from_db()
        else:
            messages.success(request, message % {"title": opportunity.title})
            return redirect("cities_network_plugin:console-opportunity", city.slug, opportunity.uuid)
    return render_page(request, "opportunity_form.html", city, {"form": form, "opportunity": opportunity},
                       status=400 if form.errors else 200, nav="console-opportunities")


@city_view(methods=("GET", "HEAD"))
def playlists(request, city):
    """The city's playlists."""
    queryset = Playlist.objects.filter(city=city).annotate(item_count=Count("items")).order_by("title")
    return render_page(request, "playlists.html", city, {"playlists": queryset}, nav="console-playlists")


def _playlist_items(formset) -> list[tuple[Opportunity, bool]]:
    rows = [(form.cleaned_data.get("order") or LAST, index, form.cleaned_data["opportunity"],
             bool(form.cleaned_data.get("mandatory")))
            for index, form in enumerate(formset) if form.cleaned_data.get("opportunity")]
    return [(opportunity, mandatory) for _order, _index, opportunity, mandatory in sorted(rows, key=lambda r: r[:2])]


@city_view()
def playlist_form(request, city, uuid=None):
    """Create or change a playlist and its items (chosen among the opportunities shown in the city)."""
    playlist = get_object_or_404(Playlist, city=city, uuid=uuid) if uuid else None
    choices = Opportunity.objects.in_city(city).order_by("title")
    data = request.POST if request.method == "POST" else None
    initial = ({"title": playlist.title, "description": playlist.description, "min_optional": playlist.min_optional,
                "status": playlist.status} if playlist else {"status": PublicationStatus.DRAFT})
    form = PlaylistForm(data, initial=initial)
    items_initial = [{"opportunity": item.opportunity, "mandatory": item.mandatory, "order": position}
                     for position, item in enumerate(playlist.items.select_related("opportunity"), start=1)
                     ] if playlist else []
    items = PlaylistItemFormSet(data, prefix="items", initial=items_initial, form_kwargs={"opportunities": choices})
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            with transaction.atomic():
                # No domain function creates playlists: the fields are the model's own, validated by it.
                target = playlist or Playlist(city=city)
                for name in ("title", "description", "min_optional", "status"):
                    setattr(target, name, form.cleaned_data[name])
                target.full_clean()
                target.save()
                opportunities_api.set_playlist_items(target, _playlist_items(items))
        except ValidationError as exc:
            apply_errors(form, exc)
            if playlist is not None:
                playlist.refresh_from_db()
        else:
            messages.success(request, _("The playlist “%(title)s” was saved.") % {"title": target.title})
            return redirect("cities_network_plugin:console-playlist", city.slug, target.uuid)
    return render_page(request, "playlist_form.html", city, {"form": form, "items": items, "playlist": playlist},
                       status=400 if (form.errors or items.total_error_count()) else 200, nav="console-playlists")
