"""
A badge's requirements point only at what its issuer may use (badges.targets, ADR 0017): through the API's create,
PATCH and new-version, with one answer for an unknown target and another city's, and nothing written when refused.
"""
import uuid

import pytest
from django.core.exceptions import ValidationError

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import targets
from cities_network_plugin.badges.models import BadgeClass, Requirement, RequirementGroup
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities.models import Playlist

from .conftest import COURSE
from .test_badges_api import client_for

BASE = "/cities-network/api/v1/cities"
MANUAL = [{"requirements": [{"kind": "manual"}]}]
WORDS = {"name": "Explorer", "description": "Went places.", "criteria_narrative": "Go places."}


def klass(issuer, name="Theirs", status="active", groups=MANUAL):
    return badges_api.create_class(issuer, {**WORDS, "name": name, "status": status, "groups": groups})


def event(city, title, status="published", cities=()):
    return opportunities_api.create_opportunity(city, {"title": title, "kind": "event", "online": True,
                                                       "status": status}, cities=list(cities) or None)


@pytest.fixture
def of_beta(city_b):
    """Beta's records, published and draft, that Alpha's badges must not use."""
    return {
        "opportunity": event(city_b, "Beta's secret draft", status="draft"),
        "published opportunity": event(city_b, "Beta harbour walk"),
        "playlist": Playlist.objects.create(city=city_b, title="Beta's draft path"),
        "badge": klass(city_b, "Beta's draft badge", status="draft"),
        "active badge": klass(city_b, "Beta swimmer"),
    }


def refused(kind, target):
    return [{"requirements": [{"kind": kind, "target": target}]}]


FOREIGN = [("opportunity_attended", "opportunity", "opportunity"),
           ("opportunity_attended", "published opportunity", "opportunity"),
           ("playlist_completed", "playlist", "playlist"),
           ("badge_earned", "badge", "badge class"),
           ("badge_earned", "active badge", "badge class")]


@pytest.mark.django_db
@pytest.mark.parametrize("kind,record,noun", FOREIGN)
def test_another_citys_record_is_refused_as_if_it_did_not_exist(admin_a, city_a, of_beta, kind, record, noun):
    client = client_for(admin_a)
    foreign = str(of_beta[record].uuid)
    unknown = str(uuid.uuid4())
    answers = {}
    for target in (foreign, unknown):
        response = client.post(f"{BASE}/alpha/badges/", {**WORDS, "groups": refused(kind, target)}, format="json")
        assert response.status_code == 400, response.content
        answers[target] = response.json()
        assert answers[target] == {"groups": [
            f"Group 1, requirement 1: There is no {noun} '{target}' that Alpha may use."]}
        assert "Beta" not in response.content.decode()
    # The same words for both, but for the id itself: no oracle of what exists elsewhere.
    assert str(answers[foreign]).replace(foreign, "?") == str(answers[unknown]).replace(unknown, "?")
    assert not BadgeClass.objects.filter(issuer_city=city_a).exists()


@pytest.mark.django_db
def test_a_course_of_another_citys_organisation_is_refused(admin_a, city_a, city_b):
    client = client_for(admin_a)
    for key in ("course-v1:BetaX+Secret+2026", "course-v1:NobodysOrg+Course+2026"):
        response = client.post(f"{BASE}/alpha/badges/", {**WORDS, "groups": refused("course_passed", key)},
                               format="json")
        assert response.status_code == 400
        assert response.json() == {"groups": [
            f"Group 1, requirement 1: There is no course '{key}' that Alpha may use."]}
    assert not BadgeClass.objects.exists()


@pytest.mark.django_db
def test_patch_refuses_a_foreign_target_and_keeps_the_requirements(admin_a, city_a, of_beta):
    mine = klass(city_a, "Mine", status="draft", groups=[{"requirements": [{"kind": "course_passed",
                                                                             "target": COURSE}]}])
    before = badges_api.requirements_data(mine)
    response = client_for(admin_a).patch(f"{BASE}/alpha/badges/{mine.uuid}/", {
        "name": "Renamed", "groups": refused("opportunity_attended", str(of_beta["opportunity"].uuid))},
        format="json")
    assert response.status_code == 400
    assert "that Alpha may use" in response.json()["groups"][0]
    mine.refresh_from_db()
    assert mine.name == "Mine" and badges_api.requirements_data(mine) == before


