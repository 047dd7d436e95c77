"""
Operations on a city's onboarding: read the journey, change a step, apply detections, let recurring steps
fall due, and keep the city's stored summary (current stage, counts) in step with its progress.

Views, the API, the admin, detectors and tasks call these functions; none of them writes progress rows
directly, so every change leaves a history row and a fresh summary.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..tenancy.models import City
from .models import (
    FINISHED_STATUSES,
    CityOnboarding,
    CityStepProgress,
    OnboardingStage,
    OnboardingStep,
    ProgressSource,
    StepProgressHistory,
    StepStatus,
)

log = logging.getLogger(__name__)


@dataclass
class StepState:
    """A step of the journey with one city's progress on it."""

    step: OnboardingStep
    progress: CityStepProgress

    @property
    def satisfied(self) -> bool:
        """Finished, and (for a recurring step) not yet due again."""
        return self.progress.status in FINISHED_STATUSES and not self.progress.is_due


@dataclass
class StageState:
    """A stage with its steps; complete when each requirement (a step or a group of alternatives) holds."""

    stage: OnboardingStage
    steps: list[StepState] = field(default_factory=list)

    def requirements(self) -> list[list[StepState]]:
        """The steps grouped so that alternatives form one requirement."""
        groups: dict[int, list[StepState]] = {}
        for state in self.steps:
            root = state.step.alternative_to_id or state.step.pk
            groups.setdefault(root, []).append(state)
        return list(groups.values())

    @property
    def requirements_met(self) -> int:
        return sum(any(s.satisfied for s in group) for group in self.requirements())

    @property
    def complete(self) -> bool:
        return self.requirements_met == len(self.requirements())


@dataclass
class Journey:
    """A city's whole journey: the stages in order, the current stage and the counts."""

    city: City
    stages: list[StageState]

    @property
    def current_stage(self) -> OnboardingStage | None:
        """The first stage not yet complete; the last stage once every stage is complete."""
        for state in self.stages:
            if not state.complete:
                return state.stage
        return self.stages[-1].stage if self.stages else None

    @property
    def completed_stages(self) -> int:
        """Stages complete in a row from the first."""
        count = 0
        for state in self.stages:
            if not state.complete:
                break
            count += 1
        return count

    @property
    def requirements_met(self) -> int:
        return sum(state.requirements_met for state in self.stages)

    @property
    def requirements_total(self) -> int:
        return sum(len(state.requirements()) for state in self.stages)

    def step(self, key: str) -> StepState | None:
        for stage in self.stages:
            for state in stage.steps:
                if state.step.key == key:
                    return state
        return None


def active_steps():
    """The catalogue's active steps, in journey order."""
    return OnboardingStep.objects.filter(active=True).select_related("stage", "alternative_to").order_by(
        "stage__number", "order", "pk"
    )


def ensure_progress(city: City) -> None:
    """Create the city's missing progress rows (one per active step), in one insert."""
    existing = set(CityStepProgress.objects.filter(city=city).values_list("step_id", flat=True))
    missing = [CityStepProgress(city=city, step=step) for step in active_steps() if step.pk not in existing]
    if missing:
        CityStepProgress.objects.bulk_create(missing, ignore_conflicts=True)


def get_journey(city: City) -> Journey:
    """The city's journey, read in two queries once its progress rows exist."""
    ensure_progress(city)
    steps = list(active_steps())
    progress = {
        p.step_id: p
        for p in CityStepProgress.objects.filter(city=city, step__in=steps).select_related("updated_by", "step")
    }
    stages: dict[int, StageState] = {}
    for step in steps:
        stage_state = stages.setdefault(step.stage_id, StageState(stage=step.stage))
        stage_state.steps.append(StepState(step=step, progress=progress[step.pk]))
    return Journey(city=city, stages=sorted(stages.values(), key=lambda s: s.stage.number))


def _record(progress: CityStepProgress, source: str, user=None, reason: str = "") -> None:
    progress.updated_at = timezone.now()
    progress.updated_by = user
    progress.save()
    StepProgressHistory.objects.create(
        progress=progress, status=progress.status, evidence_note=progress.evidence_note,
        evidence_url=progress.evidence_url, source=source, reason=reason, detection=progress.detection,
        changed_by=user, changed_at=progress.updated_at,
    )


def _get_step(key: str) -> OnboardingStep:
    try:
        return OnboardingStep.objects.select_related("stage").get(key=key, active=True)
    except OnboardingStep.DoesNotExist as exc:
        raise ValidationError(_("There is no onboarding step '%(key)s'.") % {"key": key}) from exc


_UNSET = object()


