"""
Django admin for onboarding: every city's stage and progress at a glance, each city's steps with their
history, the editable catalogue, and the records the steps are judged on. Scoped by city like all admin pages.
"""
from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..tenancy import permissions
from ..tenancy.admin_mixins import BoundedNumbersMixin, CityScopedAdminMixin, NetworkManagersOnlyAdminMixin
from . import api
from .models import (
    CityOnboarding,
    CityStepProgress,
    CommunityCall,
    CommunityCallAttendance,
    ImpactReview,
    IntroductoryMeeting,
    OnboardingStage,
    OnboardingStep,
    Stakeholder,
    StepProgressHistory,
)


def progress_bar(percent: int, label: str):
    """A small accessible bar: the width shows the share, the text says it."""
    return format_html(
        '<div role="progressbar" aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100" title="{}" '
        'style="width:10rem;background:#e3e6e8;border-radius:3px;">'
        '<div style="width:{}%;background:#1e7b34;color:#fff;font-size:11px;padding:1px 4px;border-radius:3px;'
        'white-space:nowrap;min-width:2.5rem;">{}</div></div>',
        percent, label, percent, label,
    )


@admin.register(CityOnboarding)
class CityOnboardingAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Every city's stage and progress at a glance (read-only: progress changes step by step)."""

    list_display = ["city", "country", "city_status", "stage", "progress", "journey_complete", "updated_at"]
    list_filter = ["current_stage", "city__country", "city__status", "journey_complete"]
    list_select_related = ["city", "current_stage"]
    search_fields = ["city__name", "city__slug"]
    ordering = ["-completed_stages", "-steps_done", "city__name"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("country"), ordering="city__country")
    def country(self, obj):
        return obj.city.country

    @admin.display(description=gettext_lazy("city status"), ordering="city__status")
    def city_status(self, obj):
        return obj.city.get_status_display()

    @admin.display(description=gettext_lazy("current stage"), ordering="completed_stages")
    def stage(self, obj):
        return str(obj.current_stage) if obj.current_stage_id else "—"

    @admin.display(description=gettext_lazy("progress"), ordering="steps_done")
    def progress(self, obj):
        return progress_bar(obj.percent, f"{obj.steps_done}/{obj.steps_total}")


class HistoryInline(admin.TabularInline):
    """The step's changes, newest first."""

    model = StepProgressHistory
    extra = 0
    can_delete = False
    fields = ["changed_at", "status", "source", "reason", "changed_by", "evidence_note", "evidence_url"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StepProgressForm(forms.ModelForm):
    """Asks for a reason before a person overrides what a detector decides."""

    class Meta:
        model = CityStepProgress
        fields = ["status", "evidence_note", "evidence_url", "override_reason"]

    def clean(self):
        data = super().clean()
        step = self.instance.step
        if step.detector and "status" in self.changed_data and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("'%(step)s' is detected from the city's data; say why you set its "
                                                "status by hand.") % {"step": step.shown_title})
        return data


@admin.register(CityStepProgress)
class CityStepProgressAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """A city's steps. Saving here goes through ``onboarding.api.update_step`` so history and overrides hold."""

    write_action = permissions.ADMINISTER
    list_display = ["city", "step", "status", "overridden", "completed_at", "updated_by"]
    list_filter = ["status", "step__stage", "overridden", "city"]
    list_select_related = ["city", "step", "updated_by"]
    search_fields = ["city__name", "step__title"]
    fields = ["city", "step", "status", "evidence_note", "evidence_url", "override_reason", "overridden",
              "detection", "completed_at", "updated_at", "updated_by"]
    readonly_fields = ["city", "step", "overridden", "detection", "completed_at", "updated_at", "updated_by"]
    inlines = [HistoryInline]
    form = StepProgressForm

    def has_add_permission(self, request, *args):
        return False  # progress rows exist for every city and step

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        kwargs = {}
        if "status" in changed:
            kwargs["status"] = form.cleaned_data["status"]
        if "evidence_note" in changed:
            kwargs["evidence_note"] = form.cleaned_data["evidence_note"]
        if "evidence_url" in changed:
            kwargs["evidence_url"] = form.cleaned_data["evidence_url"]
        reason = form.cleaned_data.get("override_reason", "")
        # The form's instance already holds the new values; reload so the api sees the stored state.
        obj.refresh_from_db()
        api.update_step(obj.city, obj.step.key, user=request.user, reason=reason, **kwargs)



@admin.register(OnboardingStage)
class OnboardingStageAdmin(NetworkManagersOnlyAdminMixin, admin.ModelAdmin):
    """The stages of the journey (network managers edit the catalogue)."""

    list_display = ["number", "title", "key"]


@admin.register(OnboardingStep)
class OnboardingStepAdmin(NetworkManagersOnlyAdminMixin, admin.ModelAdmin):
    """The steps of the journey: texts, evidence, alternatives, recurrence and detectors."""

    list_display = ["title", "key", "stage", "order", "alternative_to", "recurrence_days", "detector", "active"]
    list_filter = ["stage", "active"]
    list_editable = ["order", "active"]
    readonly_fields = ["key"]


@admin.register(Stakeholder)
class StakeholderAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """The organisations each city works with."""

    list_display = ["name", "city", "kind", "engagement", "contact_name"]
    list_filter = ["kind", "engagement", "city"]
    search_fields = ["name", "contact_name", "contact_email"]


class AttendanceInline(BoundedNumbersMixin, admin.TabularInline):
    """The cities that attended the call."""

    model = CommunityCallAttendance
    extra = 1


@admin.register(CommunityCall)
class CommunityCallAdmin(NetworkManagersOnlyAdminMixin, admin.ModelAdmin):
    """Network community calls and the cities that attended (network managers)."""

    list_display = ["title", "held_on", "attendance"]
    date_hierarchy = "held_on"
    inlines = [AttendanceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("attendees")

    @admin.display(description=gettext_lazy("cities"))
    def attendance(self, obj):
        return ", ".join(city.name for city in obj.attendees.all()) or "—"


@admin.register(IntroductoryMeeting)
class IntroductoryMeetingAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Introductory meetings between a city and the network."""

    list_display = ["city", "held_on", "network_representative"]
    list_filter = ["city"]


@admin.register(ImpactReview)
class ImpactReviewAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Periodic impact reviews of each city."""

    list_display = ["city", "reviewed_on", "learners_reached"]
    list_filter = ["city"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
