"""Registering an endpoint: HTTPS to public hosts only, a strong secret, events the plugin knows."""
import re

import pytest
from django.core.exceptions import ValidationError

from cities_network_plugin.webhooks import api


@pytest.mark.django_db
def test_register_gives_each_endpoint_its_own_strong_secret(city_a, admin_a):
    first = api.register(city_a, "https://crm.example.org/hooks/badges", "CRM", ["badge.awarded"], admin_a)
    second = api.register(city_a, "https://platform.example.org/hooks", user=admin_a)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", first.secret)  # 32 random bytes, URL-safe base64
    assert first.secret != second.secret
    assert (first.city, first.description, first.events, first.active) == (city_a, "CRM", ["badge.awarded"], True)
    assert first.created_by == admin_a
    assert second.events == []  # every notice


@pytest.mark.parametrize(("url", "message"), [
    ("", "Enter the address of the endpoint"),
    ("crm.example.org/hooks", "is not a web address"),
    ("ftp://crm.example.org/hooks", "is not a web address"),
    ("http://crm.example.org/hooks", "Webhooks are sent over HTTPS only"),
    ("https://user:secret@crm.example.org/hooks", "Leave the user name and password out of the address"),
    ("https://10.0.0.5/hooks", "'10.0.0.5' is a local or private network address"),
    ("https://192.168.1.20/hooks", "is a local or private network address"),
    ("https://169.254.169.254/latest/meta-data", "is a local or private network address"),
    ("https://127.0.0.1/hooks", "is a local or private network address"),
    ("https://[::1]/hooks", "is a local or private network address"),
    ("https://localhost/hooks", "'localhost' is a local or private network address"),
    ("https://crm.local/hooks", "is a local or private network address"),
    ("https://metadata.google.internal/", "is a local or private network address"),
])
@pytest.mark.django_db
def test_addresses_that_are_refused_say_why(settings, city_a, url, message):
    settings.CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP = False
    with pytest.raises(ValidationError) as caught:
        api.register(city_a, url)
    assert message in " ".join(caught.value.message_dict["url"])


@pytest.mark.django_db
def test_local_http_only_with_the_setting_and_only_for_loopback(settings, city_a):
    settings.CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP = True
    assert api.register(city_a, "http://127.0.0.1:8000/hooks").url == "http://127.0.0.1:8000/hooks"
    assert api.register(city_a, "http://localhost:9000/").url == "http://localhost:9000/"
    with pytest.raises(ValidationError, match="HTTPS only"):
        api.register(city_a, "http://10.0.0.5/hooks")
    settings.CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP = False
    with pytest.raises(ValidationError, match="HTTPS only"):
        api.register(city_a, "http://127.0.0.1:8000/hooks")


@pytest.mark.django_db
def test_every_problem_is_reported_by_field(city_a):
    with pytest.raises(ValidationError) as caught:
        api.register(city_a, "http://crm.example.org", events=["badge.awarded", "badge.eaten"])
    errors = caught.value.message_dict
    assert set(errors) == {"url", "events"}
    assert errors["events"] == ["Unknown notices: badge.eaten. Choose among badge.awarded, badge.revoked."]


@pytest.mark.django_db
def test_events_are_deduplicated_and_checked_on_update(city_a):
    webhook = api.register(city_a, "https://crm.example.org/hooks", events=["badge.revoked", "badge.revoked"])
    assert webhook.events == ["badge.revoked"]
    assert webhook.wants("badge.revoked") and not webhook.wants("badge.awarded")
    with pytest.raises(ValidationError, match="HTTPS only"):
        api.update(webhook, url="http://crm.example.org/hooks")
    api.update(webhook, events=[], description="  Library CRM ")
    webhook.refresh_from_db()
    assert (webhook.events, webhook.description, webhook.url) == ([], "Library CRM", "https://crm.example.org/hooks")
