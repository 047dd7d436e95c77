"""
The Django admin holds the city scope against references (ADR 0017): a city team never writes in the network's
name or another city's, badge requirements follow the domain's rule, and no widget, lookup, error or deletion list
names a record the person may not see.
"""
import json
import re

import pytest
from django.utils import timezone

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import Award, BadgeClass
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities.models import OpportunityCompletion, Playlist
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import CityRole, CityRoleName

ADMIN = "/admin/cities_network_plugin"
WORDS = {"name": "Helper", "description": "Helps.", "criteria_narrative": "Help."}
MANUAL = [{"requirements": [{"kind": "manual"}]}]

pytestmark = pytest.mark.django_db


def class_form(issuer, groups="", **changes):
    """What the admin's badge class form posts."""
    return {"issuer_city": issuer.pk if issuer is not None else "", **WORDS, "alignments": "[]", "tags": "[]",
            "expiry_rule": "none", "expires_on": "", "expires_after_days": "", "status": "draft",
            "revoke_when_certificate_revoked": "on", "groups_json": groups, **changes}


def select_of(page: str, name: str) -> str:
    """The HTML of the ``<select name=...>`` on the page."""
    match = re.search(rf'<select name="{name}".*?</select>', page, re.DOTALL)
    assert match, f"no select {name}"
    return match.group()


def errors_in(response) -> str:
    assert response.status_code == 200, response.status_code  # the form comes back
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.DOTALL))


@pytest.fixture
def beta_draft(city_b):
    return opportunities_api.create_opportunity(city_b, {"title": "Beta's secret draft", "kind": "event",
                                                         "status": "draft", "online": True})


@pytest.fixture
def held_class(city_a, admin_a, learner):
    badge = badges_api.create_class(city_a, {**WORDS, "status": "active", "groups": MANUAL})
    badges_api.manual_award(badge, learner, "Helped.", awarded_by=admin_a)
    return badge


# --- 1. A city team never writes in the network's name -----------------------------------------------------------

@pytest.mark.parametrize("who", ["admin_a", "core_a"])
def test_a_city_team_is_not_offered_the_network_as_issuer_and_cannot_post_it(client, request, who, city_a):
    client.force_login(request.getfixturevalue(who))
    page = client.get(f"{ADMIN}/badgeclass/add/").content.decode()
    issuer = select_of(page, "issuer_city")
    assert 'value=""' not in issuer and ">Alpha<" in issuer
    errors = errors_in(client.post(f"{ADMIN}/badgeclass/add/", class_form(None)))
    assert "This field is required." in errors
    assert not BadgeClass.objects.exists()


def test_a_city_admin_cannot_move_a_class_and_its_awards_to_the_network(client, admin_a, city_a, held_class):
    client.force_login(admin_a)
    page = client.get(f"{ADMIN}/badgeclass/{held_class.pk}/change/").content.decode()
    assert 'value=""' not in select_of(page, "issuer_city")
    response = client.post(f"{ADMIN}/badgeclass/{held_class.pk}/change/", class_form(None, name="Moved"))
    assert "This field is required." in errors_in(response)
    held_class.refresh_from_db()
    assert (held_class.issuer_city, held_class.name) == (city_a, "Helper")
    assert Award.objects.get().badge_class.issuer_city == city_a


def test_a_network_manager_still_issues_in_the_networks_name(client, network_manager, city_a):
    client.force_login(network_manager)
    assert 'value=""' in select_of(client.get(f"{ADMIN}/badgeclass/add/").content.decode(), "issuer_city")
    response = client.post(f"{ADMIN}/badgeclass/add/", class_form(None, groups=json.dumps(MANUAL)))
    assert response.status_code == 302, errors_in(response)
    created = BadgeClass.objects.get()
    assert created.issuer_city is None and badges_api.requirements_data(created)[0]["requirements"][0]["kind"] == \
        "manual"


def test_a_record_that_would_land_in_another_city_is_refused_on_the_form(client, admin_a, learner, city_a, city_b):
    """Beta's opportunity is shown in Alpha (Alpha sees it), but its completions are Beta's to record."""
    shown_here = opportunities_api.create_opportunity(city_b, {"title": "Beta walk", "kind": "event",
                                                               "status": "published", "online": True},
                                                      cities=[city_a, city_b])
    client.force_login(admin_a)
    response = client.post(f"{ADMIN}/opportunitycompletion/add/", {
        "user": learner.pk, "opportunity": shown_here.pk, "source": "manual",
        "completed_at_0": "2026-05-01", "completed_at_1": "10:00:00"})
    assert "Choose one of your own cities" in errors_in(response)
    assert not OpportunityCompletion.objects.exists()