@pytest.mark.django_db
def test_a_new_version_of_a_class_pointing_elsewhere_is_refused(admin_a, learner, city_a, of_beta):
    """A requirement written before the rule (planted here) is not carried into a new version."""
    legacy = klass(city_a, "Legacy")
    Requirement.objects.create(group=RequirementGroup.objects.create(badge_class=legacy, position=1),
                               kind="opportunity_attended", target=str(of_beta["opportunity"].uuid))
    badges_api.manual_award(legacy, learner, "Planted", awarded_by=admin_a)
    response = client_for(admin_a).post(f"{BASE}/alpha/badges/{legacy.uuid}/new-version/")
    assert response.status_code == 400, response.content
    assert "that Alpha may use" in " ".join(response.json()["groups"])
    assert BadgeClass.objects.filter(issuer_city=city_a).count() == 1


@pytest.mark.django_db
def test_what_a_city_may_use(admin_a, city_a, city_b):
    own_draft = event(city_a, "Alpha draft", status="draft")
    shown_here = event(city_b, "Beta event shown in Alpha", cities=[city_a, city_b])
    tagged_course = opportunities_api.create_opportunity(city_b, {
        "title": "Beta course", "kind": "course", "course_key": "course-v1:BetaX+Shared+2026", "status": "draft"},
        cities=[city_a, city_b])
    own_playlist = Playlist.objects.create(city=city_a, title="Alpha draft path")
    own_badge = klass(city_a, "Alpha draft badge", status="draft")
    network_badge = klass(None, "Network explorer")
    groups = [{"requirements": [
        {"kind": "opportunity_attended", "target": str(own_draft.uuid)},
        {"kind": "opportunity_attended", "target": str(shown_here.uuid).upper()},
        {"kind": "course_passed", "target": "course-v1:AlphaX+Anything+2027"},
        {"kind": "certificate_earned", "target": tagged_course.course_key},
        {"kind": "playlist_completed", "target": str(own_playlist.uuid)},
        {"kind": "badge_earned", "target": str(own_badge.uuid)},
        {"kind": "badge_earned", "target": str(network_badge.uuid)},
    ]}]
    response = client_for(admin_a).post(f"{BASE}/alpha/badges/", {**WORDS, "groups": groups}, format="json")
    assert response.status_code == 201, response.content
    stored = [r["target"] for r in response.json()["groups"][0]["requirements"]]
    assert stored[1] == str(shown_here.uuid)  # kept lowercase, as events name it
    # The network's drafts are not the city's to build on.
    network_draft = klass(None, "Network draft", status="draft")
    response = client_for(admin_a).post(f"{BASE}/alpha/badges/", {
        **WORDS, "groups": refused("badge_earned", str(network_draft.uuid))}, format="json")
    assert response.json() == {"groups": [
        f"Group 1, requirement 1: There is no badge class '{network_draft.uuid}' that Alpha may use."]}


@pytest.mark.django_db
def test_what_the_network_may_use(city_a, city_b, of_beta):
    """A network badge may use what is published anywhere, never a city's drafts; any course."""
    network_draft = klass(None, "Network draft", status="draft")
    usable = [{"requirements": [
        {"kind": "opportunity_attended", "target": str(of_beta["published opportunity"].uuid)},
        {"kind": "badge_earned", "target": str(of_beta["active badge"].uuid)},
        {"kind": "badge_earned", "target": str(network_draft.uuid)},
        {"kind": "course_passed", "target": "course-v1:NetworkX+Welcome+2026"},
    ]}]
    assert klass(None, "Network traveller", status="draft", groups=usable).groups.count() == 1
    for kind, record, noun in (FOREIGN[0], FOREIGN[2], FOREIGN[3]):  # the drafts
        with pytest.raises(ValidationError) as info:
            klass(None, "Network draft user", status="draft", groups=refused(kind, str(of_beta[record].uuid)))
        assert info.value.message_dict["groups"] == [
            f"Group 1, requirement 1: There is no {noun} '{of_beta[record].uuid}' that the network may use."]
    assert not BadgeClass.objects.filter(name="Network draft user").exists()


@pytest.mark.django_db
def test_titles_are_looked_up_within_what_the_city_may_use(city_a, city_b, of_beta):
    """Pages of Alpha name the targets Alpha may use; a requirement pointing elsewhere shows its bare id."""
    mine = event(city_a, "Alpha walk")
    wanted = {"opportunity_attended": {str(mine.uuid), str(of_beta["opportunity"].uuid), "not-a-uuid"},
              "badge_earned": {str(of_beta["badge"].uuid)}, "course_passed": {"course-v1:BetaX+Secret+2026"}}
    assert targets.titles_for(city_a, wanted) == {("opportunity_attended", str(mine.uuid)): "Alpha walk"}
