"""
A city's webhooks: register endpoints, record notices for them, sign what is sent.

``notify`` is what the badge engine calls; it only writes delivery rows and queues the delivery task once the
transaction commits, and it never raises, so an award never waits for, or fails because of, an endpoint.

What a receiver gets: a POST with a compact UTF-8 JSON body
``{"id": <uuid>, "type": "badge.awarded", "occurred_at": <ISO 8601>, "city": <slug>, "data": {...}}``, signed the
Standard Webhooks way (https://www.standardwebhooks.com/): ``webhook-id`` (the notice's id; the same on every
retry, so a receiver processes each notice once), ``webhook-timestamp`` (Unix seconds of this attempt) and
``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256 of ``<id>.<timestamp>.<body>``). A receiver checks them
with the Standard Webhooks library of its language and the webhook's ``whsec_…`` secret (``signing_secret``), on
the raw body, before parsing the JSON; in Python::

    from standardwebhooks import Webhook

    payload = Webhook(signing_secret).verify(raw_body, request_headers)  # raises if forged, changed or stale

The headers of earlier releases are still sent, for one more release, and are deprecated:
``X-Cities-Network-Event`` (the type), ``X-Cities-Network-Delivery`` (the id), ``X-Cities-Network-Timestamp`` and
``X-Cities-Network-Signature: sha256=<hex>``, the HMAC-SHA256 of ``<timestamp>.<body>`` keyed with the secret as
shown at registration before this release (the text that ``whsec_`` encodes). Receiver side::

    import hashlib, hmac, time

    def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
        timestamp = headers["X-Cities-Network-Timestamp"]
        if abs(time.time() - int(timestamp)) > tolerance:
            return False  # too old (or from the future): refuse it as a replay
        mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        return hmac.compare_digest("sha256=" + mac.hexdigest(), headers["X-Cities-Network-Signature"])

Endpoints are HTTPS addresses of public hosts on the ports of ``CITIES_NETWORK_WEBHOOKS_ALLOWED_PORTS`` (443).
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from .. import __version__
from ..queueing import enqueue, enqueue_on_commit
from ..tenancy.models import City
from .models import CityWebhook, DeliveryState, WebhookDelivery, WebhookEvent

log = logging.getLogger(__name__)

DEACTIVATE_AFTER = 20  # notices in a row that failed for good before the plugin switches a webhook off
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})  # accepted over http only with ALLOW_LOCAL_HTTP
_PRIVATE_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".lan", ".home.arpa", ".intranet")
_UNSET = object()


class DestinationRefusedError(Exception):
    """The endpoint's address is not one the plugin sends to (a private network, or not HTTPS)."""


# Validation


def _local_http_allowed(host: str) -> bool:
    return bool(getattr(settings, "CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP", False)) and host in LOCAL_HOSTS


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _is_private_name(host: str) -> bool:
    """Names that only mean something inside a network: localhost, .local, .internal, single labels."""
    try:
        return not _is_public(ipaddress.ip_address(host))
    except ValueError:
        pass
    return host == "localhost" or host.endswith(_PRIVATE_SUFFIXES) or "." not in host


def allowed_ports() -> list[int]:
    """The ports a public endpoint may name (``CITIES_NETWORK_WEBHOOKS_ALLOWED_PORTS``; HTTPS's own by default)."""
    ports = settings.CITIES_NETWORK_WEBHOOKS_ALLOWED_PORTS
    return sorted({int(port) for port in ([ports] if isinstance(ports, (int, str)) else ports)})


def _port_allowed(parts) -> bool:
    """An address without a port goes to 443; one with a port only to a port the operator allows."""
    return (443 if parts.port is None else parts.port) in allowed_ports()


