"""
Views of API v1. They stay thin: permission checks ask ``tenancy.permissions``, writes call ``tenancy.api``.

A city the caller may not see answers 404 (not 403), so the API does not reveal which cities exist; a city
the caller sees but may not change answers 403.
"""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ...tenancy import api as tenancy_api
from ...tenancy import permissions
from ...tenancy.models import CityOrganization, CityRole
from .authentication import AUTHENTICATION_CLASSES
from .permissions import CityPermission, IsNetworkManager
from .schema import document
from .serializers import (
    CityOrganizationSerializer,
    CitySerializer,
    OrganizationWriteSerializer,
    TeamMemberSerializer,
    TeamMemberWriteSerializer,
)


class Pagination(PageNumberPagination):
    """Page-numbered lists; ``?page_size=`` up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        self.page_size = settings.CITIES_NETWORK_API_PAGE_SIZE
        return super().get_page_size(request)


class ApiViewMixin:
    """What every v1 view shares: authentication, OpenAPI schema generation and pagination."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = (IsAuthenticated,)
    pagination_class = Pagination
    schema = AutoSchema()


class CityScopedMixin(ApiViewMixin):
    """Views under ``cities/<slug>/``: the city is resolved once, among the cities the caller may see."""

    permission_classes = (IsAuthenticated, CityPermission)
    city_write_action = permissions.ADMINISTER

    def get_city(self):
        if not hasattr(self, "_city"):
            self._city = get_object_or_404(  # pylint: disable=attribute-defined-outside-init
                permissions.cities_for(self.request.user, permissions.VIEW), slug=self.kwargs["slug"]
            )
        return self._city


def _raise_as_drf(exc: DjangoValidationError):
    raise ValidationError({"detail": exc.messages}) from exc


class CityListView(ApiViewMixin, generics.ListCreateAPIView):
    """
    List the cities the caller may see (network managers: all; city staff: their own cities).

    Network managers create cities with POST.
    """

    serializer_class = CitySerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), IsNetworkManager()]
        return super().get_permissions()

    def get_queryset(self):
        queryset = permissions.cities_for(self.request.user, permissions.VIEW)
        queryset = queryset.select_related("site").prefetch_related("organizations").order_by("name")
        status_filter = self.request.query_params.get("status")
        if status_filter:
            queryset = queryset.filter(status=status_filter)
        country = self.request.query_params.get("country")
        if country:
            queryset = queryset.filter(country=country.upper())
        return queryset


class CityDetailView(CityScopedMixin, generics.RetrieveUpdateAPIView):
    """A city's profile. Network managers update it with PUT or PATCH."""

    serializer_class = CitySerializer

    def get_permissions(self):
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return [IsAuthenticated(), IsNetworkManager()]
        return super().get_permissions()

    def get_object(self):
        return self.get_city()


class CityTeamView(CityScopedMixin, generics.ListAPIView):
    """The city's team. City admins (and network managers) add people or change their role with POST."""

    serializer_class = TeamMemberSerializer

    def get_queryset(self):
        return tenancy_api.team_of(self.get_city())

    @document(request=TeamMemberWriteSerializer, responses={200: TeamMemberSerializer, 201: TeamMemberSerializer})
    def post(self, request, slug):  # pylint: disable=unused-argument
        city = self.get_city()
        writer = TeamMemberWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        existed = CityRole.objects.filter(city=city, user=writer.validated_data["user"]).exists()
        try:
            member = tenancy_api.set_member(
                city, writer.validated_data["user"], writer.validated_data["role"], acting_user=request.user
            )
        except DjangoValidationError as exc:
            _raise_as_drf(exc)
        return Response(
            TeamMemberSerializer(member).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


class CityTeamMemberView(CityScopedMixin, APIView):
    """One team member: GET their role, DELETE to take it away (city admins and network managers)."""

    serializer_class = TeamMemberSerializer

    def _member(self):
        return get_object_or_404(
            CityRole.objects.select_related("user"), city=self.get_city(), user__username=self.kwargs["username"]
        )

    def get(self, request, slug, username):  # pylint: disable=unused-argument
        return Response(TeamMemberSerializer(self._member()).data)

    def delete(self, request, slug, username):  # pylint: disable=unused-argument
        member = self._member()
        if member.user_id == request.user.pk and not permissions.is_network_manager(request.user):
            admins = CityRole.objects.filter(city=member.city, role=member.role).count()
            if member.role == "admin" and admins == 1:
                raise ValidationError({"detail": ["You are this city's only admin; add another admin first."]})
        tenancy_api.remove_member(member.city, member.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CityOrganizationsView(CityScopedMixin, generics.ListAPIView):
    """The city's Open edX organisations; network managers add one with POST."""

    serializer_class = CityOrganizationSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), IsNetworkManager()]
        return super().get_permissions()

    def get_queryset(self):
        return CityOrganization.objects.filter(city=self.get_city())

    @document(request=OrganizationWriteSerializer, responses={201: CityOrganizationSerializer})
    def post(self, request, slug):  # pylint: disable=unused-argument
        city = self.get_city()
        writer = OrganizationWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                organization = tenancy_api.add_organization(city, **writer.validated_data)
        except DjangoValidationError as exc:
            _raise_as_drf(exc)
        return Response(CityOrganizationSerializer(organization).data, status=status.HTTP_201_CREATED)


class CityOrganizationDetailView(CityScopedMixin, APIView):
    """Network managers release an organisation from the city with DELETE."""

    serializer_class = CityOrganizationSerializer

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated(), IsNetworkManager()]
        return super().get_permissions()

    def _organization(self):
        return get_object_or_404(CityOrganization, city=self.get_city(), org__iexact=self.kwargs["org"])

    def get(self, request, slug, org):  # pylint: disable=unused-argument
        return Response(CityOrganizationSerializer(self._organization()).data)

    def delete(self, request, slug, org):  # pylint: disable=unused-argument
        self._organization().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
