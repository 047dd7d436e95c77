"""Each detector completes its step from the data, records what it saw, and respects overrides."""
import datetime

import pytest
from django.contrib.sites.models import Site
from django.test import override_settings
from django.utils import timezone

from cities_network_plugin.onboarding import api
from cities_network_plugin.onboarding.detectors import evaluate_all, evaluate_city
from cities_network_plugin.onboarding.models import (
    CommunityCall,
    CommunityCallAttendance,
    ImpactReview,
    IntroductoryMeeting,
    Stakeholder,
    StepStatus,
)
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import City, CityRoleName

from tests.host.platform_standin.models import StandinCourse

TODAY = datetime.date(2026, 6, 1)
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def bare_city(db):  # pylint: disable=unused-argument
    return City.objects.create(slug="gamma", name="Gamma", country="PT")


def _state(city, key):
    return api.get_journey(city).step(key).progress


@pytest.mark.django_db
def test_platform_setup_by_organisation_or_site(bare_city):
    assert "platform-setup" not in evaluate_city(bare_city, NOW)
    bare_city.site = Site.objects.create(domain="gamma.learning.example", name="Gamma")
    bare_city.save()
    assert "platform-setup" in evaluate_city(bare_city, NOW)
    progress = _state(bare_city, "platform-setup")
    assert progress.status == StepStatus.DONE
    assert progress.detection["site"] == "gamma.learning.example"
    assert progress.history.get().source == "detector"


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_ONBOARDING_MIN_OPPORTUNITIES=2)
def test_learning_opportunities_threshold_counts_the_city_courses(bare_city):
    tenancy_api.add_organization(bare_city, "GammaX")
    StandinCourse.objects.create(course_key="course-v1:GammaX+A+1", display_name="A", org="GammaX")
    StandinCourse.objects.create(course_key="course-v1:OtherX+B+1", display_name="B", org="OtherX")
    assert "learning-opportunities" not in evaluate_city(bare_city, NOW)
    StandinCourse.objects.create(course_key="course-v1:GammaX+C+1", display_name="C", org="GammaX")
    assert "learning-opportunities" in evaluate_city(bare_city, NOW)
    assert _state(bare_city, "learning-opportunities").detection["count"] == 2


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_ONBOARDING_CORE_TEAM_SIZE=2)
def test_core_team_formed_at_the_set_size(bare_city, make_user):
    tenancy_api.set_member(bare_city, make_user("one"), CityRoleName.ADMIN)
    assert "core-team" not in evaluate_city(bare_city, NOW)
    tenancy_api.set_member(bare_city, make_user("two"), CityRoleName.CORE_TEAM)
    assert "core-team" in evaluate_city(bare_city, NOW)
    assert _state(bare_city, "core-team").detection["members"] == 2


@pytest.mark.django_db
def test_stakeholders_engaged_counts_only_engaged_and_partners(bare_city):
    Stakeholder.objects.create(city=bare_city, name="School", kind="education", engagement="engaged")
    Stakeholder.objects.create(city=bare_city, name="Shop", kind="business", engagement="contacted")
    assert "stakeholders" not in evaluate_city(bare_city, NOW)
    Stakeholder.objects.create(city=bare_city, name="Town hall", kind="government", engagement="partner")
    assert "stakeholders" in evaluate_city(bare_city, NOW)
    names = {s["name"] for s in _state(bare_city, "stakeholders").detection["stakeholders"]}
    assert names == {"School", "Town hall"}


@pytest.mark.django_db
def test_community_call_completes_the_alternative_and_participation_within_its_period(bare_city):
    old = CommunityCall.objects.create(title="Old call", held_on=TODAY - datetime.timedelta(days=400))
    CommunityCallAttendance.objects.create(call=old, city=bare_city)
    completed = evaluate_city(bare_city, NOW)
    assert "community-call" in completed
    assert "network-participation" not in completed  # 400 days ago is outside the 180-day period
    assert api.get_journey(bare_city).stages[0].requirements_met == 1  # the meeting-or-call requirement
    recent = CommunityCall.objects.create(title="Recent call", held_on=TODAY - datetime.timedelta(days=10))
    CommunityCallAttendance.objects.create(call=recent, city=bare_city)
    assert "network-participation" in evaluate_city(bare_city, NOW)
    assert "Recent call" in _state(bare_city, "network-participation").detection["summary"]


