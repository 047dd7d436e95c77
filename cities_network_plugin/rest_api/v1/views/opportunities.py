"""
Views of API v1 for opportunities and playlists under ``cities/<slug>/``.

Anyone may read what a city publishes (its city page is public); the city's team also sees drafts and writes.
An opportunity is changed through the city that owns it; the cities that merely show it read it.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ....opportunities import api as opportunities_api
from ....opportunities.models import Opportunity, OpportunityKind, Playlist, PublicationStatus
from ....tenancy import permissions
from ....tenancy.models import City
from ..schema import document
from ..serializers.opportunities import OpportunitySerializer, PlaylistSerializer
from .base import ApiViewMixin, CityScopedMixin, raise_as_drf

# The filters of ``opportunities_api.OpportunityFilters``, in the schema so that clients know them.
FILTERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=OpportunityKind.values, description="Only this kind."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Still on (or undated) on or after this day."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Starting (or undated) on or before this day."),
    OpenApiParameter("mode", OpenApiTypes.STR, enum=["in_person", "online"], description="Online or in person."),
    OpenApiParameter("skill", OpenApiTypes.STR, description="An ESCO skill's URI, or words of its label."),
    OpenApiParameter("language", OpenApiTypes.STR, description="A language code, e.g. lt."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Words of the title or description."),
]


def visible_city(user, slug: str) -> City:
    """A city anyone may read (onboarding or member), or any city of the user's scope; else 404."""
    city = permissions.visible_cities(user).filter(slug=slug).first()
    if city is None:
        raise Http404("No such city.")
    return city


class PublicCityMixin(CityScopedMixin):
    """Reads are public for active cities; writes need the team's WORK permission on the city."""

    city_write_action = permissions.WORK

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return super().get_permissions()

    def get_city(self):
        if not hasattr(self, "_city"):
            self._city = visible_city(self.request.user, self.kwargs["slug"])  # pylint: disable=attribute-defined-outside-init
        return self._city

    @property
    def is_team(self) -> bool:
        return permissions.can(self.request.user, permissions.VIEW, self.get_city())

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "city": self.get_city()}


def _check_city_changes(user, opportunity: Opportunity | None, owner: City, slugs) -> list[City] | None:
    """
    The cities asked for: they must be ones the caller may see (any other is unknown), and the caller may change only
    the ones it works for.
    """
    if slugs is None:
        return None
    cities, unknown = opportunities_api.cities_named(user, slugs, opportunity)
    if unknown:
        raise ValidationError({"cities": [_("Unknown cities: %(slugs)s.") % {"slugs": ", ".join(unknown)}]})
    current = set(opportunity.cities.all()) if opportunity else {owner}
    try:
        opportunities_api.check_city_changes(user, owner, current, cities)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    return cities


class OpportunityListView(PublicCityMixin, generics.ListCreateAPIView):
    """
    The opportunities shown in a city, soonest first. Filters: ``kind``, ``date_from``, ``date_to``
    (YYYY-MM-DD), ``mode`` (online, in_person), ``skill``, ``language``, ``q``; the team also ``status``.
    """

    serializer_class = OpportunitySerializer

    @document(parameters=[*FILTERS, OpenApiParameter(
        "status", OpenApiTypes.STR, enum=PublicationStatus.values, description="The city's team: only this status.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        city = self.get_city()
        queryset = Opportunity.objects.filter(cities=city).select_related("city", "organiser").prefetch_related(
            "cities").order_by("start", "title")
        if not self.is_team:
            queryset = queryset.published()
        elif self.request.query_params.get("status"):
            queryset = queryset.filter(status=self.request.query_params["status"])
        try:
            return opportunities_api.OpportunityFilters.from_params(self.request.query_params).apply(queryset)
        except DjangoValidationError as exc:
            raise_as_drf(exc)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        cities = _check_city_changes(self.request.user, None, self.get_city(), data.pop("cities", None))
        try:
            with transaction.atomic():
                opportunity = opportunities_api.create_opportunity(self.get_city(), data, user=self.request.user,
                                                                   cities=cities)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        serializer.instance = opportunity


class OpportunityDetailView(PublicCityMixin, generics.RetrieveUpdateDestroyAPIView):
    """One opportunity; the owning city's team changes or deletes it."""

    serializer_class = OpportunitySerializer
    lookup_field = "uuid"

    def get_queryset(self):
        queryset = Opportunity.objects.filter(cities=self.get_city()).select_related("city", "organiser")
        return queryset if self.is_team else queryset.published()

    def get_object(self):
        opportunity = super().get_object()
        if self.request.method not in SAFE_METHODS and opportunity.city_id != self.get_city().pk:
            raise PermissionDenied(_("This opportunity is managed by %(city)s; change it there.")
                                   % {"city": opportunity.city.name})
        return opportunity

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        opportunity = serializer.instance
        cities = _check_city_changes(self.request.user, opportunity, opportunity.city, data.pop("cities", None))
        try:
            with transaction.atomic():
                opportunities_api.update_opportunity(opportunity, data, cities=cities)
        except DjangoValidationError as exc:
            raise_as_drf(exc)


class PlaylistListView(PublicCityMixin, generics.ListCreateAPIView):
    """The city's playlists; the team adds one with its items."""

    serializer_class = PlaylistSerializer

    def get_queryset(self):
        queryset = Playlist.objects.filter(city=self.get_city()).prefetch_related("items__opportunity")
        return queryset if self.is_team else queryset.filter(status="published")

    def perform_create(self, serializer):
        items = serializer.validated_data.pop("items", [])
        try:
            with transaction.atomic():
                playlist = serializer.save(city=self.get_city())
                opportunities_api.set_playlist_items(playlist, [(i["opportunity"], i["mandatory"]) for i in items])
        except DjangoValidationError as exc:
            raise_as_drf(exc)


class PlaylistDetailView(PublicCityMixin, generics.RetrieveUpdateDestroyAPIView):
    """One playlist; the team changes it (``items`` replaces the whole list) or deletes it."""

    serializer_class = PlaylistSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        return PlaylistListView.get_queryset(self)

    def perform_update(self, serializer):
        items = serializer.validated_data.pop("items", None)
        try:
            with transaction.atomic():
                playlist = serializer.save()
                if items is not None:
                    opportunities_api.set_playlist_items(
                        playlist, [(i["opportunity"], i["mandatory"]) for i in items])
                elif "min_optional" in serializer.validated_data:
                    current = [(i.opportunity, i.mandatory) for i in playlist.items.select_related("opportunity")]
                    opportunities_api.set_playlist_items(playlist, current)
        except DjangoValidationError as exc:
            raise_as_drf(exc)


class GeoJSONRenderer(JSONRenderer):
    """Serves GeoJSON with its own media type (RFC 7946)."""

    media_type = "application/geo+json"
    format = "geojson"


class OpportunitiesGeoJSONView(ApiViewMixin, APIView):
    """
    A GeoJSON FeatureCollection of the city's published in-person opportunities with coordinates, for any
    map (the same filters as the list). Public for active cities.
    """

    permission_classes = (AllowAny,)
    renderer_classes = (GeoJSONRenderer, JSONRenderer)

    @document(responses={200: dict}, parameters=FILTERS, operation_id="cities_opportunities_geojson")
    def get(self, request, slug):
        city = visible_city(request.user, slug)
        try:
            filters = opportunities_api.OpportunityFilters.from_params(request.query_params)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        data = opportunities_api.geojson(city, filters.apply(opportunities_api.published_in(city)))
        # Public data, meant for maps on other sites.
        return Response(data, headers={"Access-Control-Allow-Origin": "*"})
