"""
Notices are signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``), so a
city's system checks them with the off-the-shelf library of its language: here the Python one,
``standardwebhooks.Webhook(secret).verify(body, headers)``, on the request a real endpoint received. Endpoints
are on the HTTPS port unless the operator widens the list.
"""
import base64
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from cities_network_plugin.webhooks import api, tasks
from cities_network_plugin.webhooks.models import CityWebhook, DeliveryState

DATA = {"award": "5f0c2b4e-8a5c-4c1e-9d3f-0b6f1c2d3e4f", "badge_name": "Cyclist of Alpha ✓", "username": "ana"}
ALPHA = "/cities-network/api/v1/cities/alpha/webhooks/"


@pytest.fixture
def notify(django_capture_on_commit_callbacks, city_a):
    def _notify(event_type="badge.awarded", data=DATA):
        with django_capture_on_commit_callbacks(execute=True):
            return api.notify(city_a, event_type, data)
    return _notify


def received(request) -> tuple[bytes, dict[str, str]]:
    """The raw body and the headers exactly as the endpoint got them."""
    return request["body"], dict(request["headers"].items())


# --- The signature ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_registration_answer_gives_a_secret_the_library_takes(city_a, admin_a, receiver, notify):
    client = APIClient()
    client.force_authenticate(admin_a)
    response = client.post(ALPHA, {"url": receiver.url}, format="json")
    assert response.status_code == 201, response.content
    signing_secret = response.json()["signing_secret"]
    assert signing_secret.startswith("whsec_")
    [delivery] = notify()
    body, headers = received(receiver.requests[0])
    assert Webhook(signing_secret).verify(body, headers) == {**delivery.payload}
    assert headers["webhook-id"] == str(delivery.event_id)
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert headers["webhook-signature"].startswith("v1,")


@pytest.mark.django_db
def test_an_existing_secret_keeps_working_in_its_standard_form(city_a, receiver, notify):
    """
    A webhook registered before this release holds a secret in the old form only: ``whsec_`` and the base64 of that
    secret's text is its Standard Webhooks secret, with nothing to register again.
    """
    old = CityWebhook.objects.create(city=city_a, url=receiver.url, secret="an-old-secret-from-an-earlier-release")
    notify()
    body, headers = received(receiver.requests[0])
    converted = "whsec_" + base64.b64encode(old.secret.encode("utf-8")).decode("ascii")
    assert Webhook(converted).verify(body, headers)["data"] == DATA
    assert api.signing_secret(old) == converted


@pytest.mark.django_db
def test_the_library_refuses_a_changed_body_another_secret_and_an_old_timestamp(city_a, admin_a, receiver, notify):
    webhook = api.register(city_a, receiver.url, user=admin_a)
    notify()
    body, headers = received(receiver.requests[0])
    secret = api.signing_secret(webhook)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"ana", b"bob"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"somebody else's secret").decode()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):  # a captured notice replayed an hour later
        Webhook(secret).verify(body, {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 3600)})


@pytest.mark.django_db
def test_a_retry_keeps_the_message_id_and_is_signed_afresh(retries_run, city_a, admin_a, receiver, notify):
    webhook = api.register(city_a, receiver.url, user=admin_a)
    receiver.answer(500)
    [delivery] = notify()
    assert len(receiver.requests) == 2
    for request in receiver.requests:
        body, headers = received(request)
        assert headers["webhook-id"] == str(delivery.event_id)  # receivers drop repeats by this id
        Webhook(api.signing_secret(webhook)).verify(body, headers)


@pytest.mark.django_db
def test_the_old_headers_are_still_sent_for_one_release(city_a, admin_a, receiver, notify, verify):
    webhook = api.register(city_a, receiver.url, user=admin_a)
    notify()
    body, headers = received(receiver.requests[0])
    assert verify(webhook.secret, headers, body)  # the deprecated recipe, as documented, still holds
    assert headers["X-Cities-Network-Delivery"] == headers["webhook-id"]


# --- The port --------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://example.org:22/", "https://example.org:25/hooks", "https://example.org:8443/",
                                 "https://example.org:0/"])
def test_endpoints_on_other_ports_are_refused_at_registration(client, admin_a, city_a, url):
    api_client = APIClient()
    api_client.force_authenticate(admin_a)
    response = api_client.post(ALPHA, {"url": url}, format="json")
    assert response.status_code == 400, f"{url} was accepted"
    assert "port" in response.json()["url"][0]
    assert not CityWebhook.objects.exists()


@pytest.mark.django_db
def test_a_port_out_of_range_is_a_400_not_a_500(admin_a, city_a):
    api_client = APIClient()
    api_client.force_authenticate(admin_a)
    response = api_client.post(ALPHA, {"url": "https://example.org:99999/"}, format="json")
    assert response.status_code == 400 and "url" in response.json()
    assert not CityWebhook.objects.exists()


@pytest.mark.django_db
def test_the_https_port_is_accepted_and_the_operator_may_widen_the_list(city_a, settings):
    assert api.register(city_a, "https://example.org:443/hooks").url == "https://example.org:443/hooks"
    assert api.register(city_a, "https://example.org/hooks")
    with pytest.raises(ValidationError, match="port 8443"):
        api.clean_url("https://example.org:8443/hooks")
    settings.CITIES_NETWORK_WEBHOOKS_ALLOWED_PORTS = [443, 8443]
    assert api.clean_url("https://example.org:8443/hooks") == "https://example.org:8443/hooks"


@pytest.mark.django_db
def test_an_endpoint_registered_on_another_port_before_is_not_sent_to(city_a, notify):
    """An address stored before the rule (or by hand) is checked again at delivery, and not retried."""
    CityWebhook.objects.create(city=city_a, url="https://example.org:22/hooks", secret=api.new_secret())
    with mock.patch.object(tasks.requests.Session, "post") as post:
        [delivery] = notify()
    post.assert_not_called()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and "port 22" in delivery.last_error
