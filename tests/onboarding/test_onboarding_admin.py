"""Network managers see every city's stage at a glance; city teams only their own, in every admin page."""
import pytest

from cities_network_plugin.onboarding import api
from cities_network_plugin.onboarding.models import (
    CityOnboarding,
    CityStepProgress,
    ImpactReview,
    IntroductoryMeeting,
    Stakeholder,
    StepStatus,
)

ADMIN = "/admin/cities_network_plugin"


@pytest.fixture
def progressed(city_a, city_b, network_manager):
    for city in (city_a, city_b):
        api.refresh_summary(city)
    api.update_step(city_b, "express-interest", user=network_manager, status=StepStatus.DONE)
    api.update_step(city_b, "introductory-meeting", user=network_manager, status=StepStatus.DONE, reason="Met")
    return city_a, city_b


@pytest.mark.django_db
def test_network_overview_shows_stage_and_progress_bar(client, network_manager, progressed):
    client.force_login(network_manager)
    page = client.get(f"{ADMIN}/cityonboarding/").content.decode()
    assert "Alpha" in page and "Beta" in page
    assert 'role="progressbar" aria-valuenow="17"' in page  # Beta: 2 of 12
    assert "2. Planning and preparation" in page
    filtered = client.get(f"{ADMIN}/cityonboarding/", {"city__country": "NL"}).content.decode()
    assert "Beta" in filtered and "Alpha</a>" not in filtered
    stage_two = CityOnboarding.objects.get(city=progressed[1]).current_stage_id
    by_stage = client.get(f"{ADMIN}/cityonboarding/", {"current_stage__id__exact": stage_two}).content.decode()
    assert "Beta" in by_stage and "Alpha</a>" not in by_stage


@pytest.mark.django_db
def test_step_changes_in_admin_need_a_reason_for_detected_steps(client, admin_a, progressed):
    city_a, _ = progressed
    client.force_login(admin_a)
    progress = CityStepProgress.objects.get(city=city_a, step__key="core-team")
    url = f"{ADMIN}/citystepprogress/{progress.pk}/change/"
    response = client.post(url, {"status": "done", "evidence_note": "", "evidence_url": "", "override_reason": "",
                                 "history-TOTAL_FORMS": 0, "history-INITIAL_FORMS": 0})
    assert response.status_code == 200
    assert "is detected from the city&#x27;s data" in response.content.decode()
    response = client.post(url, {"status": "done", "evidence_note": "", "evidence_url": "",
                                 "override_reason": "Small city", "history-TOTAL_FORMS": 0,
                                 "history-INITIAL_FORMS": 0})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert (progress.status, progress.overridden, progress.updated_by) == ("done", True, admin_a)
    assert progress.history.get().reason == "Small city"


@pytest.mark.django_db
def test_city_admin_of_a_gets_403_or_404_on_every_onboarding_object_of_b(client, admin_a, progressed):
    _, city_b = progressed
    objects = {
        "citystepprogress": CityStepProgress.objects.filter(city=city_b).first().pk,
        "cityonboarding": CityOnboarding.objects.get(city=city_b).pk,
        "stakeholder": Stakeholder.objects.create(city=city_b, name="B school", kind="education").pk,
        "introductorymeeting": IntroductoryMeeting.objects.create(city=city_b, held_on="2026-01-01").pk,
        "impactreview": ImpactReview.objects.create(city=city_b, reviewed_on="2026-01-01", summary="b").pk,
    }
    client.force_login(admin_a)
    for model, pk in objects.items():
        for action in ("change", "delete", "history"):
            url = f"{ADMIN}/{model}/{pk}/{action}/"
            assert client.get(url).status_code in (403, 404), url
            assert client.post(url, {"post": "yes"}).status_code in (403, 404), url
        listing = client.get(f"{ADMIN}/{model}/").content.decode()
        assert "Beta" not in listing and "B school" not in listing
    for model in ("onboardingstep", "onboardingstage", "communitycall"):
        assert client.get(f"{ADMIN}/{model}/").status_code == 403
    assert Stakeholder.objects.filter(city=city_b).count() == 1


@pytest.mark.django_db
def test_city_admin_cannot_add_records_to_another_city(client, admin_a, city_a, city_b):
    client.force_login(admin_a)
    response = client.post(f"{ADMIN}/stakeholder/add/", {"city": city_b.pk, "name": "Sneaky", "kind": "business",
                                                          "engagement": "engaged"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Stakeholder.objects.exists()
