"""The learner's wallet, the public verification page, my awards in the API, and a course's badges."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award

from tests.badges.conftest import COURSE, send_passing


@pytest.fixture
def badge(city_a):
    return badges_api.create_class(city_a, {
        "name": "Bike mechanic", "description": "Fixes bicycles.", "criteria_narrative": "Pass the repair course.",
        "status": "active", "groups": [{"requirements": [{"kind": "course_passed", "target": COURSE}]}],
        "alignments": [{"targetName": "repair bicycles", "targetUrl": "http://data.europa.eu/esco/skill/abc",
                        "targetFramework": "ESCO"}]})


@pytest.fixture
def earned(badge, learner, events):
    learner.first_name, learner.last_name = "Lina", "Learner"
    learner.save()
    events(send_passing, learner)
    return Award.objects.get(user=learner)


@pytest.mark.django_db
def test_wallet_lists_awards_with_status_downloads_and_links(client, learner, earned):
    assert Client().get("/cities-network/badges/").status_code == 302  # login required
    client.force_login(learner)
    page = client.get("/cities-network/badges/").content.decode()
    assert "Bike mechanic" in page and "Issued by Alpha" in page and "Valid" in page
    assert f"/cities-network/ob/v3/credentials/{earned.uuid}" in page
    assert f"/cities-network/badges/{earned.uuid}/" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=Bike+mechanic" in page


@pytest.mark.django_db
def test_wallet_shows_revoked_and_expired_and_progress(client, learner, earned, city_a):
    engine.revoke(earned, "Awarded by mistake.")
    other = badges_api.create_class(city_a, {
        "name": "Two courses", "description": "d", "criteria_narrative": "c", "status": "active",
        "groups": [{"requirements": [{"kind": "course_passed", "target": COURSE}]},
                   {"requirements": [{"kind": "course_passed", "target": "course-v1:AlphaX+Other+1"}]}]})
    engine.store_progress(learner.pk, engine.evaluate(other, engine.load_facts(learner.pk, [
        r for g in other.groups.all() for r in g.requirements.all()])))
    client.force_login(learner)
    page = client.get("/cities-network/badges/").content.decode()
    assert "Revoked" in page and "Awarded by mistake." in page
    assert "Badges under way" in page and "1 of 2 parts done" in page


@pytest.mark.django_db
def test_public_page_says_valid_expired_or_revoked_and_shows_nothing_personal(earned):
    page = Client().get(f"/cities-network/badges/{earned.uuid}/").content.decode()
    assert "This badge is valid." in page and "Lina Learner" in page and "repair bicycles" in page
    assert "learner@example.com" not in page and ">learner<" not in page
    Award.objects.filter(pk=earned.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    assert "This badge expired on" in Client().get(f"/cities-network/badges/{earned.uuid}/").content.decode()
    earned.refresh_from_db()
    engine.revoke(earned, "The certificate was withdrawn.")
    page = Client().get(f"/cities-network/badges/{earned.uuid}/").content.decode()
    assert "This badge was revoked on" in page and "The certificate was withdrawn." in page
    assert Client().get("/cities-network/badges/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.django_db
def test_my_awards_api_gives_both_open_badges_urls(learner, earned, make_user):
    client = APIClient()
    client.force_authenticate(learner)
    [item] = client.get("/cities-network/api/v1/me/awards/").json()["results"]
    assert item["uuid"] == str(earned.uuid) and item["status"] == "valid" and item["issuer"] == "Alpha"
    assert item["assertion_url"].endswith(f"/cities-network/ob/v2/assertions/{earned.uuid}")
    assert item["credential_url"].endswith(f"/cities-network/ob/v3/credentials/{earned.uuid}")
    assert item["assertion_url"].startswith("http")
    other = APIClient()
    other.force_authenticate(make_user("someone"))
    assert other.get("/cities-network/api/v1/me/awards/").json()["results"] == []
    assert APIClient().get("/cities-network/api/v1/me/awards/").status_code in (401, 403)


@pytest.mark.django_db
def test_course_page_lists_the_badges_it_counts_towards(client, learner, badge, make_class, events):
    make_class([{"requirements": [{"kind": "course_passed", "target": "course-v1:AlphaX+Unrelated+1"}]}],
               name="Unrelated")
    anonymous = Client().get(f"/cities-network/courses/{COURSE}/badges/").content.decode()
    assert "Bike mechanic" in anonymous and "Unrelated" not in anonymous
    client.force_login(learner)
    events(send_passing, learner)
    assert "You hold this badge." in client.get(f"/cities-network/courses/{COURSE}/badges/").content.decode()
    assert Client().get("/cities-network/courses/not-a-course/badges/").status_code == 404
