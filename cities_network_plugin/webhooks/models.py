"""
A city's webhook endpoints and the log of what was sent to them.

The log is kept per endpoint and per event, one row each: retries and redeliveries update the row, so the city
admin reads one line per notice with its latest outcome and the number of attempts.
"""
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..tenancy.models import City


class WebhookEvent(models.TextChoices):
    """The notices a city can subscribe to."""

    BADGE_AWARDED = "badge.awarded", _("A badge was awarded")
    BADGE_REVOKED = "badge.revoked", _("A badge was revoked")


class DeliveryState(models.TextChoices):
    """Where one notice to one endpoint stands."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class CityWebhook(models.Model):
    """
    An HTTPS endpoint of a city that receives notices as signed JSON.

    The secret is stored as given, not hashed: the plugin needs the secret itself to compute each HMAC
    signature, so a one-way hash would make signing impossible, and encrypting it with a key kept in the same
    settings would protect nothing against someone who can read both. The API and the admin show it once, when
    the webhook is created; after that only the database holds it.

    .. no_pii: The address, description and secret describe the city's system; the user link names who added it.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500, help_text=_("The HTTPS address that receives the notices."))
    secret = models.CharField(max_length=128, editable=False,
                              help_text=_("Key of the HMAC-SHA256 signature; shown once, when created."))
    description = models.CharField(max_length=255, blank=True,
                                   help_text=_("What the endpoint is, e.g. 'CRM of the city library'."))
    events = models.JSONField(default=list, blank=True,
                              help_text=_("The notices to send, e.g. [\"badge.awarded\"]; empty: every notice."))
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Notices in a row that failed for good; a delivery resets it."))
    deactivated_reason = models.CharField(
        max_length=255, blank=True, editable=False,
        help_text=_("Why the plugin switched the webhook off; cleared when it is switched on again."))
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["city", "created", "pk"]
        verbose_name = _("city webhook")

    def __str__(self) -> str:
        return f"{self.city}: {self.url}"

    def wants(self, event_type: str) -> bool:
        """Does this endpoint subscribe to ``event_type``? (No list at all means every event.)"""
        return not self.events or event_type in self.events


class WebhookDelivery(models.Model):
    """
    One notice to one endpoint: its payload and the outcome of the latest attempt.

    ``event_id`` is the ``id`` of the payload; it stays the same across retries and redeliveries, so a receiver
    that keeps the ids it has seen processes each notice once.

    .. pii: The payload names the learner by username (never by email address), as the notice sent it.
    .. pii_types: username
    .. pii_retirement: retained
    """

    webhook = models.ForeignKey(CityWebhook, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=32, choices=WebhookEvent.choices)
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING,
                             db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # The same notice reaches an endpoint once, however often the caller announces it.
            models.UniqueConstraint(fields=["webhook", "event_id"], name="cities_network_webhook_event_once"),
        ]
        indexes = [models.Index(fields=["webhook", "created"], name="cities_network_whd_log")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.webhook.url} ({self.state})"