# --- 2. The admin's requirements follow the domain's rule, checked before anything is saved ----------------------

def test_the_admins_requirements_refuse_another_citys_target_and_save_nothing(client, admin_a, city_a, beta_draft):
    client.force_login(admin_a)
    foreign = json.dumps([{"requirements": [{"kind": "opportunity_attended", "target": str(beta_draft.uuid)}]}])
    errors = errors_in(client.post(f"{ADMIN}/badgeclass/add/", class_form(city_a, groups=foreign)))
    assert f"There is no opportunity &#x27;{beta_draft.uuid}&#x27; that Alpha may use." in errors
    assert "Beta" not in errors
    assert not BadgeClass.objects.exists()
    mine = badges_api.create_class(city_a, {**WORDS, "groups": MANUAL})
    response = client.post(f"{ADMIN}/badgeclass/{mine.pk}/change/", class_form(city_a, groups=foreign,
                                                                               name="Renamed"))
    assert "that Alpha may use" in errors_in(response)
    mine.refresh_from_db()
    assert mine.name == "Helper" and badges_api.requirements_data(mine)[0]["requirements"][0]["kind"] == "manual"


def test_the_admins_requirements_are_checked_for_the_issuer_chosen_on_the_form(client, network_manager, city_b,
                                                                               beta_draft):
    client.force_login(network_manager)
    groups = json.dumps([{"requirements": [{"kind": "opportunity_attended", "target": str(beta_draft.uuid)}]}])
    assert "that the network may use" in errors_in(client.post(f"{ADMIN}/badgeclass/add/",
                                                               class_form(None, groups=groups)))
    response = client.post(f"{ADMIN}/badgeclass/add/", class_form(city_b, groups=groups))
    assert response.status_code == 302
    assert BadgeClass.objects.get().issuer_city == city_b


def test_requirements_kept_while_the_issuer_changes_must_suit_the_new_issuer(client, network_manager, city_a, city_b):
    walk = opportunities_api.create_opportunity(city_a, {"title": "Alpha walk", "kind": "event", "online": True})
    mine = badges_api.create_class(city_a, {**WORDS, "groups": [
        {"requirements": [{"kind": "opportunity_attended", "target": str(walk.uuid)}]}]})
    client.force_login(network_manager)
    for groups in (json.dumps(badges_api.requirements_data(mine)), ""):  # as shown, or left empty (kept)
        errors = errors_in(client.post(f"{ADMIN}/badgeclass/{mine.pk}/change/", class_form(city_b, groups=groups)))
        assert f"There is no opportunity &#x27;{walk.uuid}&#x27; that Beta may use." in errors
        mine.refresh_from_db()
        assert mine.issuer_city == city_a


def test_a_held_class_saves_its_other_fields_with_its_requirements_unchanged(client, admin_a, city_a, held_class):
    client.force_login(admin_a)
    groups = json.dumps(badges_api.requirements_data(held_class))
    response = client.post(f"{ADMIN}/badgeclass/{held_class.pk}/change/",
                           class_form(city_a, groups=groups, name="Helper of the year", status="active"), follow=True)
    assert response.redirect_chain and "Requirements not saved" not in response.content.decode()
    held_class.refresh_from_db()
    assert held_class.name == "Helper of the year"
    changed = json.dumps([{"requirements": [{"kind": "manual"}, {"kind": "manual"}]}])
    errors = errors_in(client.post(f"{ADMIN}/badgeclass/{held_class.pk}/change/",
                                   class_form(city_a, groups=changed, name="Again", status="active")))
    assert "its requirements are locked" in errors
    held_class.refresh_from_db()
    assert held_class.name == "Helper of the year"


def test_requirements_nested_thousands_deep_are_a_form_error(client, admin_a, city_a):
    client.force_login(admin_a)
    errors = errors_in(client.post(f"{ADMIN}/badgeclass/add/", class_form(city_a, groups="[" * 5000 + "]" * 5000)))
    assert "nested more than 32 levels deep" in errors
    assert not BadgeClass.objects.exists()