def clean_url(url: str) -> str:
    """
    The endpoint's address, checked: HTTPS to a public host, on an allowed port (``allowed_ports``): the plugin
    must not become a way to reach a host's SSH or mail server. Plain HTTP to 127.0.0.1 or localhost, on any
    port, is accepted only when ``CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP`` is on (tests, local development).
    """
    url = (url or "").strip()
    not_an_address = _("'%(url)s' is not a web address; it should look like https://crm.example.org/hooks/badges.")
    if not url:
        raise ValidationError(_("Enter the address of the endpoint, e.g. https://crm.example.org/hooks/badges."))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(not_an_address % {"url": url}) from None
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port out of range (e.g. 99999), which the URL validator lets through
        raise ValidationError(not_an_address % {"url": url}) from None
    host = (parts.hostname or "").lower()
    if parts.username or parts.password:
        raise ValidationError(_("Leave the user name and password out of the address: receivers check the "
                                "signature of each notice instead."))
    if _local_http_allowed(host):
        return url
    if parts.scheme != "https":
        raise ValidationError(_("Webhooks are sent over HTTPS only, so that nobody can read or change a notice on "
                                "its way; use an address that starts with https://."))
    if _is_private_name(host):
        raise ValidationError(_("'%(host)s' is a local or private network address; webhooks are sent only to "
                                "hosts reachable from the internet.") % {"host": host})
    if not _port_allowed(parts):
        raise ValidationError(_("Webhooks are not sent to port %(port)s. Leave the port out of the address (HTTPS "
                                "uses 443), or use one of the ports this platform allows: %(allowed)s.")
                              % {"port": port, "allowed": ", ".join(str(p) for p in allowed_ports())})
    return url


def clean_events(events) -> list[str]:
    """The notices to subscribe to, without repeats; an empty list means every notice."""
    if events in (None, ""):
        return []
    if not isinstance(events, (list, tuple)):
        raise ValidationError(_("List the notices to send, e.g. [\"badge.awarded\"]; leave it empty for all."))
    unknown = [str(event) for event in events if event not in WebhookEvent.values]
    if unknown:
        raise ValidationError(_("Unknown notices: %(unknown)s. Choose among %(choices)s.")
                              % {"unknown": ", ".join(unknown), "choices": ", ".join(WebhookEvent.values)})
    return list(dict.fromkeys(events))


def _cleaned(**fields) -> dict:
    """Check each given field; report every problem at once, by field."""
    cleaners = {"url": clean_url, "events": clean_events, "description": _clean_description}
    cleaned, errors = {}, {}
    for name, value in fields.items():
        try:
            cleaned[name] = cleaners[name](value) if name in cleaners else value
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_description(description) -> str:
    description = (description or "").strip()
    if len(description) > 255:
        raise ValidationError(_("Keep the description under 256 characters."))
    return description


