"""
Forms of the console. They check what a browser sends (types, required fields, choices within the city) and
hand plain data to the domain functions, which own the rules; a domain ValidationError comes back onto the
form next to the field it names (``context.apply_errors``).

Every field with an error or help text is tied to it with ``aria-describedby``, so a screen reader announces
the message with the field.
"""
from __future__ import annotations

import django
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import columns
from ..onboarding.models import StepStatus
from ..opportunities.models import Opportunity, OpportunityKind, Playlist, PlaylistItem, PublicationStatus
from ..tenancy import api as tenancy_api
from ..tenancy.models import City, CityRoleName, Stakeholder

# Django 5 asks forms to say which scheme a bare "example.org" gets; Django 4.2 has no such argument.
URL_KWARGS = {"assume_scheme": "https"} if django.VERSION >= (5, 0) else {}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class ConsoleFormMixin:
    """Ties help texts and error messages to their fields for assistive technology."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-help"

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = attrs.get("aria-describedby", "")
                error_id = f"{self[name].auto_id}-error"
                if error_id not in described.split():
                    attrs["aria-describedby"] = f"{error_id} {described}".strip()


class ConsoleForm(ConsoleFormMixin, forms.Form):
    """A plain console form."""


def find_user_field(value: str):
    """The account named by a username or email address, with the domain's message when there is none."""
    try:
        return tenancy_api.find_user(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


# --- Onboarding -----------------------------------------------------------------------------------------------------

class StepForm(ConsoleForm):
    """A step's status and evidence; changing a detected step's status needs a reason."""

    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    evidence_note = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("What shows that the step is done."))
    evidence_url = forms.URLField(label=_("Link to the evidence"), required=False, max_length=500, **URL_KWARGS)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lift_override = forms.BooleanField(
        label=_("Let the data decide again (lift the override)"), required=False)

    def __init__(self, *args, state, **kwargs):
        super().__init__(*args, **kwargs)
        self.state = state
        if state.step.detector:
            self.fields["reason"].help_text = _(
                "This step is detected from the city's data. Setting its status by hand needs a reason.")
            self.fields["reason"].widget.attrs["aria-describedby"] = f"{self['reason'].auto_id}-help"
        if not state.progress.overridden:
            del self.fields["lift_override"]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        changes = status is not None and status != self.state.progress.status
        if (self.state.step.detector and changes and not cleaned.get("lift_override")
                and not cleaned.get("reason", "").strip()):
            self.add_error("reason", _("Say why you set this detected step by hand."))
        return cleaned


# --- Opportunities and playlists ------------------------------------------------------------------------------------

def skills_text(skills) -> str:
    return "\n".join(f"{s.get('label', '')} | {s.get('uri', '')}" for s in skills or [] if isinstance(s, dict))


def parse_skills(text: str) -> list[dict]:
    """Lines of ``label | ESCO URI``."""
    skills = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, bar, uri = line.rpartition("|")
        if not bar or not label.strip() or not uri.strip():
            raise ValidationError(_("Line %(number)d: write the skill as “label | ESCO URI”."),
                                  params={"number": number})
        skills.append({"label": label.strip(), "uri": uri.strip()})
    return skills