@pytest.mark.django_db
def test_introductory_meeting_record(bare_city):
    IntroductoryMeeting.objects.create(city=bare_city, held_on=TODAY, network_representative="Nina")
    assert "introductory-meeting" in evaluate_city(bare_city, NOW)
    assert "with Nina" in _state(bare_city, "introductory-meeting").detection["summary"]


@pytest.mark.django_db
def test_impact_review_must_be_within_its_period(bare_city):
    ImpactReview.objects.create(city=bare_city, reviewed_on=TODAY - datetime.timedelta(days=500), summary="Old")
    assert "continuous-improvement" not in evaluate_city(bare_city, NOW)
    ImpactReview.objects.create(city=bare_city, reviewed_on=TODAY - datetime.timedelta(days=30), summary="New")
    assert "continuous-improvement" in evaluate_city(bare_city, NOW)


@pytest.mark.django_db
def test_detection_is_idempotent(bare_city):
    tenancy_api.add_organization(bare_city, "GammaX")
    assert "platform-setup" in evaluate_city(bare_city, NOW)
    assert "platform-setup" not in evaluate_city(bare_city, NOW)
    assert _state(bare_city, "platform-setup").history.count() == 1


@pytest.mark.django_db
def test_override_keeps_detectors_away_until_lifted(bare_city, network_manager):
    tenancy_api.add_organization(bare_city, "GammaX")
    api.update_step(bare_city, "platform-setup", user=network_manager, status=StepStatus.NOT_APPLICABLE,
                    reason="The city uses the national platform.")
    assert "platform-setup" not in evaluate_city(bare_city, NOW)
    progress = _state(bare_city, "platform-setup")
    assert (progress.status, progress.overridden) == (StepStatus.NOT_APPLICABLE, True)
    assert progress.override_reason == "The city uses the national platform."
    api.update_step(bare_city, "platform-setup", user=network_manager, override=False)
    progress = _state(bare_city, "platform-setup")
    assert (progress.status, progress.overridden) == (StepStatus.DONE, False)
    assert progress.detection["organizations"] == ["GammaX"]


@pytest.mark.django_db
def test_recurring_steps_fall_due_after_their_period_and_come_back_with_fresh_data(bare_city):
    ImpactReview.objects.create(city=bare_city, reviewed_on=TODAY, summary="Year one")
    evaluate_city(bare_city, NOW)
    progress = _state(bare_city, "continuous-improvement")
    assert progress.status == StepStatus.DONE
    # The detection happened "now" (real time); jump past its period.
    later = timezone.now() + datetime.timedelta(days=366)
    assert api.fall_due(later) == 1
    progress.refresh_from_db()
    assert progress.status == StepStatus.NOT_STARTED
    entry = progress.history.first()
    assert entry.source == "recurrence" and "due again every 365 days" in entry.reason
    ImpactReview.objects.create(city=bare_city, reviewed_on=later.date(), summary="Year two")
    results = evaluate_all(later)
    assert "continuous-improvement" in results["gamma"]


@pytest.mark.django_db
def test_data_changes_trigger_detection_after_commit(bare_city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tenancy_api.add_organization(bare_city, "GammaX")
    assert _state(bare_city, "platform-setup").status == StepStatus.DONE
    with django_capture_on_commit_callbacks(execute=True):
        Stakeholder.objects.create(city=bare_city, name="A", kind="education", engagement="partner")
        Stakeholder.objects.create(city=bare_city, name="B", kind="business", engagement="engaged")
    assert _state(bare_city, "stakeholders").status == StepStatus.DONE