def check_destination(url: str) -> None:
    """
    Refuse to send to a host that resolves to a private or local address.

    Registration checks the name; this checks where the name points at delivery time, since DNS can change after
    registration. Raises ``DestinationRefusedError``, or ``OSError`` when the name cannot be resolved.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _local_http_allowed(host):
        return
    if parts.scheme != "https":
        raise DestinationRefusedError("Not sent: the address is not HTTPS.")
    try:
        port = 443 if parts.port is None else parts.port
    except ValueError:
        raise DestinationRefusedError("Not sent: the address has no valid port.") from None
    if not _port_allowed(parts):
        raise DestinationRefusedError(f"Not sent: port {port} is not one webhooks are sent to "
                                      f"({', '.join(str(p) for p in allowed_ports())}).")
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not _is_public(address):
            raise DestinationRefusedError(f"Not sent: {host} points to {address}, a private or local network address.")


# Endpoints


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def register(city: City, url: str, description: str = "", events: list[str] | None = None,
             user=None) -> CityWebhook:
    """
    Add an endpoint to ``city``. The returned webhook carries its new ``secret``: show it to the person now,
    it is not shown again.
    """
    data = _cleaned(url=url, description=description, events=events)
    created_by = user if getattr(user, "is_authenticated", False) else None
    webhook = CityWebhook.objects.create(city=city, secret=new_secret(), created_by=created_by, **data)
    log.info("City %s registered webhook %s to %s", city.slug, webhook.pk, urlsplit(webhook.url).hostname)
    return webhook


def update(webhook: CityWebhook, *, url=_UNSET, description=_UNSET, events=_UNSET, active=_UNSET) -> CityWebhook:
    """
    Change an endpoint. Switching it on again clears the failure count and the reason it was switched off, so
    it gets a fresh run of chances.
    """
    given = {name: value for name, value in
             (("url", url), ("description", description), ("events", events)) if value is not _UNSET}
    for name, value in _cleaned(**given).items():
        setattr(webhook, name, value)
    if active is not _UNSET:
        active = bool(active)
        if active and not webhook.active:
            webhook.consecutive_failures = 0
            webhook.deactivated_reason = ""
        webhook.active = active
    webhook.save()
    return webhook


# Notices


def notify(city: City | int | None, event_type: str, data: dict, *, event_id: uuid.UUID | str | None = None,
           occurred_at: datetime.datetime | None = None) -> list[WebhookDelivery]:
    """
    Record ``event_type`` for every active endpoint of ``city`` (a City or its id) that wants it, and queue their
    delivery once the surrounding transaction commits.

    Never raises: a fault here is logged and the notice is dropped, because an award must not fail because of
    a webhook. ``event_id`` makes repeated calls for the same happening idempotent (one row per endpoint);
    without it each call is a new notice. ``data`` must be JSON-serialisable (dates and UUIDs are fine).
    """
    try:
        return _notify(city, event_type, data, event_id, occurred_at)
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not record the %s webhook notice of city %s; its endpoints will not get it.",
                      event_type, getattr(city, "slug", city))
        return []


def _notify(city, event_type, data, event_id, occurred_at) -> list[WebhookDelivery]:
    from .tasks import deliver_webhook  # pylint: disable=import-outside-toplevel

    if event_type not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event_type!r}; use one of {WebhookEvent.values}.")
    if city is None:  # a network-issued badge: no city endpoints to tell
        return []
    city_id = city if isinstance(city, int) else city.pk
    # The endpoints with their city (for its slug), in the one statement a city without webhooks costs.
    hooks = [hook for hook in CityWebhook.objects.filter(city_id=city_id, active=True).select_related("city")
             if hook.wants(event_type)]
    if not hooks:
        return []
    city = hooks[0].city
    event_id = uuid.UUID(str(event_id)) if event_id else uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "city": city.slug,
        "data": data,
    }
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))  # plain JSON: what is stored is what is sent
    created = []
    with transaction.atomic():  # a savepoint: a fault here leaves the caller's transaction usable
        done = set(WebhookDelivery.objects.filter(event_id=event_id, webhook__in=hooks)
                   .values_list("webhook_id", flat=True))
        for hook in hooks:
            if hook.pk in done:
                continue
            delivery = WebhookDelivery.objects.create(webhook=hook, event_type=event_type, event_id=event_id,
                                                      payload=payload)
            enqueue_on_commit(deliver_webhook, delivery.pk)
            created.append(delivery)
    return created


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """
    Send a notice again, with the same id (a receiver that already has it can ignore it), after the
    transaction commits; it gets a fresh run of attempts.
    """
    from .tasks import deliver_webhook  # pylint: disable=import-outside-toplevel

    if not delivery.webhook.active:
        raise ValidationError(_("This webhook is switched off; switch it on before sending the notice again."))
    delivery.state = DeliveryState.PENDING
    delivery.next_retry_at = None
    delivery.save(update_fields=["state", "next_retry_at"])
    enqueue_on_commit(deliver_webhook, delivery.pk)
    return delivery


def stale_deliveries(older_than: datetime.timedelta, now: datetime.datetime | None = None):
    """
    Pending deliveries no worker has taken up: never tried ``older_than`` after they were recorded (their task was
    never queued: the broker was down), or whose next attempt is ``older_than`` overdue (the broker lost it).
    Oldest first.
    """
    cutoff = (now or timezone.now()) - older_than
    return WebhookDelivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(attempts=0, next_retry_at__isnull=True, created__lte=cutoff) | Q(next_retry_at__lte=cutoff)).order_by(
        "created", "pk")


def redrive(older_than: datetime.timedelta, limit: int = 10_000) -> int:
    """
    Queue again the stale deliveries (``stale_deliveries``); returns how many were queued. It stops at the first it
    cannot queue (the broker is down: the rest wait for the next run). A delivery whose task was only slow is then
    sent twice at worst, with the same ``X-Cities-Network-Delivery`` id, which receivers use to ignore repeats.
    """
    from .tasks import deliver_webhook  # pylint: disable=import-outside-toplevel

    driven = 0
    for pk in stale_deliveries(older_than).values_list("pk", flat=True)[:limit]:
        if not enqueue(deliver_webhook, pk):
            break
        driven += 1
    return driven


def deliveries(webhook: CityWebhook):
    """The endpoint's delivery log, newest first."""
    return WebhookDelivery.objects.filter(webhook=webhook).order_by("-created", "-pk")