class OpportunityForm(ConsoleForm):
    """An off-platform opportunity, or the editable parts of a course-backed one."""

    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in OpportunityKind.choices
                                                        if c[0] != OpportunityKind.COURSE])
    status = forms.ChoiceField(label=_("Status"), choices=PublicationStatus.choices,
                               help_text=_("Learners see published opportunities only."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    start = forms.DateTimeField(label=_("Starts"), required=False, widget=datetime_input())
    end = forms.DateTimeField(label=_("Ends"), required=False, widget=datetime_input())
    online = forms.BooleanField(label=_("Online"), required=False)
    place_name = forms.CharField(label=_("Place"), required=False, max_length=255)
    address = forms.CharField(label=_("Address"), required=False, max_length=500)
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)
    url = forms.URLField(label=_("Link"), required=False, help_text=_("Where learners sign up or read more."),
                         **URL_KWARGS)
    organiser = columns.IdChoiceField(label=_("Organiser"), required=False, queryset=Stakeholder.objects.none(),
                                      help_text=_("One of the city's stakeholders."))
    language = forms.CharField(label=_("Language"), required=False, max_length=16,
                               help_text=_("A language code such as “lt”, “en” or “pt-br”."))
    skills = forms.CharField(label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("One skill a line: “label | ESCO URI”, e.g. "
                                         "“repair bicycles | http://data.europa.eu/esco/skill/…”."))
    cities = columns.IdMultipleChoiceField(
        label=_("Also shown in"), required=False, queryset=City.objects.none(),
        widget=forms.CheckboxSelectMultiple, help_text=_("Other cities you work for that show this opportunity."))

    def __init__(self, *args, city, workable, course_backed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Stakeholder.objects.filter(city=city).order_by("name")
        self.fields["organiser"].label_from_instance = lambda stakeholder: stakeholder.name
        self.fields["cities"].queryset = workable.exclude(pk=city.pk).order_by("name")
        if not self.fields["cities"].queryset.exists():
            del self.fields["cities"]
        if course_backed:
            # The platform owns a course's title, kind and dates.
            for name in ("title", "kind", "start", "end"):
                del self.fields[name]

    def clean_skills(self):
        return parse_skills(self.cleaned_data.get("skills", ""))

    def domain_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key != "cities"}
        for key in ("description", "place_name", "address", "url", "language"):
            if key in data:
                data[key] = data[key] or ""
        return data

    @staticmethod
    def initial_for(opportunity: Opportunity) -> dict:
        fields = ("title", "kind", "status", "description", "start", "end", "online", "place_name", "address",
                  "latitude", "longitude", "url", "organiser", "language")
        initial = {name: getattr(opportunity, name) for name in fields}
        initial["skills"] = skills_text(opportunity.skills)
        initial["cities"] = list(opportunity.cities.all())
        return initial


class PlaylistForm(ConsoleForm):
    """A playlist's own fields; its items come in a formset of ``PlaylistItemForm``."""

    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    min_optional = columns.integer_field(
        Playlist, "min_optional", label=_("Optional items a learner must complete"), min_value=0, initial=0,
        help_text=_("Besides every mandatory item; 0 means the optional items are extras."))
    status = forms.ChoiceField(label=_("Status"), choices=PublicationStatus.choices)


class PlaylistItemForm(ConsoleForm):
    """One row of a playlist: an opportunity of the city, mandatory or not, at a position."""

    opportunity = columns.IdChoiceField(label=_("Opportunity"), required=False, queryset=Opportunity.objects.none())
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)
    order = columns.integer_field(PlaylistItem, "position", label=_("Order"), required=False, min_value=1)

    def __init__(self, *args, opportunities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opportunities is not None:
            self.fields["opportunity"].queryset = opportunities


PlaylistItemFormSet = forms.formset_factory(PlaylistItemForm, extra=3)


# --- Attendance -----------------------------------------------------------------------------------------------------

class AttendanceForm(ConsoleForm):
    """One learner who attended."""

    user = forms.CharField(label=_("Learner"), max_length=254, help_text=_("Username or email address."))

    def clean_user(self):
        return find_user_field(self.cleaned_data["user"])


class AttendanceCsvForm(ConsoleForm):
    """A CSV of learners who attended."""

    file = forms.FileField(label=_("CSV file"), help_text=_(
        "A header line with a “user” column, then one username or email address a line."))
    dry_run = forms.BooleanField(label=_("Only check the file (record nothing)"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 2 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from exc


class ClaimCodeForm(ConsoleForm):
    """The time window of a new claim code."""

    valid_from = forms.DateTimeField(label=_("Valid from"), widget=datetime_input())
    valid_until = forms.DateTimeField(label=_("Valid until"), widget=datetime_input(),
                                      help_text=_("At most 31 days after it opens."))


# --- Team and stakeholders ------------------------------------------------------------------------------------------

class TeamMemberForm(ConsoleForm):
    """A person to add to the team (or whose role changes)."""

    user = forms.CharField(label=_("Person"), max_length=254, help_text=_("Username or email address."))
    role = forms.ChoiceField(label=_("Role"), choices=CityRoleName.choices)

    def clean_user(self):
        return find_user_field(self.cleaned_data["user"])


class StakeholderForm(ConsoleFormMixin, forms.ModelForm):
    """A stakeholder of the city (the city comes from the page, never from the form)."""

    website = forms.URLField(label=_("Website"), required=False, max_length=200, **URL_KWARGS)

    class Meta:
        model = Stakeholder
        fields = ["name", "kind", "engagement", "contact_name", "contact_email", "contact_phone", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        # The model's fields have no translated names of their own (that would need a migration).
        labels = {"name": _("Name"), "kind": _("Kind"), "engagement": _("Engagement"),
                  "contact_name": _("Contact name"), "contact_email": _("Contact email"),
                  "contact_phone": _("Contact phone"), "notes": _("Notes")}

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Stakeholder.objects.filter(city=self.city, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("The city already has a stakeholder called “%(name)s”."), params={"name": name})
        return name


# --- Badges: awards -------------------------------------------------------------------------------------------------

class ManualAwardForm(ConsoleForm):
    """A learner who earned the badge outside the data, and why."""

    user = forms.CharField(label=_("Learner"), max_length=254, help_text=_("Username or email address."))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("What the learner did to earn the badge; it is shown in the badge."))

    def clean_user(self):
        return find_user_field(self.cleaned_data["user"])


class RevokeForm(ConsoleForm):
    """Why an award is revoked (shown to verifiers in the revocation list)."""

    reason = forms.CharField(label=_("Reason"), max_length=500)


# --- Courses --------------------------------------------------------------------------------------------------------

class CourseCitiesForm(ConsoleForm):
    """The cities (among those the person works for) that show a course."""

    cities = columns.IdMultipleChoiceField(
        label=_("Cities"), required=False, queryset=City.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Saving writes the course's “Cities” tags in Studio to match."))

    def __init__(self, *args, workable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].queryset = workable.order_by("name")
