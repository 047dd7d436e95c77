"""
Delivering a notice: one POST per attempt, retried with exponential backoff, outcome written to the log.

Every attempt is bounded by ``CITIES_NETWORK_WEBHOOKS_TIMEOUT`` (to connect, and between bytes of the answer),
redirects are not followed (a redirect could lead the signed notice anywhere, including inside the network),
and only the first bytes of the answer are read. Logs name the delivery, the webhook and the host, never the
secret, the signature or the full address (it may carry a token).
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
from urllib.parse import urlsplit

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

BACKOFF_BASE = 60  # seconds before the first retry; each retry waits three times as long as the one before
BACKOFF_CAP = 6 * 60 * 60
_EXCERPT_BYTES = 2048


@dataclasses.dataclass(frozen=True)
class Attempt:
    """What one attempt came to."""

    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    retryable: bool = True

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff_seconds(retry: int) -> int:
    """Wait before retry number ``retry`` (1, 2, …): 1, 3, 9, 27, 81 minutes …, at most six hours."""
    return min(BACKOFF_BASE * 3 ** (max(retry, 1) - 1), BACKOFF_CAP)


def max_attempts() -> int:
    """Attempts per notice, the first one included."""
    return max(1, int(settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS))


@shared_task(bind=True, ignore_result=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> None:
    """
    Send one notice. A failed attempt is retried (``self.retry``) until ``CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS``;
    the last failure marks the delivery failed and counts against the endpoint.
    """
    from . import api  # pylint: disable=import-outside-toplevel
    from .models import DeliveryState, WebhookDelivery  # pylint: disable=import-outside-toplevel

    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return  # the webhook was deleted, or a duplicate task found the work done (redelivery sets PENDING again)
    if not delivery.webhook.active:
        api.record_failure(delivery, "Not sent: the webhook is switched off.", counts=False)
        return
    attempt = send(delivery)
    number = self.request.retries + 1
    host = urlsplit(delivery.webhook.url).hostname
    if attempt.ok:
        api.record_delivered(delivery, attempt.status_code, attempt.excerpt)
        log.info("Webhook delivery %s (webhook %s, %s) delivered on attempt %s", delivery.pk,
                 delivery.webhook_id, host, number)
        return
    final = not attempt.retryable or number >= max_attempts()
    retry_in = None if final else backoff_seconds(number)
    retry_at = None if final else timezone.now() + datetime.timedelta(seconds=retry_in)
    api.record_failure(delivery, attempt.error, status_code=attempt.status_code, excerpt=attempt.excerpt,
                       retry_at=retry_at)
    log.warning("Webhook delivery %s (webhook %s, %s) attempt %s failed: %s%s", delivery.pk, delivery.webhook_id,
                host, number, attempt.error, "; giving up" if final else f"; next try in {retry_in} s")
    if not final:
        raise self.retry(countdown=retry_in, max_retries=max_attempts() - 1)


def send(delivery) -> Attempt:
    """POST the notice once and describe the outcome in the city admin's words."""
    from . import api  # pylint: disable=import-outside-toplevel

    url = delivery.webhook.url
    host = urlsplit(url).hostname or ""
    try:
        api.check_destination(url)
    except api.DestinationRefusedError as exc:
        return Attempt(error=str(exc), retryable=False)
    except OSError:
        return Attempt(error=f"Could not find the host {host} (DNS).")
    body, headers = api.build_request(delivery)
    timeout = float(settings.CITIES_NETWORK_WEBHOOKS_TIMEOUT)
    session = requests.Session()
    # Proxies from the environment are for the open internet; a loopback endpoint (local development) is direct.
    session.trust_env = host not in api.LOCAL_HOSTS
    try:
        with session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                          stream=True) as response:
            return _answer(response)
    except requests.Timeout:
        return Attempt(error=f"No answer within {timeout:g} s (timeout).")
    except requests.exceptions.SSLError:
        return Attempt(error=f"The TLS certificate of {host} could not be verified.")
    except requests.ConnectionError as exc:
        return Attempt(error=f"Could not connect to {host}{_reason(exc)}.")
    except requests.RequestException as exc:
        return Attempt(error=f"The request failed ({type(exc).__name__}).")
    finally:
        session.close()


def _answer(response) -> Attempt:
    try:
        raw = response.raw.read(_EXCERPT_BYTES, decode_content=True) or b""
    except Exception:  # pylint: disable=broad-except
        raw = b""
    excerpt = raw.decode(response.encoding or "utf-8", errors="replace").strip()[:500]
    status = response.status_code
    if 200 <= status < 300:
        return Attempt(status_code=status, excerpt=excerpt)
    if 300 <= status < 400:
        error = f"HTTP {status}: the endpoint redirects, and redirects are not followed; register the final address."
    else:
        error = f"HTTP {status} {response.reason or ''}".strip()
    return Attempt(status_code=status, error=error, excerpt=excerpt)


def _reason(exc: Exception) -> str:
    """A short cause (e.g. "connection refused") from the exception chain, without the address."""
    seen, hops = exc, 0
    while seen is not None and hops < 10:
        if isinstance(seen, ConnectionRefusedError):
            return " (connection refused)"
        if isinstance(seen, ConnectionResetError):
            return " (connection reset)"
        following = seen.__cause__ or seen.__context__ or getattr(seen, "reason", None)
        if not isinstance(following, BaseException):
            following = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen, hops = following, hops + 1
    return ""