# Signing


def encode(payload: dict) -> bytes:
    """The request body: compact JSON, UTF-8 (characters outside ASCII are sent as they are)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signing_secret(webhook: CityWebhook) -> str:
    """
    The webhook's secret in the Standard Webhooks form: ``whsec_`` and the base64 of the secret's UTF-8 text. The
    key is the same bytes that key the deprecated ``X-Cities-Network-Signature``, so an endpoint registered before
    this form existed keeps its secret (ADR 0018).
    """
    return "whsec_" + base64.b64encode(webhook.secret.encode("utf-8")).decode("ascii")


def sign(secret: str, body: bytes, timestamp: int | str) -> str:
    """
    The deprecated signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``<timestamp>.<body>``.
    Sent for one more release beside the Standard Webhooks headers.
    """
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def build_request(delivery: WebhookDelivery, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """
    The body and headers of one attempt; each attempt is signed with its own timestamp, under the same message id.
    The Standard Webhooks signature is made by its own library, so that it is exactly what receivers' libraries
    check.
    """
    body = encode(delivery.payload)
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    message_id = str(delivery.event_id)
    signed_at = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"cities-network-plugin/{__version__}",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": Webhook(signing_secret(delivery.webhook)).sign(message_id, signed_at, body),
        # Deprecated: the headers of earlier releases, kept for one more release (docs/webhooks.md).
        "X-Cities-Network-Event": delivery.event_type,
        "X-Cities-Network-Delivery": message_id,
        "X-Cities-Network-Timestamp": str(timestamp),
        "X-Cities-Network-Signature": sign(delivery.webhook.secret, body, timestamp),
    }
    return body, headers


# Outcomes (written by the delivery task)


def record_delivered(delivery: WebhookDelivery, status_code: int, excerpt: str = "") -> None:
    """The endpoint took the notice: the delivery is done and the endpoint's failure run ends."""
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.DELIVERED, attempts=F("attempts") + 1, last_status_code=status_code,
            last_error="", response_excerpt=excerpt[:500], delivered_at=timezone.now(), next_retry_at=None)
        CityWebhook.objects.filter(pk=delivery.webhook_id).update(consecutive_failures=0)


def record_failure(delivery: WebhookDelivery, error: str, *, status_code: int | None = None, excerpt: str = "",
                   retry_at: datetime.datetime | None = None, counts: bool = True) -> None:
    """
    An attempt failed. With ``retry_at`` the delivery waits for its next attempt; without, it failed for good
    and (when ``counts``) adds to the endpoint's failure run, which switches the endpoint off at
    ``DEACTIVATE_AFTER``.
    """
    final = retry_at is None
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED if final else DeliveryState.PENDING,
            attempts=F("attempts") + (1 if counts else 0), last_status_code=status_code, last_error=error[:255],
            response_excerpt=excerpt[:500], next_retry_at=retry_at)
        if final and counts:
            _count_failure(delivery.webhook_id, error)


def _count_failure(webhook_id: int, error: str) -> None:
    CityWebhook.objects.filter(pk=webhook_id).update(consecutive_failures=F("consecutive_failures") + 1)
    reason = (f"Switched off on {timezone.now():%Y-%m-%d %H:%M} UTC after {DEACTIVATE_AFTER} notices in a row "
              f"failed (the last: {error}). Fix the endpoint, then switch the webhook on again.")
    switched_off = CityWebhook.objects.filter(
        pk=webhook_id, active=True, consecutive_failures__gte=DEACTIVATE_AFTER,
    ).update(active=False, deactivated_reason=reason[:255])
    if switched_off:
        log.warning("Webhook %s switched off after %s notices in a row failed", webhook_id, DEACTIVATE_AFTER)
