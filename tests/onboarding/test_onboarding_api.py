"""The onboarding endpoints, scoped by role."""
import pytest
from rest_framework.test import APIClient

from cities_network_plugin.onboarding import api
from cities_network_plugin.onboarding.models import CommunityCall, CommunityCallAttendance, Stakeholder, StepStatus

BASE = "/cities-network/api/v1"


@pytest.fixture
def client_for():
    def _client(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return _client


@pytest.mark.django_db
def test_journey_lists_five_stages_with_their_steps(client_for, admin_a, city_a):
    body = client_for(admin_a).get(f"{BASE}/cities/alpha/onboarding/").json()
    assert [stage["number"] for stage in body["stages"]] == [1, 2, 3, 4, 5]
    assert body["current_stage"] == {"key": "initial-engagement", "number": 1, "title": "Initial engagement"}
    assert (body["requirements_met"], body["requirements_total"]) == (0, 12)
    first = body["stages"][0]["steps"][2]
    assert first["key"] == "community-call"
    assert first["alternative_to"] == "introductory-meeting"
    assert set(first) >= {"key", "title", "status", "evidence", "detected_by", "detector", "due_at"}


@pytest.mark.django_db
def test_city_admin_updates_a_step_with_evidence(client_for, admin_a, city_a):
    response = client_for(admin_a).patch(
        f"{BASE}/cities/alpha/onboarding/needs-assessment/",
        {"status": "done", "evidence_note": "Survey of 800 residents", "evidence_url": "https://alpha.example/s"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["updated_by"] == "admin_a"
    assert body["evidence"] == {"note": "Survey of 800 residents", "url": "https://alpha.example/s"}
    history = client_for(admin_a).get(f"{BASE}/cities/alpha/onboarding/needs-assessment/history/").json()
    assert [h["status"] for h in history["results"]] == ["done"]


@pytest.mark.django_db
def test_overriding_a_detected_step_needs_a_reason(client_for, admin_a, city_a):
    url = f"{BASE}/cities/alpha/onboarding/core-team/"
    response = client_for(admin_a).patch(url, {"status": "done"}, format="json")
    assert response.status_code == 400
    assert "say why you set it by hand" in response.json()["detail"][0]
    response = client_for(admin_a).patch(url, {"status": "done", "reason": "Team of two is enough here"},
                                         format="json")
    assert response.status_code == 200
    assert response.json()["overridden"] is True


@pytest.mark.django_db
def test_bad_step_payloads_are_rejected(client_for, admin_a, city_a):
    client = client_for(admin_a)
    response = client.patch(f"{BASE}/cities/alpha/onboarding/needs-assessment/",
                            {"status": "finished", "evidence_url": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "evidence_url"}
    assert client.patch(f"{BASE}/cities/alpha/onboarding/needs-assessment/", {}, format="json").status_code == 400
    assert client.patch(f"{BASE}/cities/alpha/onboarding/no-such-step/", {"status": "done"},
                        format="json").status_code == 404
    assert api.get_journey(city_a).step("needs-assessment").progress.status == StepStatus.NOT_STARTED


@pytest.mark.django_db
def test_only_admins_and_network_managers_update_steps(client_for, core_a, admin_b, network_manager, city_a):
    url = f"{BASE}/cities/alpha/onboarding/needs-assessment/"
    assert client_for(core_a).get(url).status_code == 200
    assert client_for(core_a).patch(url, {"status": "done"}, format="json").status_code == 403
    assert client_for(admin_b).patch(url, {"status": "done"}, format="json").status_code == 404
    assert client_for(admin_b).get(f"{BASE}/cities/alpha/onboarding/").status_code == 404
    assert client_for(network_manager).patch(url, {"status": "done"}, format="json").status_code == 200


@pytest.mark.django_db
def test_stakeholders_are_managed_by_the_city_team(client_for, core_a, admin_b, city_a):
    client = client_for(core_a)
    response = client.post(f"{BASE}/cities/alpha/stakeholders/",
                           {"name": "Alpha University", "kind": "education", "engagement": "engaged",
                            "contact_email": "rector@alpha.example"}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    duplicate = client.post(f"{BASE}/cities/alpha/stakeholders/", {"name": "alpha university", "kind": "business"},
                            format="json")
    assert duplicate.status_code == 400
    assert "already has a stakeholder named" in duplicate.json()["name"][0]
    assert client.patch(f"{BASE}/cities/alpha/stakeholders/{pk}/", {"engagement": "partner"},
                        format="json").json()["engagement"] == "partner"
    assert client.get(f"{BASE}/cities/alpha/stakeholders/", {"kind": "business"}).json()["results"] == []
    other = client_for(admin_b)
    assert other.get(f"{BASE}/cities/alpha/stakeholders/{pk}/").status_code == 404
    assert other.delete(f"{BASE}/cities/alpha/stakeholders/{pk}/").status_code == 404
    assert other.get(f"{BASE}/cities/beta/stakeholders/{pk}/").status_code == 404  # not beta's record
    assert client.delete(f"{BASE}/cities/alpha/stakeholders/{pk}/").status_code == 204
    assert not Stakeholder.objects.exists()


@pytest.mark.django_db
def test_meetings_and_reviews_are_recorded_per_city(client_for, admin_a, city_a):
    client = client_for(admin_a)
    response = client.post(f"{BASE}/cities/alpha/introductory-meetings/",
                           {"held_on": "2026-03-01", "network_representative": "Nina"}, format="json")
    assert response.status_code == 201
    response = client.post(f"{BASE}/cities/alpha/impact-reviews/",
                           {"reviewed_on": "2026-10-01", "summary": "More evening courses", "learners_reached": 900},
                           format="json")
    assert response.status_code == 201
    assert response.json()["created_by"] == "admin_a"
    assert client.post(f"{BASE}/cities/alpha/impact-reviews/", {"reviewed_on": "yesterday"},
                       format="json").status_code == 400


@pytest.mark.django_db
def test_community_calls_are_written_by_network_managers(client_for, network_manager, admin_a, city_a, city_b):
    response = client_for(admin_a).post(f"{BASE}/community-calls/", {"title": "x", "held_on": "2026-01-01"},
                                        format="json")
    assert response.status_code == 403
    manager = client_for(network_manager)
    response = manager.post(f"{BASE}/community-calls/", {"title": "Badges and employers", "held_on": "2026-10-10",
                                                         "attendee_slugs": ["alpha", "beta"]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["attendees"] == ["alpha", "beta"]
    call_id = response.json()["id"]
    bad = manager.patch(f"{BASE}/community-calls/{call_id}/", {"attendee_slugs": ["alpha", "atlantis"]},
                        format="json")
    assert bad.status_code == 400
    assert "Unknown cities: atlantis." in bad.json()["attendee_slugs"]
    assert CommunityCallAttendance.objects.filter(call_id=call_id).count() == 2  # nothing half-changed
    # A city's team sees the call, and only the attending cities it may see.
    seen = client_for(admin_a).get(f"{BASE}/community-calls/").json()["results"]
    assert [c["attendees"] for c in seen] == [["alpha"]]
    assert client_for(admin_a).get(f"{BASE}/community-calls/", {"city": "beta"}).json()["results"] == []
    assert CommunityCall.objects.count() == 1


@pytest.mark.django_db
def test_learners_see_no_onboarding_data(client_for, learner, city_a):
    client = client_for(learner)
    assert client.get(f"{BASE}/cities/alpha/onboarding/").status_code == 404
    assert client.get(f"{BASE}/community-calls/").json()["results"] == []
