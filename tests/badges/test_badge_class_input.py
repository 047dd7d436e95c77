"""
Bad badge class input answers 400 naming the field, with nothing written, on SQLite and MariaDB alike: a second
new version of one class, expiry days out of range, group counts that are no counts, and JSON nested thousands deep.
"""
import json

import pytest
from django.core.exceptions import ValidationError

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import BadgeClass, RequirementGroup

from .test_badges_api import client_for

BASE = "/cities-network/api/v1/cities/alpha/badges/"
WORDS = {"name": "Helper", "description": "Helps.", "criteria_narrative": "Help."}
MANUAL = [{"requirements": [{"kind": "manual"}]}]
TOO_BIG = [2 ** 31, 2 ** 63, 2 ** 64, 10 ** 30]

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(admin_a):
    return client_for(admin_a)


@pytest.fixture
def held(city_a, admin_a, learner):
    badge = badges_api.create_class(city_a, {**WORDS, "status": "active", "groups": MANUAL})
    badges_api.manual_award(badge, learner, "Helped at the fair.", awarded_by=admin_a)
    return badge


def test_a_second_new_version_of_one_class_is_refused(client, held):
    first = client.post(f"{BASE}{held.uuid}/new-version/")
    assert first.status_code == 201, first.content
    second = client.post(f"{BASE}{held.uuid}/new-version/")
    assert second.status_code == 400, second.content
    assert second.json() == {"version": [
        f"Version 2 of this badge exists already ({first.json()['uuid']}): change that one instead."]}
    assert BadgeClass.objects.filter(previous_version=held).count() == 1
    # The newest version can have a version of its own.
    assert client.post(f"{BASE}{first.json()['uuid']}/new-version/").status_code == 201


def test_a_new_version_racing_another_answers_as_the_second(held, admin_a, monkeypatch):
    """Two requests pass the check at once: the unique previous version decides, and the loser gets the 400."""
    badges_api.new_version(held, user=admin_a)
    real_filter = BadgeClass.objects.filter

    def blind_first_look(*args, **kwargs):  # the check sees no newer version, as a request racing the first would
        monkeypatch.setattr(BadgeClass.objects, "filter", real_filter)
        return BadgeClass.objects.none()

    monkeypatch.setattr(BadgeClass.objects, "filter", blind_first_look)
    with pytest.raises(ValidationError) as info:
        badges_api.new_version(held, user=admin_a)
    assert "Version 2 of this badge exists already" in info.value.message_dict["version"][0]
    assert BadgeClass.objects.filter(previous_version=held).count() == 1


@pytest.mark.parametrize("days", [-1, 0, 36501, *TOO_BIG])
def test_expiry_days_out_of_range_are_refused_on_create_and_change(client, city_a, days):
    response = client.post(BASE, {**WORDS, "expiry_rule": "days_after", "expires_after_days": days}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["expires_after_days"]
    assert not BadgeClass.objects.exists()
    badge = badges_api.create_class(city_a, {**WORDS, "expiry_rule": "days_after", "expires_after_days": 30})
    response = client.patch(f"{BASE}{badge.uuid}/", {"expires_after_days": days, "name": "Renamed"}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["expires_after_days"]
    badge.refresh_from_db()
    assert (badge.expires_after_days, badge.name) == (30, "Helper")


@pytest.mark.parametrize("days", [-1, 0, 36501, 2 ** 63])
def test_the_domain_refuses_expiry_days_out_of_range_for_every_caller(city_a, days):
    """The console and the admin write through the domain, whose rule holds without the API's serializer."""
    for rule in ("days_after", "none"):
        with pytest.raises(ValidationError) as info:
            badges_api.create_class(city_a, {**WORDS, "expiry_rule": rule, "expires_after_days": days})
        assert info.value.message_dict["expires_after_days"] == ["Give a number of days from 1 to 36500."]
    assert not BadgeClass.objects.exists()


def test_expiry_days_up_to_a_hundred_years_are_taken(client):
    response = client.post(BASE, {**WORDS, "expiry_rule": "days_after", "expires_after_days": 36500}, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("count", [-1, 0, 2, True, 1.0, "1", None, *TOO_BIG])
def test_a_group_count_that_is_no_count_is_refused(client, count):
    response = client.post(BASE, {**WORDS, "groups": [{"min_required": count, "requirements": [{"kind": "manual"}]}]},
                           format="json")
    assert response.status_code == 400, response.content
    [message] = response.json()["groups"]
    assert message.startswith("Group 1: at least ") and message.endswith("use a number from 1 to 1.")
    assert not BadgeClass.objects.exists() and not RequirementGroup.objects.exists()


@pytest.mark.parametrize("depth", [40, 3000, 100_000])
def test_requirement_groups_nested_thousands_deep_are_refused(client, depth):
    nested = "[" * depth + "]" * depth
    body = json.dumps({**WORDS, "groups": [{"requirements": [{"kind": "manual", "description": "x"}]}]})
    body = body.replace('"x"', nested)
    response = client.post(BASE, body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json() == {"groups": [
        "This is nested more than 32 levels deep (at groups[0].requirements[0].description[0][0][0][0][0][0][0][0]"
        "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0])."]}
    assert not BadgeClass.objects.exists()


def test_json_nested_as_deep_as_the_bound_is_parsed(client):
    depth = 32 - 5  # the body, groups, a group, its requirements, a requirement
    body = json.dumps({**WORDS, "groups": [{"requirements": [{"kind": "manual", "description": "x"}]}]})
    response = client.post(BASE, body.replace('"x"', "[" * depth + "]" * depth), content_type="application/json")
    assert response.status_code == 201, response.content