# --- 3. Widgets, lookups, errors and deletions name only what the person may see ---------------------------------

def test_a_raw_id_widget_names_only_records_in_scope(client, admin_a, city_a, beta_draft):
    mine = opportunities_api.create_opportunity(city_a, {"title": "Alpha repair café", "kind": "event",
                                                         "online": True})
    client.force_login(admin_a)
    page = client.get(f"{ADMIN}/opportunitycompletion/add/?opportunity={beta_draft.pk}").content.decode()
    assert "Beta's secret draft" not in page and "Beta&#x27;s secret draft" not in page
    page = client.get(f"{ADMIN}/opportunitycompletion/add/?opportunity={mine.pk}").content.decode()
    assert "Alpha repair café" in page


def test_a_raw_id_widget_names_no_account_by_its_id(client, admin_a, make_user, city_a):
    stranger = make_user("stranger_minor_77")
    client.force_login(admin_a)
    assert "stranger_minor_77" not in client.get(f"{ADMIN}/cityrole/add/?user={stranger.pk}").content.decode()
    # Nor on the form that comes back with an error.
    response = client.post(f"{ADMIN}/cityrole/add/", {"city": city_a.pk, "user": stranger.pk, "role": "owner"})
    assert response.status_code == 200 and "stranger_minor_77" not in response.content.decode()
    assert not CityRole.objects.filter(user=stranger).exists()
    # A record in scope shows what it points to.
    member = make_user("alpha_member")
    role = tenancy_api.set_member(city_a, member, CityRoleName.CORE_TEAM)
    assert "alpha_member" in client.get(f"{ADMIN}/cityrole/{role.pk}/change/").content.decode()


def test_a_playlist_item_names_no_foreign_opportunity(client, admin_a, city_a, beta_draft):
    playlist = Playlist.objects.create(city=city_a, title="Alpha path")
    client.force_login(admin_a)
    response = client.post(f"{ADMIN}/playlist/{playlist.pk}/change/", {
        "city": city_a.pk, "title": "Alpha path", "description": "", "min_optional": "0", "status": "draft",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000", "items-0-opportunity": beta_draft.pk, "items-0-position": "0",
        "items-0-mandatory": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and "Beta" not in page
    assert "Select a valid choice" in page
    assert not playlist.items.exists()
    # The city's team works on its playlist's items; a row in scope names its opportunity.
    mine = opportunities_api.create_opportunity(city_a, {"title": "Alpha repair café", "kind": "event",
                                                         "online": True})
    opportunities_api.set_playlist_items(playlist, [(mine, True)])
    page = client.get(f"{ADMIN}/playlist/{playlist.pk}/change/").content.decode()
    assert 'name="items-0-opportunity"' in page and "Alpha repair café" in page


def test_the_autocomplete_lookup_answers_within_the_scope(client, admin_a, city_a, beta_draft):
    opportunities_api.create_opportunity(city_a, {"title": "Alpha repair café", "kind": "event", "online": True})
    client.force_login(admin_a)
    response = client.get("/admin/autocomplete/", {"app_label": "cities_network_plugin",
                                                   "model_name": "opportunitycompletion", "field_name": "opportunity",
                                                   "term": ""})
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Alpha repair café"]


def test_a_deletion_lists_another_citys_records_without_naming_them(client, admin_a, learner, city_a, city_b):
    mine = opportunities_api.create_opportunity(city_a, {"title": "Alpha walk", "kind": "event", "online": True,
                                                         "status": "published"}, cities=[city_a, city_b])
    theirs = Playlist.objects.create(city=city_b, title="Beta's unannounced path")
    opportunities_api.set_playlist_items(theirs, [(mine, True)])
    OpportunityCompletion.objects.create(user=learner, opportunity=mine, source="manual",
                                         completed_at=timezone.now())
    client.force_login(admin_a)
    page = client.get(f"{ADMIN}/opportunity/{mine.pk}/delete/").content.decode()
    assert "Beta&#x27;s unannounced path" not in page and "Beta's unannounced path" not in page
    assert "Playlist item: a record outside your cities" in page
    assert f"{learner.pk} completed {mine.pk}" in page  # Alpha's own completion of its opportunity is named
