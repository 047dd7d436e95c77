"""
The write paths of the reference matrix, found where the code declares them: the REST API's fields from its own
OpenAPI schema, the admin's from the forms its ModelAdmins build for a city admin, the console's from its form
classes, the CSV import's from its columns.

Each path lists its *exposures*: a field a person fills that names another object, what it names (a model, or a
kind such as "course" or "account"), how a value is written in it (a pk, a uuid, slugs, a course key...) and which
catalogued reference (``references``) it writes. A field of a path that is in no table here fails the matrix's
coverage test, as a model field unknown to ``references`` does: a new field gets cases, or a line saying why not.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser

from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve

from cities_network_plugin.badges.models import RequirementKind
from cities_network_plugin.console import forms as console_forms
from cities_network_plugin.console import forms_badges
from cities_network_plugin.opportunities import admin_csv, csv_io

from .references import APP


@dataclass(frozen=True)
class Exposure:
    """One field of one write path that names another object."""

    path: str  # "api", "console", "admin", "csv"
    where: str  # "POST /cities/{slug}/opportunities/", "console-badge", "admin badgeclass add"
    field: str  # the field as the path names it: "items[].opportunity", "requirements-0-target"
    names: str  # a model name, or "course", "account", "organisation", "requirement"
    encoding: str  # "pk", "pks", "uuid", "slug", "slugs", "key", "username", "name", "org", "groups", ...
    writes: str | None  # the catalogued reference it writes ("Opportunity.organiser"), None when it only selects

    def __str__(self) -> str:
        return f"{self.path} {self.where} [{self.field}]"


# What each kind of requirement names in its target (manual awards name nothing).
REQUIREMENT_TARGETS = {
    RequirementKind.COURSE_PASSED: "course", RequirementKind.CERTIFICATE_EARNED: "course",
    RequirementKind.OPPORTUNITY_ATTENDED: "Opportunity", RequirementKind.PLAYLIST_COMPLETED: "Playlist",
    RequirementKind.BADGE_EARNED: "BadgeClass", RequirementKind.MANUAL: None,
}

# --- The REST API: request bodies of its OpenAPI schema ---------------------------------------------------------

# Per request component (its name without "Patched" and "Request"): property -> (names, encoding, writes).
API_FIELDS = {
    "Opportunity": {"cities": ("City", "slugs", "Opportunity.cities"),
                    "organiser": ("Stakeholder", "pk", "Opportunity.organiser"),
                    "course_key": ("course", "key", "Opportunity.course_key")},
    "PlaylistItem": {"opportunity": ("Opportunity", "uuid", "PlaylistItem.opportunity")},
    "BadgeClass": {"groups": ("requirement", "groups", "Requirement.target")},
    "ManualAward": {"user": ("account", "username", "Award.user")},
    "RecordAttendance": {"user": ("account", "username", "OpportunityCompletion.user")},
    "AttendanceCsv": {"file": ("account", "csv-users", "OpportunityCompletion.user")},
    "TeamMemberWrite": {"user": ("account", "username", "CityRole.user")},
    "CommunityCall": {"attendee_slugs": ("City", "slugs", "CommunityCallAttendance.city")},
    "OrganizationWrite": {"org": ("organisation", "org", "CityOrganization.org")},
}
# Properties that name nothing else. Nested components (items, skills) are followed.
API_PLAIN = {
    "Opportunity": "kind title description start end online place_name address latitude longitude url language "
                   "skills status",
    "Skill": "uri label",
    "Playlist": "title description min_optional status items",
    "PlaylistItem": "mandatory",
    "BadgeClass": "name description criteria_narrative alignments tags expiry_rule expires_on expires_after_days "
                  "status allow_reearning revoke_when_certificate_revoked revoke_when_passing_lost",
    "ManualAward": "evidence", "RecordAttendance": "", "AttendanceCsv": "dry_run", "TeamMemberWrite": "role",
    "CommunityCall": "title held_on agenda recording_url", "OrganizationWrite": "name",
    "City": "slug name country status timezone languages contact_name contact_email website",
    # A claim code is a bearer's right by design: whoever holds it may claim, in any city (the access matrix
    # tries the claim page; the rate limit is item 4 of issue 15).
    "Claim": "code",
    "ClaimCode": "valid_from valid_until active", "ImageUpload": "image", "Revoke": "reason",
    "ImpactReview": "reviewed_on summary learners_reached report_url",
    "IntroductoryMeeting": "held_on network_representative notes",
    "Stakeholder": "name kind engagement contact_name contact_email contact_phone website notes",
    "StepUpdate": "status evidence_note evidence_url reason override",
    "WebhookCreate": "url description events", "WebhookUpdate": "url description events active",
}
# Bodies whose operations only network managers may send: a city admin's control is refused too.
API_MANAGERS_ONLY = {"CommunityCall", "OrganizationWrite", "City"}


def component_name(ref: str) -> str:
    name = ref.rsplit("/", 1)[-1]
    return name.removeprefix("Patched").removesuffix("Request")


def schema_document() -> dict:
    """The API's OpenAPI schema, as its schema view serves it."""
    request = RequestFactory().get("/cities-network/api/v1/schema/", HTTP_ACCEPT="application/json")
    response = resolve(request.path).func(request)
    response.render()
    return json.loads(response.content)


