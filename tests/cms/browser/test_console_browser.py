"""
A city admin in Studio's city console, in the browser: signs in, completes an onboarding step with its evidence,
and creates a badge class with a requirement. Runs on the CMS host (``--ds=tests.host.cms_settings``).
"""
import pytest
from django.contrib.auth import get_user_model

from cities_network_plugin.badges.models import BadgeClass, RequirementKind
from cities_network_plugin.onboarding import api as onboarding_api
from cities_network_plugin.onboarding.models import StepStatus
from cities_network_plugin.opportunities.models import Opportunity
from cities_network_plugin.tenancy.models import City

pytestmark = pytest.mark.cms

CONSOLE = "/cities-network/console/vilnius/"
BADGE = "Night cyclist"
EVIDENCE = "Two partner libraries joined and added 12 opportunities; see the council report."
REOPENED = "scale-and-expand"  # recurring, yearly, and no detector owns it


def open_step(city, admin):
    """
    A step of the city's journey that is not done yet, preferring one that no detector owns. The demo's Vilnius
    has done every step, so its yearly "Scale and expand" is started again, as a city does each year.
    """
    def open_steps():
        return [state for stage in onboarding_api.get_journey(city).stages for state in stage.steps
                if state.progress.status != StepStatus.DONE]
    if not open_steps():
        onboarding_api.update_step(city, REOPENED, user=admin, status=StepStatus.IN_PROGRESS,
                                   evidence_note="This year: talks with two new partner libraries.")
    return min(open_steps(), key=lambda state: bool(state.step.detector))


def test_city_admin_completes_a_step_and_creates_a_badge(page, demo_network):
    city = City.objects.get(slug="vilnius")
    step = open_step(city, get_user_model().objects.get(username="ruta"))

    page.log_in("ruta", CONSOLE, check_accessibility=True)
    assert page.text("h1") == "Dashboard"
    assert "Onboarding checklist" in page.text("main")
    page.check_accessibility("console dashboard")
    page.screenshot("console-dashboard")

    # An onboarding step: set it done, with its evidence.
    page.click_and_wait(page.link(step.step.title))
    assert page.path == f"{CONSOLE}onboarding/{step.step.key}/"
    page.check_accessibility("onboarding step form")
    page.choose("#id_status", value=StepStatus.DONE)
    page.fill("#id_evidence_note", EVIDENCE)
    if step.step.detector:
        page.fill("#id_reason", "Recorded by hand from the council's minutes.")
    page.click_and_wait(page.find("main form button[type=submit].primary"))
    assert f"“{step.step.title}” was saved." in page.text(".messages")
    assert page.find(".panel .tag.done").text == "Done"
    progress = onboarding_api.get_journey(city).step(step.step.key).progress
    assert (progress.status, progress.evidence_note) == (StepStatus.DONE, EVIDENCE)

    # A badge class, through the console's form.
    page.open(f"{CONSOLE}badges/new/")
    page.fill("#id_name", BADGE)
    page.fill("#id_description", "Rides safely after dark, with lights and a plan.")
    page.fill("#id_criteria_narrative", "Attend the bike repair workshop and fit your own lights.")
    workshop = Opportunity.objects.get(city=city, title="Bike repair workshop")
    page.choose("#id_requirements-0-kind", value=RequirementKind.OPPORTUNITY_ATTENDED)
    page.choose("#id_requirements-0-target", value=str(workshop.uuid))
    page.check_accessibility("badge form")
    page.screenshot("console-badge-form")
    page.click_and_wait(page.find("main form button[type=submit].primary"))
    assert f"The badge “{BADGE}” was saved." in page.text(".messages")

    page.click_and_wait(page.link("Badges"))
    assert page.path == f"{CONSOLE}badges/"
    assert BADGE in [link.text for link in page.find_all(".checklist h3 a")]
    badge_class = BadgeClass.objects.get(issuer_city=city, name=BADGE)
    requirements = [(r.kind, r.target) for group in badge_class.groups.all() for r in group.requirements.all()]
    assert requirements == [(RequirementKind.OPPORTUNITY_ATTENDED, str(workshop.uuid))]
    assert badge_class.criteria_narrative.startswith("Attend the bike repair workshop")
