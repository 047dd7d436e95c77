"""Console forms for the team (city admins only), the stakeholders, and onboarding steps."""
import pytest

from cities_network_plugin.onboarding import api as onboarding_api
from cities_network_plugin.onboarding.models import CityStepProgress
from cities_network_plugin.tenancy.models import CityRole, Stakeholder

from .console_data import errors_of, stakeholder, url

pytestmark = [pytest.mark.cms, pytest.mark.django_db]


def roles(city):
    return set(CityRole.objects.filter(city=city).values_list("user__username", "role"))


def test_a_city_admin_adds_and_removes_team_members(client, admin_a, learner, city_a):
    client.force_login(admin_a)
    response = client.post(url("console-team", "alpha"), {"user": "nobody@example.com", "role": "core_team"})
    assert response.status_code == 400
    assert errors_of(response, "id_user") == [
        "'nobody@example.com' does not name one account. Check it with the person, or give their username."]
    assert roles(city_a) == {("admin_a", "admin")}
    response = client.post(url("console-team", "alpha"), {"user": "learner@example.com", "role": "core_team"},
                           follow=True)
    assert "learner is now Core-team member of Alpha." in response.content.decode()
    assert roles(city_a) == {("admin_a", "admin"), ("learner", "core_team")}
    response = client.post(url("console-team-remove", "alpha", learner.pk), follow=True)
    assert "learner is no longer on the team of Alpha." in response.content.decode()
    assert roles(city_a) == {("admin_a", "admin")}
    assert client.get(url("console-team-remove", "alpha", admin_a.pk)).status_code == 405


def test_the_core_team_reads_the_team_but_cannot_change_it(client, admin_a, core_a, learner, city_a):
    client.force_login(core_a)
    page = client.get(url("console-team", "alpha"))
    assert page.status_code == 200
    assert "admin_a" in page.content.decode() and 'name="role"' not in page.content.decode()
    before = roles(city_a)
    assert client.post(url("console-team", "alpha"), {"user": "learner", "role": "admin"}).status_code == 403
    assert client.post(url("console-team-remove", "alpha", admin_a.pk)).status_code == 403
    assert roles(city_a) == before


def test_the_team_page_shows_people_by_username_only(client, admin_a, make_user, city_a):
    """Adding someone by an address tells the admin the account's username, never its name or address."""
    make_user("ana", email="ana.velosipedova@private.example", first_name="Ana", last_name="Velosipedova")
    make_user("twin1", email="twin@example.org")
    make_user("twin2", email="Twin@example.org")
    client.force_login(admin_a)
    response = client.post(url("console-team", "alpha"), {"user": "ana.velosipedova@private.example",
                                                          "role": "core_team"}, follow=True)
    page = response.content.decode()
    assert "ana is now Core-team member of Alpha." in page
    assert "Velosipedova" not in page, "the team page showed the full name of an account added by its address"
    several = errors_of(client.post(url("console-team", "alpha"), {"user": "twin@example.org", "role": "admin"}),
                        "id_user")
    none = errors_of(client.post(url("console-team", "alpha"), {"user": "ghost@example.org", "role": "admin"}),
                     "id_user")
    assert [m.replace("twin@example.org", "<value>") for m in several] == [
        m.replace("ghost@example.org", "<value>") for m in none]
    assert roles(city_a) == {("admin_a", "admin"), ("ana", "core_team")}


def test_an_admin_who_removes_themselves_leaves_the_city(client, admin_a, city_a):
    client.force_login(admin_a)
    response = client.post(url("console-team-remove", "alpha", admin_a.pk))
    assert response["Location"] == url("console-index")
    assert client.get(url("console-dashboard", "alpha")).status_code == 404


def test_stakeholders_are_added_and_changed(client, core_a, city_a, city_b):
    stakeholder(city_b, "Alpha Library")  # the same name in another city is no clash
    client.force_login(core_a)
    form = {"name": "Alpha Library", "kind": "community", "engagement": "engaged", "contact_email": "a@lib.example"}
    response = client.post(url("console-stakeholders", "alpha"), form, follow=True)
    assert "The stakeholder “Alpha Library” was added." in response.content.decode()
    library = Stakeholder.objects.get(city=city_a)
    assert (library.kind, library.engagement, library.contact_email) == ("community", "engaged", "a@lib.example")
    response = client.post(url("console-stakeholders", "alpha"), {**form, "name": "alpha library"})
    assert response.status_code == 400
    assert errors_of(response, "id_name") == ["The city already has a stakeholder called “alpha library”."]
    response = client.post(url("console-stakeholder", "alpha", library.pk), {**form, "engagement": "partner",
                                                                             "contact_email": "bad"})
    assert response.status_code == 400 and errors_of(response, "id_contact_email") == ["Enter a valid email address."]
    response = client.post(url("console-stakeholder", "alpha", library.pk), {**form, "engagement": "partner"})
    assert response.status_code == 302
    library.refresh_from_db()
    assert library.engagement == "partner" and Stakeholder.objects.filter(city=city_a).count() == 1


def test_a_city_admin_updates_a_step_with_evidence(client, admin_a, city_a):
    client.force_login(admin_a)
    page = url("console-step", "alpha", "needs-assessment")
    response = client.post(page, {"status": "done", "evidence_note": "Survey of 800 residents",
                                  "evidence_url": "https://alpha.example/survey"}, follow=True)
    assert "“Needs assessment” was saved." in response.content.decode()
    state = onboarding_api.get_journey(city_a).step("needs-assessment")
    assert (state.progress.status, state.progress.evidence_note, state.progress.updated_by) == (
        "done", "Survey of 800 residents", admin_a)
    assert [h.status for h in onboarding_api.history(city_a, "needs-assessment")] == ["done"]


def test_a_detected_step_needs_a_reason_to_be_set_by_hand(client, admin_a, city_a):
    client.force_login(admin_a)
    page = url("console-step", "alpha", "core-team")
    response = client.post(page, {"status": "done", "evidence_url": "not a link"})
    assert response.status_code == 400
    assert errors_of(response, "id_reason") == ["Say why you set this detected step by hand."]
    assert errors_of(response, "id_evidence_url") == ["Enter a valid URL."]
    assert CityStepProgress.objects.get(city=city_a, step__key="core-team").status == "not_started"
    response = client.post(page, {"status": "done", "reason": "A team of two is enough for our size."})
    assert response.status_code == 302
    progress = CityStepProgress.objects.get(city=city_a, step__key="core-team")
    assert (progress.status, progress.overridden) == ("done", True)


def test_the_core_team_reads_steps_but_only_admins_change_them(client, core_a, city_a):
    client.force_login(core_a)
    page = url("console-step", "alpha", "needs-assessment")
    assert client.get(page).status_code == 200
    assert client.post(page, {"status": "done"}).status_code == 403
    assert CityStepProgress.objects.get(city=city_a, step__key="needs-assessment").status == "not_started"
    assert client.get(url("console-step", "alpha", "no-such-step")).status_code == 404
