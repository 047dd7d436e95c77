"""Serializers of a city's webhooks and their delivery log. Writes go through ``webhooks.api``."""
from rest_framework import serializers

from ....webhooks import api as webhooks_api
from ....webhooks.models import CityWebhook, WebhookDelivery, WebhookEvent
from .base import ModelSerializer, validate_uri


class WebhookSerializer(ModelSerializer):
    """An endpoint as the city admin sees it; the secret is never part of it."""

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CityWebhook
        fields = ["id", "url", "description", "events", "active", "consecutive_failures", "deactivated_reason",
                  "created", "created_by", "modified"]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    """The answer to a registration: the only time the signing secret is shown."""

    signing_secret = serializers.SerializerMethodField(
        help_text="The Standard Webhooks secret (whsec_…): check each notice's webhook-signature with it, using the "
                  "Standard Webhooks library of your language. Store it now, it is not shown again.")
    secret = serializers.CharField(read_only=True, help_text="Deprecated: the key of the X-Cities-Network-Signature "
                                                             "header, sent for one more release (the same key as "
                                                             "signing_secret, as text).")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "signing_secret", "secret"]
        read_only_fields = fields

    def get_signing_secret(self, webhook) -> str:
        return webhooks_api.signing_secret(webhook)


class WebhookCreateSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """What a city admin sends to register an endpoint; ``webhooks.api`` checks the address."""

    url = serializers.CharField(max_length=500, validators=[validate_uri], help_text="HTTPS address of the endpoint.")
    description = serializers.CharField(max_length=255, required=False, allow_blank=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), required=False,
                                   help_text="The notices to send; empty or absent: every notice.")


class WebhookUpdateSerializer(WebhookCreateSerializer):  # pylint: disable=abstract-method
    """A change to an endpoint: any of its fields; ``active: true`` switches it on again with a clean slate."""

    url = serializers.CharField(max_length=500, required=False, validators=[validate_uri],
                                help_text="HTTPS address of the endpoint.")
    active = serializers.BooleanField(required=False)


class DeliverySerializer(ModelSerializer):
    """One line of the delivery log: the notice and the outcome of its latest attempt."""

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event_type", "state", "attempts", "last_status_code", "last_error",
                  "response_excerpt", "created", "delivered_at", "next_retry_at", "payload"]
        read_only_fields = fields
