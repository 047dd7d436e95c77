"""The city console in Studio: who sees which city, the dashboard, switching cities, and CSRF on every form."""
import pytest
from django.test import Client

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award, BadgeClass
from cities_network_plugin.onboarding import api as onboarding_api
from cities_network_plugin.opportunities import attendance
from cities_network_plugin.opportunities.models import ClaimCode, Opportunity, OpportunityCompletion, Playlist
from cities_network_plugin.tenancy.models import CityRole, Stakeholder

from .console_data import badge, opportunity, playlist, stakeholder, url

pytestmark = [pytest.mark.cms, pytest.mark.django_db]


def test_console_needs_a_sign_in(client, city_a):
    response = client.get(url("console-dashboard", "alpha"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/cities-network/console/alpha/")


def test_people_without_a_city_role_are_told_so(client, learner, city_a):
    client.force_login(learner)
    response = client.get(url("console-index"))
    assert response.status_code == 403
    assert "You are not on a city team" in response.content.decode()
    assert client.get(url("console-dashboard", "alpha")).status_code == 404


def test_a_city_admin_lands_on_their_dashboard_with_the_checklist_and_next_steps(client, admin_a, city_a):
    client.force_login(admin_a)
    response = client.get(url("console-index"))
    assert response.status_code == 302 and response["Location"] == url("console-dashboard", "alpha")
    response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    journey = onboarding_api.get_journey(city_a)
    assert journey.current_stage.number == 1
    assert "Onboarding checklist" in html and "Next steps to take" in html
    # Every stage is listed, and the unmet steps of the current stage are the next steps, with their evidence.
    for stage in journey.stages:
        assert stage.stage.title in html
    next_section = html.split("Next steps to take", 1)[1].split("</ol>", 1)[0]
    first_stage = journey.stages[0]
    for state in first_stage.steps:
        assert (state.step.title in next_section) is (not state.satisfied)
        if not state.satisfied:
            assert state.step.evidence_expected in next_section
    later = journey.stages[1].steps[0].step.title
    assert later not in next_section
    # The page wears Studio's frame: the Studio mark, a skip link, and the city in the title.
    assert "Skip to the main content" in html and ">Studio<" in html and "Alpha" in html


def test_done_steps_leave_the_next_steps(client, admin_a, city_a):
    journey = onboarding_api.get_journey(city_a)
    first = journey.stages[0].steps[0].step
    onboarding_api.update_step(city_a, first.key, user=admin_a, status="done")
    client.force_login(admin_a)
    html = client.get(url("console-dashboard", "alpha")).content.decode()
    next_section = html.split("Next steps to take", 1)[1].split("</ol>", 1)[0]
    assert first.title not in next_section
    assert "Done:" in html


def test_dashboard_lists_opportunities_playlists_badges_awards_team_and_stakeholders(
        client, admin_a, core_a, learner, city_a):
    event = opportunity(city_a)
    playlist(city_a, [event], title="Cycling basics")
    mechanic = badge(city_a, groups=[{"requirements": [{"kind": "opportunity_attended", "target": str(event.uuid)}]}])
    stakeholder(city_a, "Alpha Library")
    client.force_login(admin_a)
    # Through the engine: attending the event earns the badge.
    attendance.record_attendance(event, learner, admin_a)
    engine.process(learner, [mechanic], {"test": True})
    assert Award.objects.filter(badge_class=mechanic).count() == 1
    assert badges_api.is_locked(mechanic)
    html = client.get(url("console-dashboard", "alpha")).content.decode()
    assert "Bike repair evening" in html and "Cycling basics" in html
    assert "Bike mechanic" in html and "Attend or complete “Bike repair evening”" in html
    assert 'id="awards-chart" class="cities-network-chart"' in html
    assert "1 badge awarded in the last 12 months." in html
    assert "core_a" in html and "Alpha Library" in html


def _city_b_pages(city_b, admin_b):
    """Every console page of city B, with the records it needs."""
    event = opportunity(city_b, title="Beta event")
    route = playlist(city_b, [event], title="Beta route")
    beta_badge = badge(city_b, name="Beta badge")
    beta_stakeholder = stakeholder(city_b, "Beta Library")
    award = badges_api.manual_award(beta_badge, admin_b, "Organised the event.", awarded_by=admin_b)
    step = onboarding_api.get_journey(city_b).stages[0].steps[0].step.key
    return [
        url("console-dashboard", "beta"), url("console-step", "beta", step),
        url("console-opportunities", "beta"), url("console-opportunity-new", "beta"),
        url("console-opportunity", "beta", event.uuid), url("console-attendance", "beta", event.uuid),
        url("console-claim-codes", "beta", event.uuid),
        url("console-playlists", "beta"), url("console-playlist-new", "beta"),
        url("console-playlist", "beta", route.uuid),
        url("console-badges", "beta"), url("console-badge-new", "beta"), url("console-badge", "beta", beta_badge.uuid),
        url("console-badge-awards", "beta", beta_badge.uuid), url("console-award-revoke", "beta", award.uuid),
        url("console-courses", "beta"), url("console-team", "beta"), url("console-stakeholders", "beta"),
        url("console-stakeholder", "beta", beta_stakeholder.pk),
    ], [
        url("console-step", "beta", step), url("console-opportunity-new", "beta"),
        url("console-opportunity", "beta", event.uuid), url("console-attendance", "beta", event.uuid),
        url("console-claim-codes", "beta", event.uuid), url("console-playlist-new", "beta"),
        url("console-playlist", "beta", route.uuid), url("console-badge-new", "beta"),
        url("console-badge", "beta", beta_badge.uuid), url("console-badge-image", "beta", beta_badge.uuid),
        url("console-badge-status", "beta", beta_badge.uuid), url("console-badge-new-version", "beta", beta_badge.uuid),
        url("console-badge-awards", "beta", beta_badge.uuid), url("console-award-revoke", "beta", award.uuid),
        url("console-team", "beta"), url("console-team-remove", "beta", admin_b.pk),
        url("console-stakeholders", "beta"), url("console-stakeholder", "beta", beta_stakeholder.pk),
    ]


def _snapshot():
    return {
        "opportunities": list(Opportunity.objects.values_list("pk", "title", "status").order_by("pk")),
        "playlists": list(Playlist.objects.values_list("pk", "title").order_by("pk")),
        "badges": list(BadgeClass.objects.values_list("pk", "name", "status", "version").order_by("pk")),
        "awards": list(Award.objects.values_list("pk", "revoked").order_by("pk")),
        "completions": OpportunityCompletion.objects.count(), "codes": ClaimCode.objects.count(),
        "team": list(CityRole.objects.values_list("city_id", "user_id", "role").order_by("pk")),
        "stakeholders": list(Stakeholder.objects.values_list("pk", "name").order_by("pk")),
    }


def test_a_city_admin_gets_404_on_every_page_of_another_city_and_cannot_change_it(client, admin_a, admin_b, city_b,
                                                                                  learner):
    pages, forms = _city_b_pages(city_b, admin_b)
    client.force_login(admin_a)
    for page in pages:
        assert client.get(page).status_code == 404, page
    before = _snapshot()
    payload = {"title": "Hijacked", "name": "Hijacked", "user": "learner", "role": "admin", "status": "done",
               "reason": "because", "evidence": "none", "action": "activate", "kind": "community",
               "engagement": "partner", "valid_from": "2026-01-01T10:00", "valid_until": "2026-01-02T10:00",
               "description": "x", "criteria_narrative": "x", "expiry_rule": "none", "min_optional": "0"}
    for form in forms:
        assert client.post(form, payload).status_code == 404, form
    assert _snapshot() == before


def test_a_network_manager_sees_every_city_and_switches_between_them(client, network_manager, city_a, city_b):
    client.force_login(network_manager)
    response = client.get(url("console-index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert url("console-dashboard", "alpha") in html and url("console-dashboard", "beta") in html
    page = client.get(url("console-dashboard", "alpha")).content.decode()
    assert '<select id="city-switcher" name="city">' in page
    assert '<option value="beta">Beta</option>' in page and '<option value="alpha" selected>Alpha</option>' in page
    response = client.get(url("console-index"), {"city": "beta"})
    assert response.status_code == 302 and response["Location"] == url("console-dashboard", "beta")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(url("console-index"), {"city": "nowhere"}).status_code == 404


def test_a_city_admin_cannot_switch_to_a_city_they_do_not_belong_to(client, admin_a, city_a, city_b):
    client.force_login(admin_a)
    assert client.get(url("console-index"), {"city": "beta"}).status_code == 404
    assert '<select id="city-switcher"' not in client.get(url("console-dashboard", "alpha")).content.decode()


def test_posts_without_a_csrf_token_are_refused(admin_a, city_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    form = {"name": "Alpha Library", "kind": "community", "engagement": "engaged"}
    assert client.post(url("console-stakeholders", "alpha"), form).status_code == 403
    assert client.post(url("console-team", "alpha"), {"user": "admin_a", "role": "admin"}).status_code == 403
    assert not Stakeholder.objects.exists()
    # The page's own form carries the token, and with it the same POST goes through.
    page = client.get(url("console-stakeholders", "alpha"))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = client.post(url("console-stakeholders", "alpha"), {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Stakeholder.objects.filter(city=city_a, name="Alpha Library").exists()


def test_form_errors_are_tied_to_their_fields(client, admin_a, city_a):
    client.force_login(admin_a)
    response = client.post(url("console-stakeholders", "alpha"), {"name": "", "kind": "community"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_name-error"' in html
    assert '<label for="id_name">' in html