@dataclass(frozen=True)
class ApiOperation:
    """A write operation of the API with a request body."""

    method: str
    path: str  # "/cities-network/api/v1/cities/{slug}/badges/"
    component: str  # "BadgeClass"
    media: str  # "json" or "multipart"
    schema: str  # its component in the schema: "PatchedBadgeClassRequest"


def api_operations(schema: dict) -> list[ApiOperation]:
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method not in ("post", "put", "patch") or not content:
                continue
            media = "json" if "application/json" in content else "multipart"
            schema_ref = next(iter(content.values()))["schema"].get("$ref", "")
            found.append(ApiOperation(method, path, component_name(schema_ref), media, schema_ref.rsplit("/", 1)[-1]))
    return found


def api_exposures(schema: dict, problems: list[str]) -> list[tuple[ApiOperation, Exposure]]:
    """Every reference property of every request body; unknown properties go to ``problems``."""
    components = schema["components"]["schemas"]
    found = []

    def walk(operation, full, prefix):
        component = component_name(full)
        plain = set(API_PLAIN.get(component, "").split())
        for name, spec in components[full].get("properties", {}).items():
            if spec.get("readOnly"):
                continue
            if name in API_FIELDS.get(component, {}):
                names, encoding, writes = API_FIELDS[component][name]
                where = f"{operation.method.upper()} {operation.path.removeprefix('/cities-network/api/v1')}"
                found.append((operation, Exposure("api", where, prefix + name, names, encoding, writes)))
            elif name not in plain:
                problems.append(f"API body {component}.{name} is unknown: add it to API_FIELDS or API_PLAIN")
            nested = spec.get("$ref") or spec.get("items", {}).get("$ref")
            if nested and not nested.endswith("Enum"):
                walk(operation, nested.rsplit("/", 1)[-1], f"{prefix}{name}[].")

    for operation in api_operations(schema):
        walk(operation, operation.schema, "")
    return found


# --- The console: its form classes, and the pages that post them -------------------------------------------------

CONSOLE_FIELDS = {
    "OpportunityForm": {"organiser": ("Stakeholder", "pk", "Opportunity.organiser"),
                        "cities": ("City", "pks", "Opportunity.cities")},
    "PlaylistItemForm": {"opportunity": ("Opportunity", "pk", "PlaylistItem.opportunity")},
    "RequirementForm": {"target": ("requirement", "requirement-target", "Requirement.target"),
                        "course_key": ("requirement", "requirement-course", "Requirement.target")},
    "TeamMemberForm": {"user": ("account", "username", "CityRole.user")},
    "AttendanceForm": {"user": ("account", "username", "OpportunityCompletion.user")},
    "AttendanceCsvForm": {"file": ("account", "csv-users", "OpportunityCompletion.user")},
    "ManualAwardForm": {"user": ("account", "username", "Award.user")},
    "CourseCitiesForm": {"cities": ("City", "pks", "Opportunity.cities")},
}
# Text, file, number and open-choice fields that name nothing else (fixed choices, dates, booleans need no entry).
CONSOLE_PLAIN = {
    "StepForm": "evidence_note reason", "OpportunityForm": "title description place_name address language skills",
    "PlaylistForm": "title description min_optional", "PlaylistItemForm": "order",
    "ClaimCodeForm": "", "StakeholderForm": "name contact_name contact_phone notes", "ManualAwardForm": "evidence",
    "RevokeForm": "reason", "BadgeClassForm": "name description criteria_narrative expires_after_days tags alignments",
    "GroupForm": "name min_required", "RequirementForm": "group", "BadgeImageForm": "image", "AttendanceCsvForm": "",
}


@dataclass(frozen=True)
class ConsolePost:
    """How a console page posts its forms: the forms (form class -> field prefix), and extra data it sends."""

    forms: dict
    url: str = ""  # the page posted to, when not the entry's own name
    source: str = ""  # the page whose filled form is sent (the edit page of an existing object, for "new" pages)
    extra: tuple = ()  # (name, value) pairs a person types besides the reference


