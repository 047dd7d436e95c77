"""REST API v1 for webhooks: city admins only, the secret shown once, the delivery log and redelivery."""
import pytest
from rest_framework.test import APIClient

from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import CityWebhook, DeliveryState, WebhookDelivery

ALPHA = "/cities-network/api/v1/cities/alpha/webhooks/"
BETA = "/cities-network/api/v1/cities/beta/webhooks/"


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def alpha_hook(city_a, admin_a, receiver):
    return webhooks_api.register(city_a, receiver.url, "Alpha CRM", user=admin_a)


def _notice(city, django_capture_on_commit_callbacks, data=None):
    with django_capture_on_commit_callbacks(execute=True):
        return webhooks_api.notify(city, "badge.awarded", data or {"username": "ana"})


@pytest.mark.django_db
def test_city_admin_registers_an_endpoint_and_sees_its_secret_only_then(client, admin_a, city_a):
    client.force_authenticate(admin_a)
    response = client.post(ALPHA, {"url": "https://crm.example.org/hooks", "description": "CRM",
                                   "events": ["badge.awarded"]}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    secret = created["secret"]
    assert len(secret) >= 43
    assert CityWebhook.objects.get(pk=created["id"]).secret == secret
    assert (created["url"], created["events"], created["created_by"]) == (
        "https://crm.example.org/hooks", ["badge.awarded"], "admin_a")
    for url in (ALPHA, f"{ALPHA}{created['id']}/", f"{ALPHA}{created['id']}/deliveries/"):
        response = client.get(url)
        assert response.status_code == 200
        assert secret not in response.content.decode()
        assert "secret" not in response.content.decode()


@pytest.mark.django_db
def test_registration_refuses_plain_http_in_the_users_words(client, admin_a, city_a, settings):
    settings.CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP = False
    client.force_authenticate(admin_a)
    response = client.post(ALPHA, {"url": "http://crm.example.org/hooks"}, format="json")
    assert response.status_code == 400
    assert "HTTPS only" in response.json()["url"][0]
    response = client.post(ALPHA, {"url": "https://crm.example.org/hooks", "events": ["badge.eaten"]}, format="json")
    assert response.status_code == 400
    assert "events" in response.json()
    assert not CityWebhook.objects.exists()


@pytest.mark.django_db
def test_other_cities_and_the_core_team_cannot_reach_a_citys_webhooks(
        client, alpha_hook, admin_b, core_a, learner, network_manager, city_b, django_capture_on_commit_callbacks):
    [delivery] = _notice(alpha_hook.city, django_capture_on_commit_callbacks)
    beta_hook = webhooks_api.register(city_b, "https://beta.example.org/hooks")
    detail = f"{ALPHA}{alpha_hook.pk}/"
    deliveries = f"{detail}deliveries/"
    redeliver = f"{deliveries}{delivery.pk}/redeliver/"
    client.force_authenticate(admin_b)
    for url in (ALPHA, detail, deliveries):
        assert client.get(url).status_code == 404, url
    assert client.post(ALPHA, {"url": "https://evil.example.org/"}, format="json").status_code == 404
    assert client.patch(detail, {"url": "https://evil.example.org/"}, format="json").status_code == 404
    assert client.delete(detail).status_code == 404
    assert client.post(redeliver).status_code == 404
    # Through their own city, with city A's ids.
    assert client.get(f"{BETA}{alpha_hook.pk}/").status_code == 404
    assert client.get(f"{BETA}{alpha_hook.pk}/deliveries/").status_code == 404
    assert client.post(f"{BETA}{beta_hook.pk}/deliveries/{delivery.pk}/redeliver/").status_code == 404
    assert [hook["id"] for hook in client.get(BETA).json()["results"]] == [beta_hook.pk]
    # The city's core team sees the city but not its webhooks; learners see neither.
    client.force_authenticate(core_a)
    assert client.get(ALPHA).status_code == 403
    assert client.get(deliveries).status_code == 403
    assert client.post(redeliver).status_code == 403
    client.force_authenticate(learner)
    assert client.get(ALPHA).status_code == 404
    client.force_authenticate(None)
    assert client.get(ALPHA).status_code in (401, 403)
    client.force_authenticate(network_manager)
    assert client.get(ALPHA).status_code == 200
    alpha_hook.refresh_from_db()
    assert alpha_hook.url.startswith("http://127.0.0.1") and alpha_hook.active
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1


@pytest.mark.django_db
def test_the_delivery_log_is_newest_first_and_a_notice_can_be_sent_again(
        client, admin_a, alpha_hook, receiver, django_capture_on_commit_callbacks):
    [older] = _notice(alpha_hook.city, django_capture_on_commit_callbacks, {"username": "ana"})
    [newer] = _notice(alpha_hook.city, django_capture_on_commit_callbacks, {"username": "bob"})
    client.force_authenticate(admin_a)
    log = client.get(f"{ALPHA}{alpha_hook.pk}/deliveries/").json()["results"]
    assert [entry["id"] for entry in log] == [newer.pk, older.pk]
    assert log[1]["state"] == "delivered" and log[1]["payload"]["data"] == {"username": "ana"}
    assert log[1]["event_id"] == str(older.event_id) and log[1]["last_status_code"] == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ALPHA}{alpha_hook.pk}/deliveries/{older.pk}/redeliver/")
    assert response.status_code == 202
    assert response.json()["state"] == "pending"  # queued; sent once the request's transaction commits
    assert len(receiver.requests) == 3
    assert receiver.requests[2]["headers"]["X-Cities-Network-Delivery"] == str(older.event_id)
    older.refresh_from_db()
    assert (older.state, older.attempts) == (DeliveryState.DELIVERED, 2)


