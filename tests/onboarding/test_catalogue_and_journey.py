"""The shipped catalogue, and how a city's current stage follows from its progress."""
import pytest
from django.core.exceptions import ValidationError

from cities_network_plugin.onboarding import api
from cities_network_plugin.onboarding.models import (
    CityOnboarding,
    OnboardingStage,
    OnboardingStep,
    StepProgressHistory,
    StepStatus,
)


@pytest.mark.django_db
def test_catalogue_has_five_stages_and_twelve_requirements():
    stages = list(OnboardingStage.objects.values_list("key", flat=True))
    assert stages == ["initial-engagement", "planning-and-preparation", "development-and-implementation",
                      "building-your-network", "ongoing-support-and-growth"]
    steps = {s.key: s for s in OnboardingStep.objects.select_related("alternative_to")}
    assert len(steps) == 13  # twelve requirements: the community call is the alternative to the meeting
    assert steps["community-call"].alternative_to.key == "introductory-meeting"
    assert {k for k, s in steps.items() if s.recurrence_days} == {
        "continuous-improvement", "network-participation", "scale-and-expand"}
    assert {s.stage.key for s in steps.values() if s.recurrence_days} == {"ongoing-support-and-growth"}
    assert {k: s.detector for k, s in steps.items() if s.detector} == {
        "introductory-meeting": "introductory_meeting", "community-call": "community_call",
        "platform-setup": "platform_setup", "learning-opportunities": "learning_opportunities",
        "core-team": "core_team", "stakeholders": "stakeholders", "continuous-improvement": "impact_review",
        "network-participation": "network_participation",
    }
    assert all(s.description and s.evidence_expected for s in steps.values())


@pytest.mark.django_db
def test_new_city_is_at_stage_one_with_every_step_not_started(city_b, journey):
    state = journey(city_b)
    assert state.current_stage.number == 1
    assert state.requirements_total == 12
    assert [s.step.key for s in state.stages[0].steps] == ["express-interest", "introductory-meeting",
                                                           "community-call"]
    assert all(s.progress.status == StepStatus.NOT_STARTED for stage in state.stages for s in stage.steps)


def _finish(city, *keys, user=None, status=StepStatus.DONE):
    for key in keys:
        step = OnboardingStep.objects.get(key=key)
        api.update_step(city, key, user=user, status=status, reason="test" if step.detector else "")


@pytest.mark.django_db
def test_alternative_steps_either_one_completes_the_requirement(city_b, journey, network_manager):
    _finish(city_b, "express-interest", user=network_manager)
    assert journey(city_b).current_stage.number == 1
    _finish(city_b, "community-call", user=network_manager)  # instead of the introductory meeting
    state = journey(city_b)
    assert state.stages[0].complete
    assert state.current_stage.number == 2
    assert state.completed_stages == 1


@pytest.mark.django_db
def test_not_applicable_counts_as_finished_and_stages_complete_in_order(city_b, journey, network_manager):
    _finish(city_b, "express-interest", "introductory-meeting", user=network_manager)
    _finish(city_b, "needs-assessment", user=network_manager, status=StepStatus.NOT_APPLICABLE)
    _finish(city_b, "set-objectives", "platform-setup", "learning-opportunities", "active-promotion",
            user=network_manager)
    state = journey(city_b)
    assert state.current_stage.number == 4
    _finish(city_b, "core-team", "stakeholders", "continuous-improvement", "network-participation",
            "scale-and-expand", user=network_manager)
    summary = api.refresh_summary(city_b)
    assert summary.journey_complete and summary.completed_stages == 5
    assert (summary.steps_done, summary.steps_total, summary.percent) == (12, 12, 100)


@pytest.mark.django_db
def test_a_later_stage_done_early_does_not_skip_an_unfinished_one(city_b, journey, network_manager):
    _finish(city_b, "core-team", "stakeholders", user=network_manager)
    state = journey(city_b)
    assert state.current_stage.number == 1
    assert state.completed_stages == 0
    assert state.stages[3].complete


@pytest.mark.django_db
def test_every_change_is_kept_in_history(city_b, network_manager):
    api.update_step(city_b, "needs-assessment", user=network_manager, status=StepStatus.IN_PROGRESS,
                    evidence_note="Survey started")
    api.update_step(city_b, "needs-assessment", user=network_manager, status=StepStatus.DONE,
                    evidence_url="https://beta.example/needs.pdf")
    rows = list(api.history(city_b, "needs-assessment"))
    assert [(r.status, r.source, r.changed_by) for r in rows] == [
        ("done", "person", network_manager), ("in_progress", "person", network_manager)]
    assert rows[0].evidence_note == "Survey started"  # untouched fields are kept
    assert rows[0].evidence_url == "https://beta.example/needs.pdf"


@pytest.mark.django_db
def test_bad_updates_say_what_is_wrong_and_change_nothing(city_b, network_manager):
    with pytest.raises(ValidationError, match="'finished' is not a step status"):
        api.update_step(city_b, "needs-assessment", user=network_manager, status="finished")
    with pytest.raises(ValidationError, match="There is no onboarding step 'nap'"):
        api.update_step(city_b, "nap", user=network_manager, status="done")
    with pytest.raises(ValidationError, match="is not a valid link"):
        api.update_step(city_b, "needs-assessment", user=network_manager, evidence_url="not a link")
    with pytest.raises(ValidationError, match="say why you set it by hand"):
        api.update_step(city_b, "core-team", user=network_manager, status="done")
    assert not StepProgressHistory.objects.exists()


@pytest.mark.django_db
def test_summary_is_stored_for_lists_and_filters(city_a, city_b, network_manager):
    _finish(city_b, "express-interest", "introductory-meeting", user=network_manager)
    summary = CityOnboarding.objects.get(city=city_b)
    assert summary.current_stage.number == 2
    assert summary.steps_done == 2
