"""Views of API v1 for cities, their organisations and their teams; writes call ``tenancy.api``."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ....tenancy import api as tenancy_api
from ....tenancy import permissions
from ....tenancy.models import CityOrganization, CityRole
from ..permissions import IsNetworkManager
from ..schema import document
from ..serializers.tenancy import (
    CityOrganizationSerializer,
    CitySerializer,
    OrganizationWriteSerializer,
    TeamMemberSerializer,
    TeamMemberWriteSerializer,
)
from .base import ApiViewMixin, CityScopedMixin, raise_as_drf


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
            raise_as_drf(exc)
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
                raise ValidationError({"detail": [_("You are this city's only admin; add another admin first.")]})
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
            raise_as_drf(exc)
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
