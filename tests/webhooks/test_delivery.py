"""Notices delivered to a real HTTP endpoint on 127.0.0.1: signature, headers, retries, timeouts, failure runs."""
import json
import logging
import socket
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cities_network_plugin import __version__
from cities_network_plugin.tenancy.models import City
from cities_network_plugin.webhooks import api, tasks
from cities_network_plugin.webhooks.models import CityWebhook, DeliveryState, WebhookDelivery

DATA = {"award": "5f0c2b4e-8a5c-4c1e-9d3f-0b6f1c2d3e4f", "badge_name": "Cyclist of Alpha ✓", "username": "ana"}


@pytest.fixture
def webhook(city_a, admin_a, receiver):
    return api.register(city_a, receiver.url, description="CRM of the city", user=admin_a)


@pytest.fixture
def notify(django_capture_on_commit_callbacks, city_a):
    """``notify`` in a transaction that commits, so the delivery task runs (eagerly, as the host configures)."""
    def _notify(event_type="badge.awarded", data=DATA, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return api.notify(city_a, event_type, data, **kwargs)
    return _notify


@pytest.mark.django_db
def test_a_notice_arrives_as_signed_json_with_the_documented_headers(webhook, receiver, notify, verify):
    [delivery] = notify()
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert request["path"] == "/hooks/badges"
    # The receiver-side recipe of the docstring accepts it, and refuses any change.
    assert verify(webhook.secret, headers, body)
    assert not verify("some-other-secret", headers, body)
    assert not verify(webhook.secret, headers, body.replace(b"ana", b"bob"))
    forged = dict(headers.items())
    forged["X-Cities-Network-Timestamp"] = str(int(forged["X-Cities-Network-Timestamp"]) + 1)
    assert not verify(webhook.secret, forged, body)
    # A captured request replayed an hour later is refused even though its signature is genuine.
    old = int(headers["X-Cities-Network-Timestamp"]) - 3600
    replayed = {"X-Cities-Network-Timestamp": str(old),
                "X-Cities-Network-Signature": api.sign(webhook.secret, body, old)}
    assert not verify(webhook.secret, replayed, body)

    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == f"cities-network-plugin/{__version__}"
    assert headers["X-Cities-Network-Event"] == "badge.awarded"
    assert headers["X-Cities-Network-Signature"].startswith("sha256=")
    payload = json.loads(body.decode("utf-8"))
    assert set(payload) == {"id", "type", "occurred_at", "city", "data"}
    assert payload["id"] == str(delivery.event_id) == headers["X-Cities-Network-Delivery"]
    assert (payload["type"], payload["city"], payload["data"]) == ("badge.awarded", "alpha", DATA)
    assert body == json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")  # compact UTF-8
    assert "✓".encode() in body

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (1, 200, "")
    assert delivery.response_excerpt == "answer 200"
    assert delivery.delivered_at is not None and delivery.next_retry_at is None


@pytest.mark.django_db
def test_a_500_is_retried_with_backoff_and_then_delivered(retries_run, webhook, receiver, notify, verify):
    receiver.answer(500)
    with mock.patch.object(tasks.deliver_webhook, "retry", wraps=tasks.deliver_webhook.retry) as retry:
        [delivery] = notify()
    assert len(receiver.requests) == 2  # the retry really ran
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert first["headers"]["X-Cities-Network-Delivery"] == second["headers"]["X-Cities-Network-Delivery"]
    assert all(verify(webhook.secret, r["headers"], r["body"]) for r in receiver.requests)
    retry.assert_called_once_with(countdown=60, max_retries=5)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (2, 200, "")
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0


@pytest.mark.django_db
def test_a_delivery_that_keeps_failing_gives_up_after_the_last_attempt(retries_run, settings, webhook, receiver,
                                                                       notify):
    settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.default = 500
    [delivery] = notify()
    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert (delivery.attempts, delivery.last_status_code) == (3, 500)
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    assert delivery.response_excerpt == "answer 500"
    assert delivery.next_retry_at is None
    webhook.refresh_from_db()
    assert (webhook.consecutive_failures, webhook.active) == (1, True)


def test_backoff_grows_threefold_and_is_capped():
    assert [tasks.backoff_seconds(n) for n in range(1, 6)] == [60, 180, 540, 1620, 4860]
    assert tasks.backoff_seconds(30) == 6 * 60 * 60


@pytest.mark.django_db
def test_a_slow_endpoint_times_out_and_notify_never_calls_it_inline(
        settings, webhook, receiver, city_a, django_capture_on_commit_callbacks):
    settings.CITIES_NETWORK_WEBHOOKS_TIMEOUT = 0.3
    settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.answer("slow")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [delivery] = api.notify(city_a, "badge.awarded", DATA)
    # notify only wrote the row and queued the task for after the commit: nothing was sent.
    assert receiver.requests == []
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert len(callbacks) == 1
    callbacks[0]()  # the commit happens: the task runs
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert "timeout" in delivery.last_error
    assert delivery.last_status_code is None


@pytest.mark.django_db
def test_an_endpoint_that_refuses_connections_is_recorded(settings, city_a, notify):
    settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS = 1
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api.register(city_a, f"http://127.0.0.1:{port}/hooks")
    [delivery] = notify()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_error == "Could not connect to 127.0.0.1 (connection refused)."


@pytest.mark.django_db
def test_redirects_are_not_followed(settings, webhook, receiver, notify):
    settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.answer(302)
    [delivery] = notify()
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_status_code) == (DeliveryState.FAILED, 302)
    assert "redirects are not followed" in delivery.last_error