def update_step(  # noqa: PLR0913 - each argument is one field a person may change
    city: City,
    step_key: str,
    *,
    user,
    status: str | None = None,
    evidence_note=_UNSET,
    evidence_url=_UNSET,
    reason: str = "",
    override: bool | None = None,
) -> CityStepProgress:
    """
    A person changes a step: its status, its evidence, or the override of a detected step.

    Changing the status of a step that a detector completes is an override, and needs a reason; the detector
    then leaves the step alone until ``override=False`` lifts it (after which detection runs again).
    """
    step = _get_step(step_key)
    reason = (reason or "").strip()
    if status is not None and status not in StepStatus.values:
        raise ValidationError(_("'%(value)s' is not a step status; use one of: %(choices)s.")
                              % {"value": status, "choices": ", ".join(StepStatus.values)})
    if evidence_url is not _UNSET and evidence_url:
        # The validator fills in %(value)s itself.
        URLValidator(message=_("'%(value)s' is not a valid link (it should start with https://)."))(evidence_url)
    ensure_progress(city)
    with transaction.atomic():
        progress = CityStepProgress.objects.select_for_update().get(city=city, step=step)
        status_changes = status is not None and status != progress.status
        if step.detector and status_changes and override is not False:
            if not reason:
                raise ValidationError(
                    _("'%(step)s' is detected from the city's data; say why you set it by hand (a reason).")
                    % {"step": step.shown_title}
                )
            progress.overridden = True
            progress.override_reason = reason
        if override is True and not progress.overridden:
            if not reason:
                raise ValidationError(_("Say why you override this step (a reason)."))
            progress.overridden, progress.override_reason = True, reason
        lifted = override is False and progress.overridden
        if lifted:
            progress.overridden, progress.override_reason = False, ""
        if status_changes:
            progress.status = status
            progress.completed_at = timezone.now() if status == StepStatus.DONE else None
            if status != StepStatus.DONE:
                progress.detection = None
        if evidence_note is not _UNSET:
            progress.evidence_note = evidence_note or ""
        if evidence_url is not _UNSET:
            progress.evidence_url = evidence_url or ""
        _record(progress, ProgressSource.PERSON, user=user, reason=reason)
        refresh_summary(city)
    if lifted:
        from .detectors import evaluate_city  # pylint: disable=import-outside-toplevel

        evaluate_city(city)
        progress.refresh_from_db()
    return progress


def record_detection(city: City, step: OnboardingStep, detection: dict) -> bool:
    """
    A detector found the data that completes ``step``; mark it done unless a person overrode it or it is
    already satisfied. Returns True when the step changed.
    """
    with transaction.atomic():
        progress, _created = CityStepProgress.objects.select_for_update().get_or_create(city=city, step=step)
        if progress.overridden:
            return False
        if progress.status == StepStatus.DONE and not progress.is_due:
            return False
        progress.status = StepStatus.DONE
        progress.completed_at = timezone.now()
        progress.detection = detection
        _record(progress, ProgressSource.DETECTOR, reason=detection.get("summary", ""))
    return True


def record_join_request(city: City, note: str) -> None:
    """The express-interest form completes the first step with the applicant's introduction as evidence."""
    step = _get_step("express-interest")
    ensure_progress(city)
    with transaction.atomic():
        progress = CityStepProgress.objects.select_for_update().get(city=city, step=step)
        progress.status = StepStatus.DONE
        progress.completed_at = timezone.now()
        progress.evidence_note = note
        _record(progress, ProgressSource.JOIN_FORM, reason="Sent through the express-interest form.")
        refresh_summary(city)


def fall_due(now: datetime.datetime | None = None) -> int:
    """
    Recurring steps whose period has passed are due again: back to "not started", with a history row saying
    when they were last done. Returns how many steps fell due.
    """
    now = now or timezone.now()
    count = 0
    candidates = CityStepProgress.objects.filter(
        status=StepStatus.DONE, step__recurrence_days__isnull=False, completed_at__isnull=False
    ).select_related("step", "city")
    for progress in candidates:
        due_at = progress.due_at
        if due_at is None or due_at > now:
            continue
        with transaction.atomic():
            last_done = progress.completed_at.date().isoformat()
            progress.status = StepStatus.NOT_STARTED
            progress.overridden, progress.override_reason = False, ""
            progress.detection = None
            _record(
                progress, ProgressSource.RECURRENCE,
                reason=f"Last done on {last_done}; due again every {progress.step.recurrence_days} days.",
            )
            refresh_summary(progress.city)
        count += 1
    return count


def refresh_summary(city: City) -> CityOnboarding:
    """
    Recompute and store the city's current stage and counts. When the city reaches a new stage, the city's
    admins and the network managers are told once the transaction commits.
    """
    with transaction.atomic():
        return _refresh_summary(city)


def _refresh_summary(city: City) -> CityOnboarding:
    journey = get_journey(city)
    summary, _created = CityOnboarding.objects.select_for_update().get_or_create(city=city)
    previous_number = summary.current_stage.number if summary.current_stage_id else None
    previous_completed = summary.completed_stages
    summary.current_stage = journey.current_stage
    summary.completed_stages = journey.completed_stages
    summary.steps_done = journey.requirements_met
    summary.steps_total = journey.requirements_total
    summary.journey_complete = journey.completed_stages == len(journey.stages) and bool(journey.stages)
    summary.save()
    if previous_number is not None and summary.completed_stages > previous_completed:
        from . import notifications  # pylint: disable=import-outside-toplevel

        stage_id, city_id = summary.current_stage_id, city.pk
        completed = summary.completed_stages
        transaction.on_commit(lambda: notifications.stage_reached(city_id, stage_id, completed))
    return summary


def history(city: City, step_key: str):
    """A step's history for a city, newest first."""
    return StepProgressHistory.objects.filter(progress__city=city, progress__step__key=step_key).select_related(
        "changed_by"
    )
