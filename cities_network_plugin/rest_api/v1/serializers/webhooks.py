"""Serializers of a city's webhooks and their delivery log. Writes go through ``webhooks.api``."""
from rest_framework import serializers

from ....webhooks.models import CityWebhook, WebhookDelivery, WebhookEvent


class WebhookSerializer(serializers.ModelSerializer):
    """An endpoint as the city admin sees it; the secret is never part of it."""

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CityWebhook
        fields = ["id", "url", "description", "events", "active", "consecutive_failures", "deactivated_reason",
                  "created", "created_by", "modified"]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    """The answer to a registration: the only time the signing secret is shown."""

    secret = serializers.CharField(read_only=True, help_text="Key of the HMAC-SHA256 signature; store it now, "
                                                             "it is not shown again.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookCreateSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """What a city admin sends to register an endpoint; ``webhooks.api`` checks the address."""

    url = serializers.CharField(max_length=500, help_text="HTTPS address of the endpoint.")
    description = serializers.CharField(max_length=255, required=False, allow_blank=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), required=False,
                                   help_text="The notices to send; empty or absent: every notice.")


class WebhookUpdateSerializer(WebhookCreateSerializer):  # pylint: disable=abstract-method
    """A change to an endpoint: any of its fields; ``active: true`` switches it on again with a clean slate."""

    url = serializers.CharField(max_length=500, required=False, help_text="HTTPS address of the endpoint.")
    active = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    """One line of the delivery log: the notice and the outcome of its latest attempt."""

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event_type", "state", "attempts", "last_status_code", "last_error",
                  "response_excerpt", "created", "delivered_at", "next_retry_at", "payload"]
        read_only_fields = fields
