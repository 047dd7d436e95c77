"""
Forms of a badge class: its fields, its requirement groups and its image.

Requirements are edited as rows — (group, kind, target) — with one small form per group for its name and how
many of its requirements must hold. Targets are picked from what the city has (courses, opportunities,
playlists, badges), or a course key is typed; a row whose target does not fit its kind is marked on the row.
The rows become the ``groups`` list that ``badges.api.set_requirements`` takes.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from .. import columns
from ..badges.models import BadgeClass, ExpiryRule, RequirementGroup, RequirementKind
from .forms import ConsoleForm

COURSE_KINDS = (RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED)
TARGET_GROUP_OF_KIND = {
    RequirementKind.COURSE_PASSED: "course",
    RequirementKind.CERTIFICATE_EARNED: "course",
    RequirementKind.OPPORTUNITY_ATTENDED: "opportunity",
    RequirementKind.PLAYLIST_COMPLETED: "playlist",
    RequirementKind.BADGE_EARNED: "badge",
}
TARGET_NEEDED = {
    "course": _("Choose a course, or type its course key."),
    "opportunity": _("Choose the opportunity to attend."),
    "playlist": _("Choose the playlist to complete."),
    "badge": _("Choose the badge to hold."),
}


def alignments_text(alignments) -> str:
    return "\n".join(f"{a.get('targetName', '')} | {a.get('targetUrl', '')}" for a in alignments or []
                     if isinstance(a, dict))


def parse_alignments(text: str) -> list[dict]:
    """Lines of ``skill name | URL``; ESCO URLs are marked as the ESCO framework."""
    alignments = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, bar, url = line.rpartition("|")
        if not bar or not name.strip() or not url.strip():
            raise ValidationError(_("Line %(number)d: write the skill as “name | URL”."), params={"number": number})
        alignment = {"targetName": name.strip(), "targetUrl": url.strip()}
        if "data.europa.eu/esco/" in alignment["targetUrl"]:
            alignment["targetFramework"] = "ESCO"
        alignments.append(alignment)
    return alignments


class BadgeClassForm(ConsoleForm):
    """A badge class's own fields (its status changes with the Activate and Archive buttons)."""

    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    criteria_narrative = forms.CharField(label=_("Criteria"), widget=forms.Textarea(attrs={"rows": 3}),
                                         help_text=_("What a learner does to earn the badge, in plain words."))
    expiry_rule = forms.ChoiceField(label=_("Expiry"), choices=ExpiryRule.choices, initial=ExpiryRule.NONE)
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=_("For “On a fixed date”."))
    expires_after_days = columns.integer_field(BadgeClass, "expires_after_days", label=_("Expires after (days)"),
                                               required=False, min_value=1,
                                               help_text=_("For “A number of days after the award”."))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500,
                           help_text=_("Separated by commas."))
    alignments = forms.CharField(label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("One skill a line: “name | URL”, e.g. the skill's ESCO URI."))
    allow_reearning = forms.BooleanField(label=_("May be earned again after it was revoked or expired"),
                                         required=False)
    revoke_when_certificate_revoked = forms.BooleanField(
        label=_("Revoke when the course certificate is revoked"), required=False, initial=True)
    revoke_when_passing_lost = forms.BooleanField(
        label=_("Revoke when the learner no longer passes the course"), required=False)

    def clean_tags(self):
        return [tag.strip() for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]

    def clean_alignments(self):
        return parse_alignments(self.cleaned_data.get("alignments", ""))

    @staticmethod
    def initial_for(badge_class: BadgeClass) -> dict:
        names = ("name", "description", "criteria_narrative", "expiry_rule", "expires_on", "expires_after_days",
                 "allow_reearning", "revoke_when_certificate_revoked", "revoke_when_passing_lost")
        initial = {name: getattr(badge_class, name) for name in names}
        initial["tags"] = ", ".join(str(t) for t in badge_class.tags or [])
        initial["alignments"] = alignments_text(badge_class.alignments)
        return initial