CONSOLE_POSTS = {
    "console-opportunity-new": ConsolePost({"OpportunityForm": ""}, source="console-opportunity"),
    "console-opportunity": ConsolePost({"OpportunityForm": ""}),
    "console-playlist-new": ConsolePost({"PlaylistForm": "", "PlaylistItemForm": "items-0-"},
                                        source="console-playlist"),
    "console-playlist": ConsolePost({"PlaylistForm": "", "PlaylistItemForm": "items-0-"}),
    "console-badge-new": ConsolePost({"BadgeClassForm": "", "GroupForm": "groups-0-",
                                      "RequirementForm": "requirements-0-"}, source="console-badge"),
    "console-badge": ConsolePost({"BadgeClassForm": "", "GroupForm": "groups-0-",
                                  "RequirementForm": "requirements-0-"}),
    "console-team": ConsolePost({"TeamMemberForm": ""}),
    "console-attendance": ConsolePost({"AttendanceForm": "one-"}, extra=(("action", "one"),)),
    "console-attendance-csv": ConsolePost({"AttendanceCsvForm": "csv-"}, url="console-attendance",
                                          extra=(("action", "csv"),)),
    "console-badge-awards": ConsolePost({"ManualAwardForm": ""}, extra=(("evidence", "Helped at the repair café."),)),
    "console-course": ConsolePost({"CourseCitiesForm": ""}),
    "console-stakeholders": ConsolePost({"StakeholderForm": ""}),
    "console-stakeholder": ConsolePost({"StakeholderForm": ""}),
    "console-step": ConsolePost({"StepForm": ""}),
    "console-claim-codes": ConsolePost({"ClaimCodeForm": ""}),
    "console-award-revoke": ConsolePost({"RevokeForm": ""}),
    "console-badge-image": ConsolePost({"BadgeImageForm": "image-"}),
}
# Console pages that post no form naming another object: reads, buttons, and objects named by the path alone.
CONSOLE_NO_FORM = {"console-index", "console-dashboard", "console-opportunities", "console-playlists",
                   "console-badges", "console-courses", "console-badge-status", "console-badge-new-version",
                   "console-team-remove"}
_ALWAYS_PLAIN = (forms.BooleanField, forms.DateField, forms.DateTimeField, forms.DecimalField, forms.URLField,
                 forms.EmailField)


def console_form_classes() -> dict[str, type[forms.BaseForm]]:
    """Every form class the console defines that has fields."""
    found = {}
    for module in (console_forms, forms_badges):
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
                    and value.base_fields):
                found[name] = value
    return found


def console_exposures(problems: list[str]) -> list[Exposure]:
    """Every reference field of every console form, once per page that posts it; unknown fields go to problems."""
    classes = console_form_classes()
    posted = {form for post in CONSOLE_POSTS.values() for form in post.forms}
    for name in sorted(set(classes) - posted):
        problems.append(f"console form {name} is posted by no page of CONSOLE_POSTS")
    for name, form_class in classes.items():
        references, plain = CONSOLE_FIELDS.get(name, {}), set(CONSOLE_PLAIN.get(name, "").split())
        for field_name, field in form_class.base_fields.items():
            if field_name in references or field_name in plain:
                continue
            model_choice = isinstance(field, forms.ModelChoiceField)
            fixed_choices = isinstance(field, forms.ChoiceField) and not model_choice and list(field.choices)
            if model_choice or not (isinstance(field, _ALWAYS_PLAIN) or fixed_choices):
                problems.append(f"console {name}.{field_name} ({type(field).__name__}) is unknown: add it to "
                                f"CONSOLE_FIELDS or CONSOLE_PLAIN")
    found = []
    for page, post in CONSOLE_POSTS.items():
        for form_name, prefix in post.forms.items():
            for field_name, (names, encoding, writes) in CONSOLE_FIELDS.get(form_name, {}).items():
                found.append(Exposure("console", page, prefix + field_name, names, encoding, writes))
    return found


# --- The Django admin: the forms its ModelAdmins build for a city admin ---------------------------------------

# Form fields that are not model fields: what they write (None: nothing that names another object).
ADMIN_EXTRA = {
    ("BadgeClass", "groups_json"): ("requirement", "groups-json", "Requirement.target"),
    ("BadgeClass", "image_upload"): None,
    ("Award", "revoke_with_reason"): None,
}


def admin_site_models() -> dict:
    """The plugin's ModelAdmins by lowercase model name."""
    return {model._meta.model_name: model_admin for model, model_admin in admin.site._registry.items()
            if model._meta.app_label == APP and not model._meta.proxy}


