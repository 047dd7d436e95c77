"""
The joining journey: a catalogue of stages and steps (shipped as data, editable by network managers), each
city's progress on every step with its history, and the records the steps are judged on (stakeholders,
community calls, introductory meetings, impact reviews).
"""
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..tenancy.models import (  # noqa: F401 - stakeholders are the city's, used by the steps here
    ENGAGED_STATUSES,
    City,
    EngagementStatus,
    Stakeholder,
    StakeholderKind,
)


class OnboardingStage(models.Model):
    """
    One of the five stages of the journey, in order.

    .. no_pii:
    """

    key = models.SlugField(max_length=64, unique=True)
    number = models.PositiveSmallIntegerField(unique=True, help_text=_("Position in the journey, from 1."))
    title = models.CharField(max_length=128)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    # The shipped catalogue's texts are in the message catalogues (``catalogue.py`` marks them); a text a network
    # manager has edited is not, and is shown as written.
    @property
    def shown_title(self) -> str:
        return gettext(self.title) if self.title else ""

    @property
    def shown_description(self) -> str:
        return gettext(self.description) if self.description else ""


class OnboardingStep(models.Model):
    """
    A step of a stage: what the city does, what evidence shows it, and how it is completed.

    A step that is an *alternative* to another counts as done when either is done (an introductory meeting or,
    failing that, a community call). A *recurring* step falls due again ``recurrence_days`` after it was last
    done. A step with a *detector* is completed automatically from the city's data.

    .. no_pii:
    """

    key = models.SlugField(max_length=64, unique=True, help_text=_("Stable identifier used by the API."))
    stage = models.ForeignKey(OnboardingStage, on_delete=models.PROTECT, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=128)
    description = models.TextField()
    evidence_expected = models.TextField(help_text=_("What shows that the step is done."))
    alternative_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="alternatives",
        help_text=_("Doing this step instead of that one also completes the requirement."),
    )
    recurrence_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("A recurring step falls due again this many days after it was done."),
    )
    detector = models.CharField(
        max_length=64, blank=True,
        help_text=_("Key of the detector that completes this step from the city's data (empty: manual only)."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["stage__number", "order"]

    def __str__(self) -> str:
        return self.title

    # As for stages: the shipped texts in the page's language, edited ones as written.
    @property
    def shown_title(self) -> str:
        return gettext(self.title) if self.title else ""

    @property
    def shown_description(self) -> str:
        return gettext(self.description) if self.description else ""

    @property
    def shown_evidence_expected(self) -> str:
        return gettext(self.evidence_expected) if self.evidence_expected else ""

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence_days)


class StepStatus(models.TextChoices):
    """A city's standing on one step."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


FINISHED_STATUSES = (StepStatus.DONE, StepStatus.NOT_APPLICABLE)


class CityStepProgress(models.Model):
    """
    Where one city stands on one step, with its evidence.

    ``detection`` holds what completed a detected step (the detector and the data it saw); ``overridden`` means
    a person set the status by hand, with a reason, and detectors leave the step alone until the override is
    lifted.

    .. no_pii: Evidence notes describe the city's work; the user link names who changed it.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="onboarding_progress")
    step = models.ForeignKey(OnboardingStep, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=16, choices=StepStatus.choices, default=StepStatus.NOT_STARTED)
    evidence_note = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True, max_length=500)
    detection = models.JSONField(null=True, blank=True)
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "step"], name="cities_network_one_progress_per_step"),
        ]
        verbose_name_plural = _("city step progress")

    def __str__(self) -> str:
        return f"{self.city} — {self.step}: {self.get_status_display()}"

    @property
    def due_at(self) -> datetime.datetime | None:
        """When a recurring step falls due again."""
        if self.step.recurrence_days and self.completed_at and self.status == StepStatus.DONE:
            return self.completed_at + datetime.timedelta(days=self.step.recurrence_days)
        return None

    @property
    def is_due(self) -> bool:
        due_at = self.due_at
        return due_at is not None and due_at <= timezone.now()


class ProgressSource(models.TextChoices):
    """Who or what changed a step."""

    PERSON = "person", _("A person")
    DETECTOR = "detector", _("Detected from data")
    RECURRENCE = "recurrence", _("Fell due again")
    JOIN_FORM = "join_form", _("Express-interest form")


class StepProgressHistory(models.Model):
    """
    Every change of a city's step, as it was after the change.

    .. no_pii: Evidence notes describe the city's work; the user link names who changed it.
    """

    progress = models.ForeignKey(CityStepProgress, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=16, choices=StepStatus.choices)
    evidence_note = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True, max_length=500)
    source = models.CharField(max_length=16, choices=ProgressSource.choices)
    reason = models.TextField(blank=True)
    detection = models.JSONField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name_plural = _("step progress history")

    def __str__(self) -> str:
        return f"{self.progress.step.key} → {self.status} ({self.source})"


class CityOnboarding(models.Model):
    """
    The city's current stage and counts, derived from its progress and stored so that lists and filters over
    many cities need no per-city computation. Rewritten by ``onboarding.api.refresh_summary``.

    .. no_pii:
    """

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="onboarding")
    current_stage = models.ForeignKey(OnboardingStage, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_stages = models.PositiveSmallIntegerField(default=0)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    journey_complete = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.city}: {self.current_stage}"

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0


class CommunityCall(models.Model):
    """
    A network-wide online meeting where member and prospective cities meet; attendance is recorded per city.

    .. no_pii:
    """

    title = models.CharField(max_length=255)
    held_on = models.DateField()
    agenda = models.TextField(blank=True)
    recording_url = models.URLField(blank=True)
    attendees = models.ManyToManyField(City, through="CommunityCallAttendance", related_name="community_calls")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class CommunityCallAttendance(models.Model):
    """
    A city's attendance at a community call.

    .. no_pii:
    """

    call = models.ForeignKey(CommunityCall, on_delete=models.CASCADE)
    city = models.ForeignKey(City, on_delete=models.CASCADE)
    participants = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "city"], name="cities_network_one_attendance_per_call"),
        ]

    def __str__(self) -> str:
        return f"{self.city} at {self.call}"


class IntroductoryMeeting(models.Model):
    """
    The meeting between a prospective city and a representative of the network's management.

    .. pii: The name of the network representative who held the meeting.
    .. pii_types: name
    .. pii_retirement: retained
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="introductory_meetings")
    held_on = models.DateField()
    network_representative = models.CharField(max_length=128, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.city} introductory meeting ({self.held_on})"


class ImpactReview(models.Model):
    """
    A periodic review of what the city's initiative achieved, and what it changes next.

    .. no_pii:
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="impact_reviews")
    reviewed_on = models.DateField()
    summary = models.TextField()
    learners_reached = models.PositiveIntegerField(null=True, blank=True)
    report_url = models.URLField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on"]

    def __str__(self) -> str:
        return f"{self.city} impact review ({self.reviewed_on})"
