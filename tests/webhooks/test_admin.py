"""The Django admin of webhooks: the city admins of the city only, the secret shown once, redelivery."""
import pytest

from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import CityWebhook, DeliveryState

ADMIN = "/admin/cities_network_plugin"


@pytest.fixture
def alpha_hook(city_a, admin_a, receiver):
    return webhooks_api.register(city_a, receiver.url, "Alpha CRM", user=admin_a)


@pytest.fixture
def alpha_delivery(alpha_hook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks_api.notify(alpha_hook.city, "badge.awarded", {"username": "ana"})
    return delivery


@pytest.mark.django_db
def test_admin_of_another_city_reaches_neither_the_webhooks_nor_the_log(client, admin_b, city_b, alpha_hook,
                                                                        alpha_delivery, receiver):
    webhooks_api.register(city_b, "https://beta.example.org/hooks")
    client.force_login(admin_b)
    page = client.get(f"{ADMIN}/citywebhook/").content.decode()
    assert "beta.example.org" in page and "127.0.0.1" not in page
    assert "Alpha CRM" not in client.get(f"{ADMIN}/webhookdelivery/").content.decode()
    for url in (f"{ADMIN}/citywebhook/{alpha_hook.pk}/change/", f"{ADMIN}/citywebhook/{alpha_hook.pk}/delete/",
                f"{ADMIN}/webhookdelivery/{alpha_delivery.pk}/change/"):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"post": "yes", "url": "https://evil.example.org/"}).status_code in (403, 404), url
    client.post(f"{ADMIN}/webhookdelivery/", {"action": "redeliver", "_selected_action": [alpha_delivery.pk]})
    assert len(receiver.requests) == 1  # nothing was sent again
    alpha_hook.refresh_from_db()
    assert alpha_hook.url == receiver.url


@pytest.mark.django_db
def test_core_team_does_not_see_webhooks(client, core_a, alpha_hook):
    client.force_login(core_a)
    assert client.get(f"{ADMIN}/citywebhook/").status_code == 403
    assert client.get(f"{ADMIN}/webhookdelivery/").status_code == 403
    assert client.get(f"{ADMIN}/citywebhook/{alpha_hook.pk}/change/").status_code in (403, 404)


@pytest.mark.django_db
def test_city_admin_adds_a_webhook_and_sees_the_secret_once(client, admin_a, city_a, city_b, settings):
    settings.CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP = False
    client.force_login(admin_a)
    form = {"city": city_a.pk, "url": "http://crm.example.org/hooks", "description": "CRM",
            "events": ["badge.awarded"], "active": "on"}
    response = client.post(f"{ADMIN}/citywebhook/add/", form)
    assert response.status_code == 200 and "HTTPS only" in response.content.decode()
    response = client.post(f"{ADMIN}/citywebhook/add/", {**form, "url": "https://crm.example.org/hooks",
                                                         "city": city_b.pk})
    assert "Select a valid choice" in response.content.decode()
    response = client.post(f"{ADMIN}/citywebhook/add/", {**form, "url": "https://crm.example.org/hooks"}, follow=True)
    webhook = CityWebhook.objects.get()
    assert (webhook.city, webhook.events, webhook.created_by) == (city_a, ["badge.awarded"], admin_a)
    assert webhooks_api.signing_secret(webhook) in response.content.decode()  # the one time it is shown
    page = client.get(f"{ADMIN}/citywebhook/{webhook.pk}/change/").content.decode()
    assert "crm.example.org" in page and webhook.secret not in page
    assert webhooks_api.signing_secret(webhook) not in page
    assert webhook.secret not in client.get(f"{ADMIN}/citywebhook/").content.decode()


@pytest.mark.django_db
def test_the_log_is_read_only_and_a_notice_can_be_sent_again(client, admin_a, alpha_delivery, receiver,
                                                             django_capture_on_commit_callbacks):
    client.force_login(admin_a)
    page = client.get(f"{ADMIN}/webhookdelivery/{alpha_delivery.pk}/change/")
    assert page.status_code == 200 and "answer 200" in page.content.decode()
    assert client.get(f"{ADMIN}/webhookdelivery/add/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ADMIN}/webhookdelivery/", {"action": "redeliver",
                                                              "_selected_action": [alpha_delivery.pk]}, follow=True)
    assert "1 notice(s) queued to be sent again." in response.content.decode()
    assert len(receiver.requests) == 2
    alpha_delivery.refresh_from_db()
    assert (alpha_delivery.state, alpha_delivery.attempts) == (DeliveryState.DELIVERED, 2)
