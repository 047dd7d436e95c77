"""
Views of API v1 for a city's webhooks under ``cities/<slug>/webhooks/``.

Webhooks are the city's settings: reading them needs the ADMINISTER permission too (city admins and network
managers), because addresses of a city's systems are not for every team member. The signing secret appears in
the answer to the registration only.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ....tenancy import permissions
from ....webhooks import api as webhooks_api
from ....webhooks.models import CityWebhook
from ..permissions import CityPermission
from ..schema import document
from ..serializers.webhooks import (
    DeliverySerializer,
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
)
from .base import CityScopedMixin, raise_as_drf


class CityAdministerPermission(CityPermission):
    """Every method, reads included, needs the ADMINISTER permission on the city."""

    message = gettext_lazy("Only the city's admins manage its webhooks.")

    def has_permission(self, request, view):
        return permissions.can(request.user, permissions.ADMINISTER, view.get_city())


class WebhookScopeMixin(CityScopedMixin):
    """The city's webhooks, for its admins."""

    permission_classes = (IsAuthenticated, CityAdministerPermission)

    def webhooks(self):
        return CityWebhook.objects.filter(city=self.get_city()).select_related("created_by")

    def get_queryset(self):
        return self.webhooks()

    def get_webhook(self) -> CityWebhook:
        return get_object_or_404(self.webhooks(), pk=self.kwargs["pk"])


class WebhookListView(WebhookScopeMixin, generics.ListAPIView):
    """The city's webhooks (GET); register one (POST) — the answer holds its signing secret, shown only then."""

    serializer_class = WebhookSerializer

    @document(request=WebhookCreateSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request, slug):  # pylint: disable=unused-argument
        writer = WebhookCreateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                webhook = webhooks_api.register(self.get_city(), user=request.user, **writer.validated_data)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(WebhookScopeMixin, generics.RetrieveDestroyAPIView):
    """One webhook: GET it, PATCH it (``active: true`` switches it on again), DELETE it with its log."""

    serializer_class = WebhookSerializer

    @document(request=WebhookUpdateSerializer, responses={200: WebhookSerializer})
    def patch(self, request, slug, pk):  # pylint: disable=unused-argument
        webhook = self.get_object()
        writer = WebhookUpdateSerializer(data=request.data, partial=True)
        writer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                webhooks_api.update(webhook, **writer.validated_data)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        return Response(WebhookSerializer(webhook).data)


class WebhookDeliveryListView(WebhookScopeMixin, generics.ListAPIView):
    """The webhook's delivery log, newest first."""

    serializer_class = DeliverySerializer

    def get_queryset(self):
        return webhooks_api.deliveries(self.get_webhook())


class WebhookRedeliverView(WebhookScopeMixin, APIView):
    """Send one notice of the log again, with the same id; it is queued and gets a fresh run of attempts."""

    @document(request=None, responses={202: DeliverySerializer}, operation_id="cities_webhooks_redeliver")
    def post(self, request, slug, pk, delivery_id):  # pylint: disable=unused-argument
        delivery = get_object_or_404(webhooks_api.deliveries(self.get_webhook()), pk=delivery_id)
        try:
            with transaction.atomic():
                webhooks_api.redeliver(delivery)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