@pytest.mark.django_db
def test_patch_changes_an_endpoint_and_switching_on_clears_its_failures(client, admin_a, alpha_hook):
    CityWebhook.objects.filter(pk=alpha_hook.pk).update(active=False, consecutive_failures=20,
                                                        deactivated_reason="Switched off after 20 failures.")
    client.force_authenticate(admin_a)
    url = f"{ALPHA}{alpha_hook.pk}/"
    assert client.get(url).json()["deactivated_reason"] == "Switched off after 20 failures."
    response = client.patch(url, {"active": True, "events": ["badge.revoked"]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["active"], body["consecutive_failures"], body["deactivated_reason"], body["events"]) == (
        True, 0, "", ["badge.revoked"])
    response = client.patch(url, {"url": "https://10.1.2.3/hooks"}, format="json")
    assert response.status_code == 400
    assert "private network address" in response.json()["url"][0]
    assert client.put(url, {"url": "https://crm.example.org/"}, format="json").status_code == 405
    assert client.delete(url).status_code == 204
    assert not CityWebhook.objects.filter(pk=alpha_hook.pk).exists()


@pytest.mark.django_db
def test_redelivery_of_a_switched_off_endpoint_is_refused(client, admin_a, alpha_hook,
                                                          django_capture_on_commit_callbacks):
    [delivery] = _notice(alpha_hook.city, django_capture_on_commit_callbacks)
    webhooks_api.update(alpha_hook, active=False)
    client.force_authenticate(admin_a)
    response = client.post(f"{ALPHA}{alpha_hook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 400
    assert "switched off" in str(response.json())


@pytest.mark.django_db
def test_the_schema_documents_the_webhook_endpoints(client):
    paths = client.get("/cities-network/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    base = "/cities-network/api/v1/cities/{slug}/webhooks/"
    assert set(paths[base]) == {"get", "post"}
    assert set(paths[base + "{id}/"]) == {"get", "patch", "delete"}
    assert "get" in paths[base + "{id}/deliveries/"]
    assert "post" in paths[base + "{id}/deliveries/{delivery_id}/redeliver/"]
    created = paths[base]["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert created.endswith("/WebhookCreated")
