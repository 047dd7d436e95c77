"""
Views of API v1 for attendance: the organiser records learners (one, or a CSV), hands out claim codes, and a
learner claims with a code.
"""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ....opportunities import attendance
from ....opportunities.models import ClaimCode, Opportunity, OpportunityCompletion
from ....tenancy import api as tenancy_api
from ....tenancy import permissions
from ....web.ratelimit import claim_limited
from ..parsers import BoundedJSONParser
from ..schema import document
from .base import ApiViewMixin, CityScopedMixin, raise_as_drf


class AttendeeSerializer(serializers.ModelSerializer):
    """One learner's attendance or completion."""

    username = serializers.CharField(source="user.username", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = OpportunityCompletion
        fields = ["username", "source", "completed_at", "recorded_by"]


class RecordAttendanceSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The learner who attended."""

    user = serializers.CharField(help_text="Username or email address.")


class AttendanceCsvSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A CSV with a ``user`` column; ``dry_run`` checks it without recording."""

    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)


class ClaimCodeSerializer(serializers.ModelSerializer):
    """A claim code and the link (for a QR code) learners open to claim."""

    claim_url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimCode
        fields = ["code", "valid_from", "valid_until", "active", "claim_url", "created"]
        read_only_fields = ["code", "claim_url", "created"]

    def get_claim_url(self, code) -> str:
        return f"{getattr(settings, 'LMS_ROOT_URL', '').rstrip('/')}/cities-network/claim/{code.code}/"


class ClaimSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The code the learner received at the event."""

    code = serializers.CharField(max_length=32)


class OpportunityTeamMixin(CityScopedMixin):
    """Actions of the owning city's team on one opportunity."""

    city_write_action = permissions.WORK

    def get_opportunity(self) -> Opportunity:
        return get_object_or_404(Opportunity, city=self.get_city(), uuid=self.kwargs["uuid"])


class AttendanceView(OpportunityTeamMixin, generics.ListAPIView):
    """Who attended (team only); POST records one learner."""

    serializer_class = AttendeeSerializer

    def get_queryset(self):
        return self.get_opportunity().completions.select_related("user", "recorded_by").order_by("-completed_at")

    @document(request=RecordAttendanceSerializer, responses={201: AttendeeSerializer, 200: AttendeeSerializer})
    def post(self, request, slug, uuid):  # pylint: disable=unused-argument
        writer = RecordAttendanceSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        try:
            learner = tenancy_api.find_user(writer.validated_data["user"])
        except DjangoValidationError as exc:
            raise ValidationError({"user": exc.messages}) from exc
        completion, created = attendance.record_attendance(self.get_opportunity(), learner, request.user)
        return Response(AttendeeSerializer(completion).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AttendanceImportView(OpportunityTeamMixin, APIView):
    """Record many attendees from a CSV (a ``user`` column); the whole file is checked first."""

    parser_classes = (MultiPartParser, FormParser)

    @document(request=AttendanceCsvSerializer, responses={200: dict})
    def post(self, request, slug, uuid):  # pylint: disable=unused-argument
        reader = AttendanceCsvSerializer(data=request.data)
        reader.is_valid(raise_exception=True)
        upload = reader.validated_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError({"file": [_("The file is larger than 2 MB.")]})
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": [_("The file is not UTF-8 text; save it as 'CSV UTF-8'.")]}) from exc
        result = attendance.import_attendance(self.get_opportunity(), text, request.user,
                                              dry_run=reader.validated_data["dry_run"])
        body = {"added": result.added, "already": result.already, "dry_run": result.dry_run,
                "errors": [{"line": line, "message": message} for line, message in result.errors]}
        return Response(body, status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)


class ClaimCodeListView(OpportunityTeamMixin, generics.ListCreateAPIView):
    """The opportunity's claim codes (team only); POST makes one for a time window."""

    serializer_class = ClaimCodeSerializer

    def get_queryset(self):
        return self.get_opportunity().claim_codes.all()

    def perform_create(self, serializer):
        try:
            serializer.instance = attendance.create_claim_code(
                self.get_opportunity(), serializer.validated_data["valid_from"],
                serializer.validated_data["valid_until"], created_by=self.request.user)
        except DjangoValidationError as exc:
            raise_as_drf(exc)


class ClaimView(ApiViewMixin, APIView):
    """
    A signed-in learner records their attendance with the event's code (rate-limited per account and per client
    address, in one budget with the claim page).
    """

    permission_classes = (IsAuthenticated,)
    parser_classes = (BoundedJSONParser, FormParser)  # JSON nesting bounded, as every v1 view's
    error_codes = (429,)  # in the schema

    @document(request=ClaimSerializer, responses={201: AttendeeSerializer})
    def post(self, request):
        if claim_limited(request):
            raise Throttled(detail=_("Too many attempts. Please wait a few minutes and try again."))
        reader = ClaimSerializer(data=request.data)
        reader.is_valid(raise_exception=True)
        try:
            completion = attendance.claim(request.user, reader.validated_data["code"])
        except DjangoValidationError as exc:
            raise ValidationError({"code": exc.messages}) from exc
        return Response(AttendeeSerializer(completion).data, status=status.HTTP_201_CREATED)
