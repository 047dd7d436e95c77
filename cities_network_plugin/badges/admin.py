"""
Django admin for badges, scoped by city: classes (with their requirement groups as JSON, checked by
``badges.api``, and an image upload checked like the API's), awards (revocation with a reason), learners'
progress, and the event inbox for network managers.
"""
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import json_depth
from ..tenancy import permissions
from ..tenancy.admin_mixins import CityScopedAdminMixin, NetworkManagersOnlyAdminMixin
from . import api, engine
from .models import Award, BadgeClass, BadgeProgress, LearnerEvent
from .pipeline import process_event


class BadgeClassForm(forms.ModelForm):
    """Adds the requirement groups (as JSON) and the image upload to the class's own fields."""

    groups_json = forms.CharField(
        label=gettext_lazy("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=gettext_lazy(
            'Groups of requirements, e.g. [{"min_required": 1, "requirements": [{"kind": "course_passed", '
            '"target": "course-v1:Org+Course+Run"}]}]. Every group must hold; a group holds when at least '
            "min_required of its requirements hold. Kinds: course_passed, certificate_earned, "
            "opportunity_attended, playlist_completed, badge_earned, manual."))
    image_upload = forms.FileField(label=gettext_lazy("Image"), required=False,
                                   help_text=gettext_lazy("PNG or SVG, square, at least 90 pixels, at most 256 KiB."))

    class Meta:
        model = BadgeClass
        fields = ["issuer_city", "name", "description", "criteria_narrative", "alignments", "tags", "expiry_rule",
                  "expires_on", "expires_after_days", "status", "allow_reearning", "revoke_when_certificate_revoked",
                  "revoke_when_passing_lost"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["groups_json"].initial = json.dumps(api.requirements_data(self.instance), indent=2)

    def clean_groups_json(self):
        text = self.cleaned_data.get("groups_json", "").strip()
        if not text:
            return None
        try:
            return json_depth.loads(text)
        except json_depth.TooDeepError as exc:
            raise ValidationError(exc.message()) from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(_("This is not valid JSON: %(error)s (line %(line)d).")
                                  % {"error": exc.msg, "line": exc.lineno}) from exc

    def clean(self):
        cleaned = super().clean()
        if "issuer_city" in self.errors:
            return cleaned
        issuer, groups, instance = cleaned.get("issuer_city"), cleaned.get("groups_json"), self.instance
        try:
            api.check_issuer(instance, issuer)  # a held class keeps its issuer (its awards name it)
        except ValidationError as exc:
            self.add_error("issuer_city", exc.message_dict["issuer_city"])
            return cleaned
        current = api.requirements_data(instance) if instance.pk else None
        if groups is not None and groups == current:
            cleaned["groups_json"] = groups = None  # unchanged: nothing to write (a held class keeps its own)
        # The domain's rule, for the issuer chosen on this form, before anything is saved (badges.targets).
        try:
            if groups is not None:
                api.check_requirements(instance, groups, issuer)
            elif current and getattr(issuer, "pk", None) != instance.issuer_city_id:
                api.clean_requirements(current, issuer, instance)  # kept ones must suit a new issuer too
        except ValidationError as exc:
            self.add_error("groups_json", exc.message_dict.get("groups") or exc.messages)
        return cleaned

    def clean_image_upload(self):
        upload = self.cleaned_data.get("image_upload")
        if upload:
            from .images import validate_badge_image  # pylint: disable=import-outside-toplevel

            return validate_badge_image(upload.read(), filename=upload.name, declared_type=upload.content_type or "")
        return None


@admin.register(BadgeClass)
class BadgeClassAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Badge classes of the user's cities (network classes: network managers)."""

    form = BadgeClassForm
    city_field = "issuer_city"
    list_display = ["name", "issuer_city", "status", "version", "award_count"]
    list_filter = ["status", "issuer_city"]
    search_fields = ["name", "description"]
    readonly_fields = ["uuid", "version", "previous_version", "image_type", "created", "modified", "created_by"]

    def get_queryset(self, request):
        queryset = BadgeClass.objects.select_related("issuer_city")
        if permissions.is_network_manager(request.user):
            return queryset
        return queryset.filter(issuer_city__in=permissions.city_ids_for(request.user))

    @admin.display(description=gettext_lazy("awards"))
    def award_count(self, obj):
        return obj.awards.count()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        image = form.cleaned_data.get("image_upload")
        if image is not None:
            obj.image, obj.image_type, obj.image_width = image.data, image.content_type, image.width
        super().save_model(request, obj, form, change)
        groups = form.cleaned_data.get("groups_json")
        if groups is not None:
            try:
                api.set_requirements(obj, groups)
            except ValidationError as exc:
                self.message_user(request, _("Requirements not saved: %(problems)s")
                                  % {"problems": " ".join(exc.messages)}, messages.ERROR)


class AwardForm(forms.ModelForm):
    """Revoking is done by giving a reason."""

    revoke_with_reason = forms.CharField(
        label=gettext_lazy("Revoke with reason"), required=False, max_length=500,
        help_text=gettext_lazy("To revoke this badge, say why; learners and verifiers see it."))

    class Meta:
        model = Award
        fields = []


@admin.register(Award)
class AwardAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Awards of the user's cities' badges; revoke one by giving a reason."""

    form = AwardForm
    city_field = "badge_class__issuer_city"
    write_action = permissions.ADMINISTER
    list_display = ["badge_class", "user", "issued_at", "expires_at", "revoked"]
    list_filter = ["revoked", "badge_class"]
    search_fields = ["user__username", "badge_class__name", "uuid"]
    list_select_related = ["badge_class", "user"]
    readonly_fields = ["uuid", "badge_class", "user", "attempt", "issued_at", "expires_at", "revoked", "revoked_at",
                       "revocation_reason", "evidence", "awarded_by"]
    fields = readonly_fields + ["revoke_with_reason"]

    def has_add_permission(self, request, *args):
        return False  # awards come from the engine or a manual award with evidence

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: a deleted award would vanish from revocation lists

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("revoke_with_reason", "").strip()
        if reason:
            engine.revoke(obj, reason, by=request.user)


class HeldFilter(admin.SimpleListFilter):
    """Progress towards badges still under way, or rows of badges the learner now holds (kept from before)."""

    title = gettext_lazy("badge")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("no", gettext_lazy("Still pursued")), ("yes", gettext_lazy("Held by the learner"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(held=self.value() == "yes")
        return queryset


@admin.register(BadgeProgress)
class BadgeProgressAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """
    Learners' progress towards badges (computed; read only). Progress is kept for badges under way: the row of a
    badge the learner has since earned is the one from before, so the list says which badges are held.
    """

    city_field = "badge_class__issuer_city"
    list_display = ["user", "badge_class", "groups_met", "groups_total", "badge_held", "updated_at"]
    list_filter = [HeldFilter]
    list_select_related = ["user", "badge_class"]
    readonly_fields = ["user", "badge_class", "groups_met", "groups_total", "requirements_met", "requirements_total",
                       "detail", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(held=Exists(engine.valid_awards().filter(
            user=OuterRef("user"), badge_class=OuterRef("badge_class"))))

    @admin.display(boolean=True, description=gettext_lazy("Badge held"), ordering="held")
    def badge_held(self, obj) -> bool:
        return obj.held

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(description=gettext_lazy("Process the selected events again"))
def process_again(modeladmin, request, queryset):
    states = [process_event(pk) for pk in queryset.values_list("pk", flat=True)]
    modeladmin.message_user(request, ngettext(
        "Processed %(count)d events: %(done)d done, %(failed)d failed.",
        "Processed %(count)d events: %(done)d done, %(failed)d failed.", len(states),
    ) % {"count": len(states), "done": states.count("processed"), "failed": states.count("failed")})


@admin.register(LearnerEvent)
class LearnerEventAdmin(NetworkManagersOnlyAdminMixin, admin.ModelAdmin):
    """The inbox of learning events, with each failure's error (network managers)."""

    list_display = ["event_type", "user", "target", "state", "attempts", "received_at", "processed_at"]
    list_filter = ["state", "event_type"]
    search_fields = ["event_id", "target", "user__username"]
    readonly_fields = [f.name for f in LearnerEvent._meta.fields]
    actions = [process_again]

    def has_add_permission(self, request, *args):
        return False