def admin_form_fields(model_admin, request, obj=None) -> list[tuple[str, str, object, str]]:
    """(model name, form field name, form field, inline prefix or "") of the form and inlines the user is given."""
    fields = [(model_admin.model.__name__, name, field, "")
              for name, field in model_admin.get_form(request, obj).base_fields.items()]
    for formset, inline in model_admin.get_formsets_with_inlines(request, obj):
        parent = formset.fk.name  # the record of the page, which Django sets on every row
        fields += [(inline.model.__name__, name, field, formset.get_default_prefix())
                   for name, field in formset.form.base_fields.items() if name not in ("id", "DELETE", "ORDER", parent)]
    return fields


def admin_exposures(request, admin_objects: dict, catalogue: dict, problems: list[str]) -> list[tuple]:
    """
    (model name, "add" or "change", object, inline prefix, Exposure) for every reference field of every admin form
    a city admin is given; ``catalogue`` maps (model, field) to its Reference.
    """
    found = []
    for model_name, model_admin in admin_site_models().items():
        obj = admin_objects.get(model_name)
        modes = []
        if model_admin.has_add_permission(request):
            modes.append(("add", None))
        if obj is not None and model_admin.has_change_permission(request, obj):
            modes.append(("change", obj))
        for mode, instance in modes:
            for owner, name, field, prefix in admin_form_fields(model_admin, request, instance):
                where = f"{model_name} {mode}"
                if (owner, name) in ADMIN_EXTRA:
                    extra = ADMIN_EXTRA[owner, name]
                    if extra is not None:
                        found.append((model_name, mode, instance, prefix, Exposure("admin", where, name, *extra)))
                    continue
                reference = catalogue.get((owner, name))
                if reference is None:
                    if isinstance(field, forms.ModelChoiceField):
                        problems.append(f"admin {where}: {owner}.{name} chooses objects but is no catalogued field")
                    continue
                encoding = "pks" if isinstance(field, forms.ModelMultipleChoiceField) else (
                    "pk" if isinstance(field, forms.ModelChoiceField) else "key")
                found.append((model_name, mode, instance, prefix,
                              Exposure("admin", where, name, reference.names, encoding, str(reference))))
    return found


# --- The CSV import of opportunities (admin) ------------------------------------------------------------------

CSV_COLUMNS = {
    "uuid": ("Opportunity", "uuid", None),  # the opportunity the row changes
    "organiser": ("Stakeholder", "name", "Opportunity.organiser"),
    "cities": ("City", "slugs", "Opportunity.cities"),
    "course_key": ("course", "key", "Opportunity.course_key"),
}
CSV_PLAIN = "title kind description start end online place_name address latitude longitude url language skills status"
CSV_FORM = {"city": ("City", "pk", "Opportunity.city"), "file": None, "dry_run": None}


def csv_exposures(problems: list[str]) -> list[Exposure]:
    found = []
    for column in csv_io.COLUMNS:
        if column in CSV_COLUMNS:
            found.append(Exposure("csv", "admin opportunity import-csv", column, *CSV_COLUMNS[column]))
        elif column not in CSV_PLAIN.split():
            problems.append(f"CSV column {column!r} is unknown: add it to CSV_COLUMNS or CSV_PLAIN")
    for name in admin_csv.CsvImportForm.base_fields:
        if name not in CSV_FORM:
            problems.append(f"CSV import form field {name!r} is unknown: add it to CSV_FORM")
        elif CSV_FORM[name] is not None:
            found.append(Exposure("csv", "admin opportunity import-csv", f"form {name}", *CSV_FORM[name]))
    return found


# --- Pages as a browser submits them ---------------------------------------------------------------------------

class _Forms(HTMLParser):
    """The forms of a page with the values a browser would submit (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str | None]]] = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):  # an unticked box is known to the form, but not sent
                self._form.append((attrs["name"], (attrs.get("value") or "on") if "checked" in attrs else None))
            elif kind == "file":
                self._form.append((attrs["name"], None))  # a file: the caller attaches one
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = self._select["selected"] or ([] if self._select["multiple"] else self._select["options"][:1])
            self._form += [(self._select["name"], value) for value in chosen] or [(self._select["name"], None)]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_data(html: str, containing, page: str = "") -> dict[str, list[str]]:
    """The data a browser sends with the form of ``html`` that has a field named ``containing`` (or one of them)."""
    parser = _Forms()
    parser.feed(html)
    wanted = {containing} if isinstance(containing, str) else set(containing)
    for fields in parser.forms:
        if any(name in wanted for name, _value in fields):
            data: dict[str, list[str]] = {}
            for name, value in fields:
                if value is not None and "__prefix__" not in name:  # not sent; the admin's template inline rows
                    data.setdefault(name, []).append(value)
            return data
    names = [sorted({name for name, _value in fields})[:12] for fields in parser.forms]
    raise LookupError(f"no form on the page {page} has a field {containing!r}; its forms have {names}")
