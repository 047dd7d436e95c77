"""Views of API v1 for onboarding: a city's journey, its steps, and the records the steps are judged on."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ....onboarding import api as onboarding_api
from ....onboarding.models import CommunityCall, CommunityCallAttendance, ImpactReview, IntroductoryMeeting, Stakeholder
from ....tenancy import permissions
from ....tenancy.models import City
from ..permissions import IsNetworkManager
from ..schema import document
from ..serializers.onboarding import (
    CommunityCallSerializer,
    HistorySerializer,
    ImpactReviewSerializer,
    IntroductoryMeetingSerializer,
    StakeholderSerializer,
    StepUpdateSerializer,
    journey_data,
    step_data,
)
from .base import ApiViewMixin, CityScopedMixin, raise_as_drf


class OnboardingView(CityScopedMixin, APIView):
    """The city's journey: the five stages in order, each with its steps, and the current stage."""

    @document(responses={200: dict})
    def get(self, request, slug):  # pylint: disable=unused-argument
        return Response(journey_data(onboarding_api.get_journey(self.get_city())))


class OnboardingStepView(CityScopedMixin, APIView):
    """One step: GET it, PATCH its status and evidence (the city's admins and network managers)."""

    city_write_action = permissions.ADMINISTER

    def _state(self):
        state = onboarding_api.get_journey(self.get_city()).step(self.kwargs["step_key"])
        if state is None:
            raise NotFound(_("There is no onboarding step '%(key)s'.") % {"key": self.kwargs["step_key"]})
        return state

    @document(responses={200: dict}, operation_id="cities_onboarding_step_retrieve")
    def get(self, request, slug, step_key):  # pylint: disable=unused-argument
        return Response(step_data(self._state()))

    @document(request=StepUpdateSerializer, responses={200: dict}, operation_id="cities_onboarding_step_update")
    def patch(self, request, slug, step_key):  # pylint: disable=unused-argument
        self._state()
        writer = StepUpdateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        try:
            onboarding_api.update_step(self.get_city(), step_key, user=request.user, **writer.validated_data)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        return Response(step_data(self._state()))


class OnboardingStepHistoryView(CityScopedMixin, generics.ListAPIView):
    """Every change of one step, newest first."""

    serializer_class = HistorySerializer

    def get_queryset(self):
        return onboarding_api.history(self.get_city(), self.kwargs["step_key"])


class CityRecordsMixin(CityScopedMixin):
    """List/create and detail views of a city's own records (stakeholders, meetings, reviews)."""

    model = None
    city_write_action = permissions.WORK

    def get_queryset(self):
        return self.model.objects.filter(city=self.get_city())

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "city": self.get_city()}

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save(city=self.get_city())

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()


class StakeholderListView(CityRecordsMixin, generics.ListCreateAPIView):
    """The city's stakeholders (``?kind=``, ``?engagement=``); the city's team adds them."""

    model = Stakeholder
    serializer_class = StakeholderSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        for name in ("kind", "engagement"):
            value = self.request.query_params.get(name)
            if value:
                queryset = queryset.filter(**{name: value})
        return queryset


class StakeholderDetailView(CityRecordsMixin, generics.RetrieveUpdateDestroyAPIView):
    """One stakeholder."""

    model = Stakeholder
    serializer_class = StakeholderSerializer


class IntroductoryMeetingListView(CityRecordsMixin, generics.ListCreateAPIView):
    """The city's introductory meetings; recording one completes the "Introductory meeting" step."""

    model = IntroductoryMeeting
    serializer_class = IntroductoryMeetingSerializer


class ImpactReviewListView(CityRecordsMixin, generics.ListCreateAPIView):
    """The city's impact reviews; a recent one keeps "Continuous improvement" done."""

    model = ImpactReview
    serializer_class = ImpactReviewSerializer

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save(city=self.get_city(), created_by=self.request.user)


class CommunityCallMixin(ApiViewMixin):
    """Community calls are network-level: everyone with a role reads them, network managers write them."""

    serializer_class = CommunityCallSerializer

    def get_permissions(self):
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return [IsAuthenticated(), IsNetworkManager()]
        return super().get_permissions()

    def get_queryset(self):
        if not permissions.has_any_city_role(self.request.user):
            return CommunityCall.objects.none()
        return CommunityCall.objects.prefetch_related("communitycallattendance_set__city")

    def get_serializer_context(self):
        user = self.request.user
        visible = None if permissions.is_network_manager(user) else permissions.city_ids_for(user)
        return {**super().get_serializer_context(), "visible_city_ids": visible}


class CommunityCallListView(CommunityCallMixin, generics.ListCreateAPIView):
    """
    Community calls of the network (``?city=<slug>``: the calls a city attended). Network managers create
    them with the attending cities.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        city = self.request.query_params.get("city")
        if city:
            visible = permissions.cities_for(self.request.user).filter(slug=city)
            queryset = queryset.filter(attendees__in=visible)
        return queryset

    def perform_create(self, serializer):
        slugs = serializer.validated_data.pop("attendee_slugs", [])
        with transaction.atomic():
            call = serializer.save()
            set_attendance(call, slugs)


class CommunityCallDetailView(CommunityCallMixin, generics.RetrieveUpdateDestroyAPIView):
    """One community call; network managers change it and its attendance."""

    def perform_update(self, serializer):
        slugs = serializer.validated_data.pop("attendee_slugs", None)
        with transaction.atomic():
            call = serializer.save()
            if slugs is not None:
                set_attendance(call, slugs)


def set_attendance(call: CommunityCall, slugs: list[str]) -> None:
    """Make the call's attendance exactly ``slugs``; an unknown slug rejects the whole change."""
    cities = {city.slug: city for city in City.objects.filter(slug__in=slugs)}
    unknown = sorted(set(slugs) - set(cities))
    if unknown:
        raise ValidationError({"attendee_slugs": [_("Unknown cities: %(slugs)s.") % {"slugs": ", ".join(unknown)}]})
    CommunityCallAttendance.objects.filter(call=call).exclude(city__slug__in=slugs).delete()
    for city in cities.values():
        CommunityCallAttendance.objects.get_or_create(call=call, city=city)

