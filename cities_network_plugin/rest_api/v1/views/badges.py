"""
Views of API v1 for badges under ``cities/<slug>/``: classes (public when active), their requirements and
image, manual awards and revocation by the city team, and a learner's own progress.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ....badges import api as badges_api
from ....badges import engine, presentation
from ....badges.models import Award, BadgeClass, BadgeStatus
from ....tenancy import api as tenancy_api
from ....tenancy import permissions
from ..schema import document
from ..serializers.badges import (
    AwardSerializer,
    BadgeClassSerializer,
    ImageUploadSerializer,
    ManualAwardSerializer,
    MyAwardSerializer,
    ProgressSerializer,
    RevokeSerializer,
)
from .base import ApiViewMixin, CityScopedMixin, raise_as_drf
from .opportunities import PublicCityMixin


class BadgeClassListView(PublicCityMixin, generics.ListCreateAPIView):
    """The city's badges (anyone: active ones; the team: all). The team creates classes."""

    serializer_class = BadgeClassSerializer

    def get_queryset(self):
        queryset = BadgeClass.objects.filter(issuer_city=self.get_city()).select_related(
            "issuer_city", "previous_version")
        return queryset if self.is_team else queryset.filter(status=BadgeStatus.ACTIVE)

    def perform_create(self, serializer):
        try:
            serializer.instance = badges_api.create_class(self.get_city(), dict(serializer.validated_data),
                                                          user=self.request.user)
        except DjangoValidationError as exc:
            raise_as_drf(exc)


class BadgeClassDetailView(PublicCityMixin, generics.RetrieveUpdateDestroyAPIView):
    """One class. Requirements cannot change once the badge is held (make a new version)."""

    serializer_class = BadgeClassSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        return BadgeClassListView.get_queryset(self)

    def perform_update(self, serializer):
        try:
            with transaction.atomic():
                badges_api.update_class(serializer.instance, dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise_as_drf(exc)

    def perform_destroy(self, instance):
        if instance.awards.exists():
            raise ValidationError({"detail": [_("Learners hold this badge; archive it instead of deleting it.")]})
        instance.delete()


class TeamBadgeMixin(CityScopedMixin):
    """Team-only actions on one class of the city."""

    city_write_action = permissions.WORK

    def get_badge_class(self) -> BadgeClass:
        return get_object_or_404(BadgeClass, issuer_city=self.get_city(), uuid=self.kwargs["uuid"])


class BadgeImageView(TeamBadgeMixin, APIView):
    """Upload the class's image (multipart field ``image``): PNG or SVG, square, at most 256 KiB."""

    parser_classes = (MultiPartParser, FormParser)

    @document(request=ImageUploadSerializer, responses={200: BadgeClassSerializer})
    def put(self, request, slug, uuid):  # pylint: disable=unused-argument
        badge_class = self.get_badge_class()
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationError({"image": [_("Attach the image as the form field 'image'.")]})
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError({"image": [_("The file is far larger than 256 KiB.")]})
        try:
            badges_api.set_image(badge_class, upload.read(), filename=upload.name,
                                 declared_type=upload.content_type or "")
        except DjangoValidationError as exc:
            raise ValidationError({"image": exc.messages}) from exc
        return Response(BadgeClassSerializer(badge_class).data)


class BadgeNewVersionView(TeamBadgeMixin, APIView):
    """Copy a class that learners hold into a new draft version whose requirements can change."""

    @document(request=None, responses={201: BadgeClassSerializer})
    def post(self, request, slug, uuid):  # pylint: disable=unused-argument
        try:
            copy = badges_api.new_version(self.get_badge_class(), user=request.user)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        return Response(BadgeClassSerializer(copy).data, status=status.HTTP_201_CREATED)


class BadgeAwardListView(TeamBadgeMixin, generics.ListAPIView):
    """The class's awards (team only); POST awards it by hand with evidence."""

    serializer_class = AwardSerializer

    def get_queryset(self):
        return Award.objects.filter(badge_class=self.get_badge_class()).select_related(
            "user", "badge_class", "awarded_by")

    @document(request=ManualAwardSerializer, responses={201: AwardSerializer})
    def post(self, request, slug, uuid):  # pylint: disable=unused-argument
        writer = ManualAwardSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        try:
            learner = tenancy_api.find_user(writer.validated_data["user"])
            award = badges_api.manual_award(self.get_badge_class(), learner, writer.validated_data["evidence"],
                                            awarded_by=request.user)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class AwardRevokeView(CityScopedMixin, APIView):
    """Revoke an award of the city's badges, with a reason (city admins and network managers)."""

    city_write_action = permissions.ADMINISTER

    @document(request=RevokeSerializer, responses={200: AwardSerializer})
    def post(self, request, slug, uuid):  # pylint: disable=unused-argument
        award = get_object_or_404(Award.objects.select_related("badge_class", "user"),
                                  badge_class__issuer_city=self.get_city(), uuid=uuid)
        writer = RevokeSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        if not engine.revoke(award, writer.validated_data["reason"], by=request.user):
            raise ValidationError({"detail": [_("This badge was revoked already.")]})
        award.refresh_from_db()
        return Response(AwardSerializer(award).data)


class MyAwardsView(ApiViewMixin, generics.ListAPIView):
    """The signed-in learner's awards, each with its Open Badges 2.0 assertion and 3.0 credential URLs."""

    serializer_class = MyAwardSerializer
    permission_classes = (IsAuthenticated,)

    def get_queryset(self):
        return presentation.awards_of(self.request.user)


class MyProgressView(ApiViewMixin, generics.ListAPIView):
    """The signed-in learner's progress towards the badges under way (not those they hold: see their awards)."""

    serializer_class = ProgressSerializer
    permission_classes = (IsAuthenticated,)

    def get_queryset(self):
        return badges_api.progress_of(self.request.user).order_by("-updated_at")


