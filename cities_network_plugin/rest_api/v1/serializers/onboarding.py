"""Serializers of the onboarding endpoints: the journey, step updates and the records steps rely on."""
from django.utils.translation import gettext as _
from rest_framework import serializers

from ....onboarding.models import (
    CommunityCall,
    ImpactReview,
    IntroductoryMeeting,
    Stakeholder,
    StepProgressHistory,
    StepStatus,
)
from .base import ModelSerializer, UriField


def _user_label(user) -> str | None:
    return user.username if user is not None else None


def step_data(state) -> dict:
    """One step of a journey (``onboarding.api.StepState``) as the API shows it."""
    step, progress = state.step, state.progress
    detection = progress.detection or None
    return {
        "key": step.key,
        "title": step.title,
        "description": step.description,
        "evidence_expected": step.evidence_expected,
        "status": progress.status,
        "satisfied": state.satisfied,
        "evidence": {"note": progress.evidence_note, "url": progress.evidence_url},
        "detector": step.detector or None,
        "detected_by": detection,
        "overridden": progress.overridden,
        "override_reason": progress.override_reason,
        "alternative_to": step.alternative_to.key if step.alternative_to_id else None,
        "recurrence_days": step.recurrence_days,
        "completed_at": progress.completed_at,
        "due_at": progress.due_at,
        "updated_at": progress.updated_at,
        "updated_by": _user_label(progress.updated_by),
    }


def journey_data(journey) -> dict:
    """A city's whole journey (``onboarding.api.Journey``)."""
    current = journey.current_stage
    return {
        "city": journey.city.slug,
        "current_stage": {"key": current.key, "number": current.number, "title": current.title} if current else None,
        "completed_stages": journey.completed_stages,
        "requirements_met": journey.requirements_met,
        "requirements_total": journey.requirements_total,
        "stages": [
            {
                "key": state.stage.key,
                "number": state.stage.number,
                "title": state.stage.title,
                "complete": state.complete,
                "steps": [step_data(step) for step in state.steps],
            }
            for state in journey.stages
        ],
    }


class StepUpdateSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """
    A person's change of one step. Give only what changes. Changing a detected step's status is an override
    and needs a ``reason``; ``override: false`` hands the step back to its detector.
    """

    status = serializers.ChoiceField(choices=StepStatus.choices, required=False)
    evidence_note = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    evidence_url = UriField(required=False, allow_blank=True, max_length=500)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    override = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if not {"status", "evidence_note", "evidence_url", "override"} & set(attrs) or (
            set(attrs) == {"override"} and attrs["override"] is None
        ):
            raise serializers.ValidationError(_("Give at least one of: status, evidence_note, evidence_url, override."))
        return attrs


class HistorySerializer(ModelSerializer):
    """One change of a step."""

    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StepProgressHistory
        fields = ["status", "evidence_note", "evidence_url", "source", "reason", "detection", "changed_at",
                  "changed_by"]


class StakeholderSerializer(ModelSerializer):
    """A stakeholder of the city."""

    class Meta:
        model = Stakeholder
        fields = ["id", "name", "kind", "engagement", "contact_name", "contact_email", "contact_phone", "website",
                  "notes", "created", "modified"]
        read_only_fields = ["id", "created", "modified"]

    def validate_name(self, value):
        city = self.context["city"]
        duplicates = Stakeholder.objects.filter(city=city, name__iexact=value.strip())
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise serializers.ValidationError(_("%(city)s already has a stakeholder named '%(name)s'.")
                                              % {"city": city.name, "name": value})
        return value.strip()


class IntroductoryMeetingSerializer(ModelSerializer):
    """An introductory meeting with the network."""

    class Meta:
        model = IntroductoryMeeting
        fields = ["id", "held_on", "network_representative", "notes"]
        read_only_fields = ["id"]


class ImpactReviewSerializer(ModelSerializer):
    """A periodic impact review."""

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ImpactReview
        fields = ["id", "reviewed_on", "summary", "learners_reached", "report_url", "created_by"]
        read_only_fields = ["id", "created_by"]


class CommunityCallSerializer(ModelSerializer):
    """
    A community call; ``attendees`` are city slugs. Network managers see every attending city, a city's team
    only the attending cities it may see.
    """

    attendees = serializers.SerializerMethodField()
    attendee_slugs = serializers.ListField(
        child=serializers.SlugField(), write_only=True, required=False,
        help_text="Slugs of the cities that attended (replaces the list).",
    )

    class Meta:
        model = CommunityCall
        fields = ["id", "title", "held_on", "agenda", "recording_url", "attendees", "attendee_slugs"]
        read_only_fields = ["id"]

    def get_attendees(self, call) -> list[str]:
        visible = self.context.get("visible_city_ids")
        return sorted(
            a.city.slug for a in call.communitycallattendance_set.all()
            if visible is None or a.city_id in visible
        )