@pytest.mark.django_db
def test_the_plugin_switches_off_an_endpoint_after_20_failed_notices(settings, webhook, receiver, notify):
    settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.default = 500
    for _ in range(api.DEACTIVATE_AFTER - 1):
        notify()
    webhook.refresh_from_db()
    assert (webhook.consecutive_failures, webhook.active) == (19, True)
    receiver.default = 200  # one success ends the run
    notify()
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0
    receiver.default = 500
    for _ in range(api.DEACTIVATE_AFTER):
        notify()
    webhook.refresh_from_db()
    assert webhook.active is False
    assert "after 20 notices in a row failed" in webhook.deactivated_reason
    assert "HTTP 500" in webhook.deactivated_reason
    sent = len(receiver.requests)
    assert notify() == []  # switched off: nothing recorded, nothing sent
    assert len(receiver.requests) == sent
    # Switching it on again gives a clean slate.
    api.update(webhook, active=True)
    webhook.refresh_from_db()
    assert (webhook.active, webhook.consecutive_failures, webhook.deactivated_reason) == (True, 0, "")


@pytest.mark.django_db
def test_a_queued_notice_of_a_switched_off_webhook_is_not_sent(webhook, receiver, city_a,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [delivery] = api.notify(city_a, "badge.revoked", DATA)
    api.update(webhook, active=False)
    callbacks[0]()
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 0)
    assert "switched off" in delivery.last_error
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0  # not the endpoint's fault


@pytest.mark.django_db
def test_a_name_that_points_to_a_private_address_is_refused_at_delivery(settings, city_a, receiver, notify):
    # Registration checks names; DNS may change later, so delivery checks where the name points.
    settings.CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP = False
    port = receiver.url.split(":")[2].split("/")[0]
    settings.CITIES_NETWORK_WEBHOOKS_ALLOWED_PORTS = [443, int(port)]  # the port is fine: the address is not
    CityWebhook.objects.create(city=city_a, url=f"https://localhost:{port}/hooks", secret=api.new_secret())
    [delivery] = notify()
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 1  # not retried: it would not get better
    assert "points to 127.0.0.1, a private or local network address" in delivery.last_error


@pytest.mark.django_db
def test_only_matching_active_endpoints_are_notified(city_a, city_b, receiver, notify):
    revocations = api.register(city_a, receiver.url, events=["badge.revoked"])
    everything = api.register(city_a, receiver.url)
    api.update(api.register(city_a, receiver.url), active=False)
    api.register(city_b, receiver.url)
    deliveries = notify("badge.awarded")
    assert [d.webhook for d in deliveries] == [everything]
    deliveries = notify("badge.revoked")
    assert {d.webhook for d in deliveries} == {revocations, everything}
    assert len(receiver.requests) == 3


@pytest.mark.django_db
def test_the_same_event_id_is_recorded_once_per_endpoint(webhook, receiver, notify):
    event_id = "0b3c6a4e-0000-4000-8000-000000000001"
    assert len(notify(event_id=event_id)) == 1
    assert notify(event_id=event_id) == []
    assert WebhookDelivery.objects.filter(event_id=event_id).count() == 1
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_notify_never_raises_and_leaves_the_callers_transaction_usable(webhook, city_a, caplog):
    with transaction.atomic():
        assert api.notify(city_a, "badge.awarded", {"when": object()}) == []  # not JSON
        assert api.notify(city_a, "badge.exploded", DATA) == []
        # A database error inside notify (here: the duplicate check misses a concurrent row) rolls back only
        # notify's own savepoint.
        event_id = api.notify(city_a, "badge.awarded", DATA)[0].event_id
        with mock.patch.object(api.WebhookDelivery.objects, "filter", return_value=WebhookDelivery.objects.none()):
            assert api.notify(city_a, "badge.awarded", DATA, event_id=event_id) == []
        assert City.objects.filter(slug="alpha").exists()  # the award's transaction carries on
    assert "IntegrityError" in caplog.text
    assert "Unknown webhook event 'badge.exploded'" in caplog.text
    assert api.notify(None, "badge.awarded", DATA) == []  # a network badge: no city endpoints


@pytest.mark.django_db
def test_redeliver_sends_the_same_notice_again(webhook, receiver, notify, django_capture_on_commit_callbacks):
    [delivery] = notify()
    with django_capture_on_commit_callbacks(execute=True):
        api.redeliver(delivery)
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert first["headers"]["X-Cities-Network-Delivery"] == second["headers"]["X-Cities-Network-Delivery"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)
    api.update(webhook, active=False)
    with pytest.raises(ValidationError, match="switched off"):
        api.redeliver(delivery)


@pytest.mark.django_db
def test_the_secret_and_signatures_never_reach_the_logs(retries_run, settings, caplog, city_a, admin_a, receiver,
                                                        notify):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="cities_network_plugin")
    settings.CITIES_NETWORK_WEBHOOKS_TIMEOUT = 0.3
    webhook = api.register(city_a, receiver.url, user=admin_a)
    receiver.answer(500, "slow")
    notify()  # a 500, a timeout, then delivered
    settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.answer(404)
    notify()  # fails for good
    signatures = [r["headers"]["X-Cities-Network-Signature"] for r in receiver.requests]
    assert len(signatures) == 4
    assert "attempt 1 failed: HTTP 500" in caplog.text  # the logs do tell what happened
    assert "timeout" in caplog.text
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert webhook.secret not in text
        assert not any(signature in text or signature[7:] in text for signature in signatures)
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("cities_network_plugin"))
    assert receiver.url not in ours  # the full address may carry a token; our logs name the host