class GroupForm(ConsoleForm):
    """A requirement group: its name and how many of its requirements must hold."""

    name = forms.CharField(label=_("Name of the group"), required=False, max_length=255)
    min_required = columns.integer_field(RequirementGroup, "min_required", label=_("Requirements that must hold"),
                                         min_value=1, initial=1)


class RequirementForm(ConsoleForm):
    """One requirement: its group, its kind and its target."""

    group = forms.TypedChoiceField(label=_("Group"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("— none (leave the row empty) —")), *RequirementKind.choices])
    target = forms.ChoiceField(label=_("Target"), required=False, choices=())
    course_key = forms.CharField(label=_("or course key"), required=False, max_length=255,
                                 widget=forms.TextInput(attrs={"placeholder": "course-v1:Org+Course+Run"}))

    def __init__(self, *args, targets=None, group_count: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets or {}
        self.fields["group"].choices = [(n, _("Group %(number)d") % {"number": n})
                                        for n in range(1, group_count + 1)]
        choices = [("", _("— choose —"))]
        labels = {"course": _("Courses"), "opportunity": _("Opportunities"), "playlist": _("Playlists"),
                  "badge": _("Badges"), "other": _("Current target")}
        for name, options in self.targets.items():
            if options:
                choices.append((labels[name], options))
        current = self.initial.get("target")
        if current and not any(current == value for options in self.targets.values() for value, _l in options):
            choices.append((labels["other"], [(current, current)]))
        self.fields["target"].choices = choices

    def group_of(self, value: str) -> str | None:
        for name, options in self.targets.items():
            if any(value == option for option, _label in options):
                return name
        return None

    def clean(self):
        cleaned = super().clean()
        kind, target = cleaned.get("kind"), cleaned.get("target", "")
        course_key = cleaned.get("course_key", "").strip()
        if not kind:
            if target or course_key:
                self.add_error("kind", _("Choose the kind of requirement, or clear the row."))
            return cleaned
        if kind == RequirementKind.MANUAL:
            cleaned["resolved_target"] = ""
            return cleaned
        wanted = TARGET_GROUP_OF_KIND[kind]
        if kind in COURSE_KINDS and course_key:
            try:
                cleaned["resolved_target"] = str(CourseKey.from_string(course_key))
            except InvalidKeyError:
                self.add_error("course_key", _("This is not a course key (e.g. course-v1:Org+Course+Run)."))
            return cleaned
        found = self.group_of(target) if target else None
        if not target or (found is not None and found != wanted):
            self.add_error("target", TARGET_NEEDED[wanted])
            return cleaned
        cleaned["resolved_target"] = target
        return cleaned

    @property
    def is_filled(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("kind"))


GroupFormSet = forms.formset_factory(GroupForm, extra=1)
RequirementFormSet = forms.formset_factory(RequirementForm, extra=3)


class BadgeImageForm(ConsoleForm):
    """The class's image."""

    image = forms.FileField(label=_("Image"), help_text=_("PNG or SVG, square, at most 256 KiB."))

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is far larger than 256 KiB."))
        return upload


def groups_from(group_forms, requirement_forms) -> list[dict]:
    """
    The ``groups`` list for ``set_requirements`` from valid formsets: rows in their groups, groups without rows
    left out. A group asking for more requirements than it has is marked on its form.
    """
    rows: dict[int, list[dict]] = {}
    for form in requirement_forms:
        if form.is_filled:
            rows.setdefault(form.cleaned_data["group"], []).append(
                {"kind": form.cleaned_data["kind"], "target": form.cleaned_data.get("resolved_target", "")})
    groups = []
    for number, form in enumerate(group_forms, start=1):
        requirements = rows.get(number, [])
        if not requirements:
            continue
        min_required = form.cleaned_data.get("min_required") or 1
        if min_required > len(requirements):
            # The English text is the same for one requirement; the Lithuanian one is not.
            message = ngettext("The group has %(count)d requirement(s); ask for at most that many.",
                               "The group has %(count)d requirement(s); ask for at most that many.", len(requirements))
            form.add_error("min_required", message % {"count": len(requirements)})
        groups.append({"name": form.cleaned_data.get("name", ""), "min_required": min_required,
                       "requirements": requirements})
    return groups
