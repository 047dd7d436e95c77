"""Badge classes, manual awards and revocation through the API, scoped by city."""
import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import Award, BadgeClass

from .conftest import COURSE, send_passing

BASE = "/cities-network/api/v1/cities"
GROUPS = [{"requirements": [{"kind": "course_passed", "target": COURSE}]}]


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def png(size=(200, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 61, 98, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_team_creates_a_class_with_requirements(core_a, city_a):
    response = client_for(core_a).post(f"{BASE}/alpha/badges/", {
        "name": "Bike mechanic", "description": "Fixes bicycles.", "criteria_narrative": "Pass the course.",
        "groups": GROUPS, "alignments": [{"targetName": "repair bicycles",
                                          "targetUrl": "http://data.europa.eu/esco/skill/abc",
                                          "targetFramework": "ESCO"}],
        "expiry_rule": "days_after", "expires_after_days": 365}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["issuer"] == "alpha" and body["status"] == "draft" and body["locked"] is False
    assert body["groups"] == [{"name": "", "min_required": 1, "requirements": [
        {"kind": "course_passed", "target": COURSE, "certificate_modes": [], "description": ""}]}]


@pytest.mark.django_db
def test_bad_classes_are_explained_and_nothing_is_written(admin_a, city_a):
    response = client_for(admin_a).post(f"{BASE}/alpha/badges/", {
        "name": "Broken", "description": "x", "criteria_narrative": "x", "expiry_rule": "fixed_date",
        "groups": [{"requirements": []},
                   {"min_required": 3, "requirements": [{"kind": "course_passed", "target": "not a key"},
                                                        {"kind": "telepathy"},
                                                        {"kind": "opportunity_attended", "target": "nope"}]}]},
        format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["expires_on"] == ["Give the date the badge expires on."]
    response = client_for(admin_a).post(f"{BASE}/alpha/badges/", {
        "name": "Broken", "description": "x", "criteria_narrative": "x",
        "groups": [{"requirements": []},
                   {"min_required": 4, "requirements": [{"kind": "course_passed", "target": "not a key"},
                                                        {"kind": "telepathy"},
                                                        {"kind": "opportunity_attended", "target": "nope"}]}]},
        format="json")
    messages = response.json()["groups"]
    assert "Group 1 has no requirements." in messages
    assert any("Group 2: at least 4 of 3 requirements cannot be met" in m for m in messages)
    assert "Group 2, requirement 1: 'not a key' is not a course key (e.g. course-v1:Org+Course+Run)." in messages
    assert any("Group 2, requirement 2: 'telepathy' is not a kind" in m for m in messages)
    assert "Group 2, requirement 3: There is no opportunity 'nope' that Alpha may use." in messages
    assert not BadgeClass.objects.exists()


@pytest.mark.django_db
def test_requirements_lock_once_awarded_and_a_new_version_takes_over(admin_a, learner, city_a, events):
    badge = badges_api.create_class(city_a, {"name": "Bikes", "description": "d", "criteria_narrative": "c",
                                             "status": "active", "groups": GROUPS})
    events(send_passing, learner)
    client = client_for(admin_a)
    url = f"{BASE}/alpha/badges/{badge.uuid}/"
    response = client.patch(url, {"groups": [{"requirements": [{"kind": "manual"}]}]}, format="json")
    assert response.status_code == 400
    assert "requirements are locked" in response.json()["groups"][0]
    assert client.patch(url, {"description": "Better words"}, format="json").status_code == 200
    response = client.post(f"{url}new-version/")
    assert response.status_code == 201
    copy = BadgeClass.objects.get(uuid=response.json()["uuid"])
    assert (copy.version, copy.status, copy.previous_version) == (2, "draft", badge)
    assert client.patch(f"{BASE}/alpha/badges/{copy.uuid}/", {"groups": [{"requirements": [{"kind": "manual"}]}]},
                        format="json").status_code == 200
    badges_api.activate(copy)
    badge.refresh_from_db()
    assert badge.status == "archived"
    assert client.delete(url).status_code == 400  # held by a learner: archive, not delete


@pytest.mark.django_db
def test_image_upload_is_checked(admin_a, city_a):
    badge = badges_api.create_class(city_a, {"name": "Bikes", "description": "d", "criteria_narrative": "c"})
    url = f"{BASE}/alpha/badges/{badge.uuid}/image/"
    client = client_for(admin_a)
    bad = client.put(url, {"image": io.BytesIO(png((300, 200)))}, format="multipart")
    assert bad.status_code == 400
    assert "square" in bad.json()["image"][0] and "300 × 200" in bad.json()["image"][0]
    upload = io.BytesIO(png())
    upload.name = "badge.png"
    good = client.put(url, {"image": upload}, format="multipart")
    assert good.status_code == 200, good.content
    badge.refresh_from_db()
    assert (badge.image_type, badge.image_width) == ("image/png", 200)
    assert good.json()["image_url"] == f"/cities-network/ob/v2/badges/{badge.uuid}/image"


@pytest.mark.django_db
def test_manual_award_needs_evidence_and_an_active_class(core_a, learner, city_a):
    badge = badges_api.create_class(city_a, {"name": "Helper", "description": "d", "criteria_narrative": "c",
                                             "groups": [{"requirements": [{"kind": "manual"}]}]})
    url = f"{BASE}/alpha/badges/{badge.uuid}/awards/"
    client = client_for(core_a)
    assert "Only active badges" in client.post(url, {"user": "learner", "evidence": "Helped"}, format="json").json()[
        "badge_class"][0]
    badges_api.activate(badge)
    assert client.post(url, {"user": "learner", "evidence": ""}, format="json").status_code == 400
    response = client.post(url, {"user": "learner@example.com", "evidence": "Ran the repair café all summer."},
                           format="json")
    assert response.status_code == 201, response.content
    award = Award.objects.get()
    assert (award.awarded_by, award.evidence["narrative"]) == (core_a, "Ran the repair café all summer.")
    again = client.post(url, {"user": "learner", "evidence": "Again"}, format="json")
    assert again.status_code == 400 and "already holds" in again.json()["user"][0]
    assert [a["username"] for a in client.get(url).json()["results"]] == ["learner"]


@pytest.mark.django_db
def test_revocation_needs_an_admin_and_a_reason(admin_a, core_a, learner, city_a, events):
    badges_api.create_class(city_a, {"name": "Bikes", "description": "d", "criteria_narrative": "c",
                                     "status": "active", "groups": GROUPS})
    events(send_passing, learner)
    award = Award.objects.get()
    url = f"{BASE}/alpha/awards/{award.uuid}/revoke/"
    assert client_for(core_a).post(url, {"reason": "x"}, format="json").status_code == 403
    assert client_for(admin_a).post(url, {"reason": ""}, format="json").status_code == 400
    response = client_for(admin_a).post(url, {"reason": "Awarded by mistake."}, format="json")
    assert response.status_code == 200
    assert response.json()["revoked"] is True and response.json()["revocation_reason"] == "Awarded by mistake."
    assert client_for(admin_a).post(url, {"reason": "again"}, format="json").status_code == 400


@pytest.mark.django_db
def test_public_sees_active_classes_and_learners_their_progress(learner, city_a, events):
    badges_api.create_class(city_a, {"name": "Draft one", "description": "d", "criteria_narrative": "c"})
    badges_api.create_class(city_a, {"name": "Two courses", "description": "d", "criteria_narrative": "c",
                                     "status": "active", "groups": GROUPS + [{"requirements": [
                                         {"kind": "course_passed", "target": "course-v1:AlphaX+Other+1"}]}]})
    assert [b["name"] for b in client_for().get(f"{BASE}/alpha/badges/").json()["results"]] == ["Two courses"]
    events(send_passing, learner)
    progress = client_for(learner).get("/cities-network/api/v1/me/badge-progress/").json()["results"]
    assert [(p["badge_name"], p["groups_met"], p["groups_total"]) for p in progress] == [("Two courses", 1, 2)]
    assert client_for().get("/cities-network/api/v1/me/badge-progress/").status_code in (401, 403)
    events(send_passing, learner, course="course-v1:AlphaX+Other+1")  # earned: no longer under way
    assert client_for(learner).get("/cities-network/api/v1/me/badge-progress/").json()["results"] == []
    assert [a["badge_name"] for a in client_for(learner).get("/cities-network/api/v1/me/awards/").json()[
        "results"]] == ["Two courses"]


@pytest.mark.django_db
def test_city_admin_of_a_gets_403_or_404_on_b_badges(admin_a, learner, city_b, events):
    badge = badges_api.create_class(city_b, {"name": "Beta badge", "description": "d", "criteria_narrative": "c",
                                             "status": "active", "groups": [{"requirements": [{"kind": "manual"}]}]})
    draft = badges_api.create_class(city_b, {"name": "Beta draft", "description": "d", "criteria_narrative": "c"})
    award = badges_api.manual_award(badge, learner, "Evidence", awarded_by=None)
    client = client_for(admin_a)
    for method, url, data in (
            ("get", f"{BASE}/beta/badges/{draft.uuid}/", None),
            ("patch", f"{BASE}/beta/badges/{badge.uuid}/", {"name": "Hacked"}),
            ("delete", f"{BASE}/beta/badges/{draft.uuid}/", None),
            ("post", f"{BASE}/beta/badges/", {"name": "x", "description": "x", "criteria_narrative": "x"}),
            ("put", f"{BASE}/beta/badges/{badge.uuid}/image/", None),
            ("post", f"{BASE}/beta/badges/{badge.uuid}/new-version/", None),
            ("get", f"{BASE}/beta/badges/{badge.uuid}/awards/", None),
            ("post", f"{BASE}/beta/badges/{badge.uuid}/awards/", {"user": "learner", "evidence": "x"}),
            ("post", f"{BASE}/beta/awards/{award.uuid}/revoke/", {"reason": "x"}),
            ("post", f"{BASE}/alpha/awards/{award.uuid}/revoke/", {"reason": "x"})):
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code in (403, 404), (method, url, response.status_code)
    award.refresh_from_db()
    badge.refresh_from_db()
    assert not award.revoked and badge.name == "Beta badge" and BadgeClass.objects.count() == 2
