"""Stage emails, the public join form, and the periodic command."""
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from cities_network_plugin.onboarding import api
from cities_network_plugin.onboarding.models import StepStatus
from cities_network_plugin.tenancy.models import City

JOIN = "/cities-network/join/"
GOOD = {
    "city_name": "Tartu", "country": "ee", "organisation": "Tartu Learning Lab", "contact_name": "Kadri Tamm",
    "contact_email": "kadri@tartu.example", "website": "https://tartu.example", "timezone": "Europe/Tallinn",
    "vision": "We want every resident to find learning nearby and have it recognised.",
}


def _complete_stage_one(city, user, capture):
    with capture(execute=True):
        api.update_step(city, "express-interest", user=user, status=StepStatus.DONE)
        api.update_step(city, "introductory-meeting", user=user, status=StepStatus.DONE, reason="Met in person")


@pytest.mark.django_db
def test_reaching_a_new_stage_emails_city_admins_and_network_managers(
        city_b, admin_b, network_manager, django_capture_on_commit_callbacks):
    api.refresh_summary(city_b)  # the city's journey exists (stage 1)
    _complete_stage_one(city_b, network_manager, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Beta is now at stage 2: Planning and preparation"
    assert set(message.to) == {"admin_b@example.com", "manager@example.com", "network-managers@example.com"}
    assert "Needs assessment" in message.body  # the next steps
    assert "<strong>Planning and preparation</strong>" in message.alternatives[0][0]


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_ONBOARDING_EMAILS=False)
def test_the_toggle_turns_stage_emails_off(city_b, admin_b, network_manager, django_capture_on_commit_callbacks):
    api.refresh_summary(city_b)
    _complete_stage_one(city_b, network_manager, django_capture_on_commit_callbacks)
    assert api.refresh_summary(city_b).current_stage.number == 2
    assert mail.outbox == []


@pytest.mark.django_db
def test_join_form_creates_a_prospect_with_the_first_step_done(django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    page = client.get(JOIN)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOIN, {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "We have received the interest of Tartu" in response.content.decode()
    city = City.objects.get(slug="tartu")
    assert (city.status, city.country, city.timezone, city.contact_email) == (
        "prospect", "EE", "Europe/Tallinn", "kadri@tartu.example")
    progress = api.get_journey(city).step("express-interest").progress
    assert progress.status == StepStatus.DONE
    assert "Tartu Learning Lab" in progress.evidence_note and "recognised" in progress.evidence_note
    assert progress.history.get().source == "join_form"
    assert [m.subject for m in mail.outbox] == ["Tartu (EE) wants to join the network"]
    assert mail.outbox[0].to == ["network-managers@example.com"]


@pytest.mark.django_db
def test_join_form_needs_csrf():
    response = Client(enforce_csrf_checks=True).post(JOIN, GOOD)
    assert response.status_code == 403
    assert not City.objects.exists()


@pytest.mark.django_db
def test_join_form_says_what_is_wrong(client):
    response = client.post(JOIN, {**GOOD, "country": "Estonia", "contact_email": "kadri", "timezone": "Moon/Base",
                                  "vision": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value has at most 2 characters" in page
    assert "Enter a valid email address." in page
    assert "not a known time zone" in page
    assert "This field is required." in page
    assert not City.objects.exists()


@pytest.mark.django_db
def test_join_form_rejects_a_known_city_and_robots(client, city_a):
    response = client.post(JOIN, {**GOOD, "city_name": "alpha", "country": "LT"})
    assert response.status_code == 400
    assert "Alpha is already known to the network" in response.content.decode()
    response = client.post(JOIN, {**GOOD, "nickname": "spam"})
    assert response.status_code == 400
    assert City.objects.count() == 1


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_JOIN_RATE_LIMIT="2/h")
def test_join_form_is_rate_limited_per_address(client):
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()
    for number in range(2):
        response = client.post(JOIN, {**GOOD, "city_name": f"Town {number}"}, REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 200
    response = client.post(JOIN, {**GOOD, "city_name": "Town 3"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert client.post(JOIN, {**GOOD, "city_name": "Town 4"}, REMOTE_ADDR="10.2.2.2").status_code == 200
    assert City.objects.count() == 3


@pytest.mark.django_db
def test_detect_command_reports_each_city(city_a, city_b):
    out = io.StringIO()
    call_command("cities_network_detect", stdout=out)
    text = out.getvalue()
    assert "[1/2] Alpha: completed platform-setup; stage 1 (1/12)" in text
    assert "Checked 2 cities." in text
    with pytest.raises(Exception, match="No city with the slug: nowhere"):
        call_command("cities_network_detect", "--city", "nowhere")


@pytest.mark.django_db
def test_ensure_catalogue_restores_a_missing_step():
    from cities_network_plugin.onboarding.models import OnboardingStep  # pylint: disable=import-outside-toplevel

    OnboardingStep.objects.filter(key="scale-and-expand").delete()
    OnboardingStep.objects.filter(key="core-team").update(title="Build the team")
    out = io.StringIO()
    call_command("cities_network_ensure_catalogue", stdout=out)
    assert "5 stages and 13 steps (1 added)" in out.getvalue()
    assert OnboardingStep.objects.get(key="core-team").title == "Build the team"  # edits are kept
