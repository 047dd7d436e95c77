"""
The reference catalogue of the reference matrix (``test_reference_matrix``): which fields of the plugin's models
name another object, read from the models' ``_meta``, and which objects city Alpha's admin tries in each.

Foreign keys and many-to-many fields are found by themselves. Text, number and JSON fields cannot say what they
hold, so each one is in a table: ``TEXT_REFERENCES`` when it names another object (a course key, a uuid, a city's
id), ``PLAIN`` when it does not. A field in neither fails ``check_catalogue``, so that a field added later is
given a place (and, if it is a reference, cases) rather than skipped. Types that cannot hold a reference (dates,
booleans, decimals, bytes) need no entry.

Targets come from the data, not from a list: for a reference to model M, every object of M that city Beta owns
(found through M's path to its city, also derived from ``_meta``), and the network's objects of M (the city path
empty) where there are any.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from cities_network_plugin.tenancy.models import City

APP = "cities_network_plugin"
NEVER_A_REFERENCE = (models.BooleanField, models.DateField, models.DecimalField, models.FloatField,
                     models.BinaryField, models.DurationField, models.TimeField)

# Who writes a reference that no write path of a city's team exposes (see ``NOT_EXPOSED``).
EVENTS = "the platform's learning events (receivers and the badge engine)"
SYSTEM = "the plugin itself (engine, summaries, issuers), never from a person's input"
MANAGERS = "network managers only"
REQUEST_USER = "the signed-in user of the request, never from the form"
PARENT = "the page's or path's own object (the access matrix tries other cities' objects in paths)"

# Text, number and JSON fields that name another object: (model, field) -> what they name.
TEXT_REFERENCES = {
    ("Requirement", "target"): "requirement",  # a course key, or the uuid of an opportunity, playlist or badge class
    ("Opportunity", "course_key"): "course",
    ("CourseStanding", "course_key"): "course",
    ("LearnerEvent", "target"): "course",
    ("LearnerEvent", "payload"): "event",  # the event's data: course key, user id
    ("CityOrganization", "org"): "organisation",
    ("LearnerReach", "scope"): "city-id",  # a city's pk, 0 for the network, -1 for everyone
    ("ReachCount", "scope"): "city-id",
    ("Award", "evidence"): "evidence",  # what earned it: the event, course, opportunity, requirement
    ("BadgeProgress", "detail"): "evidence",
    ("WebhookDelivery", "payload"): "evidence",  # the notice: award and badge uuids, the learner's username
    ("CityStepProgress", "detection"): "evidence",  # what a detector saw
    ("StepProgressHistory", "detection"): "evidence",
}

# Text, number and JSON fields that name nothing else: their own identifiers, names, texts, counts, choices.
PLAIN = {
    "City": "slug name country status timezone languages contact_name contact_email website",
    "CityOrganization": "name",
    "CityRole": "role",
    "NetworkManager": "",
    "Stakeholder": "name kind engagement contact_name contact_email contact_phone website notes",
    "Opportunity": "uuid kind title description place_name address url language skills status",
    "Playlist": "uuid title description min_optional status",
    "PlaylistItem": "position",
    "OpportunityCompletion": "source",
    "PlaylistProgress": "mandatory_done mandatory_total optional_done optional_needed",
    "ClaimCode": "code",
    "BadgeClass": "uuid name description image_type image_width criteria_narrative alignments tags expiry_rule "
                  "expires_after_days status version",
    "RequirementGroup": "position min_required name",
    "Requirement": "kind certificate_modes description",
    "Award": "uuid attempt recipient_email recipient_name salt revocation_reason tally",
    "BadgeProgress": "groups_met groups_total requirements_met requirements_total",
    "CourseStanding": "grade certificate_mode certificate_status",
    "LearnerEvent": "event_id event_type state attempts error",
    "OnboardingStage": "key number title description",
    "OnboardingStep": "key order title description evidence_expected recurrence_days detector",
    "CityStepProgress": "status evidence_note evidence_url override_reason",
    "StepProgressHistory": "status evidence_note evidence_url source reason",
    "CityOnboarding": "completed_stages steps_done steps_total",
    "CommunityCall": "title agenda recording_url",
    "CommunityCallAttendance": "participants",
    "IntroductoryMeeting": "network_representative notes",
    "ImpactReview": "summary learners_reached report_url",
    "IssuerProfile": "slug name url email description image_type",
    "SigningKey": "kid algorithm public_jwk private_key_file status",
    "StatusList": "slug purpose size next_index",
    "CredentialStatus": "index",
    "AwardMonthTally": "awards revoked",
    "LearnerReach": "reasons",
    "ReachCount": "learners",
    "SummaryState": "",
    "CityWebhook": "url secret description events consecutive_failures deactivated_reason",
    "WebhookDelivery": "event_type event_id state attempts last_status_code last_error response_excerpt",
}

# References that no write path of a city's team exposes, and who writes them instead. Every other reference is
# exposed by at least one write path, and so tried by the matrix (``check_exposures``).
NOT_EXPOSED = {
    ("City", "site"): MANAGERS,
    ("CityOrganization", "city"): MANAGERS,
    ("CityRole", "created_by"): REQUEST_USER,
    ("NetworkManager", "user"): MANAGERS,
    ("Opportunity", "created_by"): REQUEST_USER,
    ("Playlist", "opportunities"): "its items (PlaylistItem.opportunity)",
    ("PlaylistItem", "playlist"): PARENT,
    ("PlaylistProgress", "user"): SYSTEM,
    ("PlaylistProgress", "playlist"): SYSTEM,
    ("ClaimCode", "opportunity"): PARENT,
    ("ClaimCode", "created_by"): REQUEST_USER,
    ("BadgeClass", "previous_version"): SYSTEM + " (new_version copies the class of the path)",
    ("BadgeClass", "created_by"): REQUEST_USER,
    ("RequirementGroup", "badge_class"): PARENT,
    ("Requirement", "group"): PARENT,
    ("Award", "badge_class"): PARENT,
    ("Award", "awarded_by"): REQUEST_USER,
    ("Award", "evidence"): SYSTEM,
    ("BadgeProgress", "user"): SYSTEM,
    ("BadgeProgress", "badge_class"): SYSTEM,
    ("BadgeProgress", "detail"): SYSTEM,
    ("CourseStanding", "user"): EVENTS,
    ("CourseStanding", "course_key"): EVENTS,
    ("LearnerEvent", "user"): EVENTS,
    ("LearnerEvent", "target"): EVENTS,
    ("LearnerEvent", "payload"): EVENTS,
    ("OnboardingStep", "stage"): MANAGERS,
    ("OnboardingStep", "alternative_to"): MANAGERS,
    ("CityStepProgress", "city"): PARENT,
    ("CityStepProgress", "step"): PARENT,
    ("CityStepProgress", "updated_by"): REQUEST_USER,
    ("CityStepProgress", "detection"): SYSTEM,
    ("StepProgressHistory", "progress"): SYSTEM,
    ("StepProgressHistory", "changed_by"): REQUEST_USER,
    ("StepProgressHistory", "detection"): SYSTEM,
    ("CityOnboarding", "city"): SYSTEM,
    ("CityOnboarding", "current_stage"): SYSTEM,
    ("CommunityCall", "attendees"): "its attendance (CommunityCallAttendance.city)",
    ("CommunityCallAttendance", "call"): MANAGERS,
    ("ImpactReview", "created_by"): REQUEST_USER,
    ("IssuerProfile", "city"): SYSTEM,
    ("SigningKey", "issuer"): SYSTEM,
    ("StatusList", "issuer"): SYSTEM,
    ("CredentialStatus", "award"): SYSTEM,
    ("CredentialStatus", "status_list"): SYSTEM,
    ("AwardMonthTally", "badge_class"): SYSTEM,
    ("AwardMonthTally", "city"): SYSTEM,
    ("LearnerReach", "user"): SYSTEM,
    ("LearnerReach", "scope"): SYSTEM,
    ("ReachCount", "scope"): SYSTEM,
    ("CityWebhook", "created_by"): REQUEST_USER,
    ("WebhookDelivery", "webhook"): SYSTEM,
    ("WebhookDelivery", "payload"): SYSTEM,
}


@dataclass(frozen=True)
class Reference:
    """A field that names another object: ``names`` is the model it names, or a kind ("course", "requirement")."""

    model: str
    field: str
    names: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.model, self.field)

    def __str__(self) -> str:
        return f"{self.model}.{self.field}"


def plugin_models() -> list[type[models.Model]]:
    return [m for m in apps.get_app_config(APP).get_models() if not m._meta.proxy]


def _never_a_reference(field) -> bool:
    return isinstance(field, NEVER_A_REFERENCE) or field.get_internal_type() in ("AutoField", "BigAutoField")


def references() -> list[Reference]:
    """Every field of the plugin's models that names another object."""
    found = []
    for model in plugin_models():
        for field in [*model._meta.fields, *model._meta.many_to_many]:  # forward fields; reverse ones are others'
            if field.is_relation:
                related = field.related_model
                names = "account" if related is get_user_model() else related.__name__
                found.append(Reference(model.__name__, field.name, names))
            elif (model.__name__, field.name) in TEXT_REFERENCES:
                found.append(Reference(model.__name__, field.name, TEXT_REFERENCES[model.__name__, field.name]))
    return found


def check_catalogue() -> list[str]:
    """Problems of the tables against the models: unknown fields, and entries of fields that no longer exist."""
    problems, seen = [], set()
    for model in plugin_models():
        plain = set(PLAIN.get(model.__name__, "").split())
        if model.__name__ not in PLAIN:
            problems.append(f"model {model.__name__} is not in PLAIN: list its plain fields there")
        for field in model._meta.fields:
            if field.is_relation or _never_a_reference(field):
                continue
            key = (model.__name__, field.name)
            seen.add(key)
            if key in TEXT_REFERENCES and field.name in plain:
                problems.append(f"{model.__name__}.{field.name} is both in TEXT_REFERENCES and in PLAIN")
            elif key not in TEXT_REFERENCES and field.name not in plain:
                problems.append(f"{model.__name__}.{field.name} ({field.get_internal_type()}) is unknown: does it "
                                f"name another object? Add it to TEXT_REFERENCES (and cases) or to PLAIN")
    stale = [f"{m}.{f}" for m, names in PLAIN.items() for f in names.split() if (m, f) not in seen]
    stale += [f"{m}.{f}" for m, f in TEXT_REFERENCES if (m, f) not in seen]
    known = {r.key for r in references()}
    stale += [f"{m}.{f} (NOT_EXPOSED)" for m, f in NOT_EXPOSED if (m, f) not in known]
    problems += [f"{name} is in a table but no model has it" for name in stale]
    return problems


# --- Who owns an object ---------------------------------------------------------------------------------------

def city_path(model) -> tuple[str, bool] | None:
    """
    The lookup from ``model`` to the city that owns its objects (``"badge_class__issuer_city"``), and whether it
    may be empty (the network's objects); ``("pk", False)`` for City; None for objects of no city.
    """
    if model is City:
        return ("pk", False)
    queue, seen = [(model, "", False)], {model}
    while queue:
        current, prefix, nullable = queue.pop(0)
        forward = [f for f in current._meta.fields if f.many_to_one or f.one_to_one]
        for field in sorted(forward, key=lambda f: f.name not in ("city", "issuer_city")):  # the city first
            if field.related_model is City:
                return (prefix + field.name, nullable or field.null)
        for field in forward:
            related = field.related_model
            if related not in seen and related.__module__.startswith(APP):
                seen.add(related)
                queue.append((related, f"{prefix}{field.name}__", nullable or field.null))
    return None


def owned_by(model, city) -> models.QuerySet:
    """The objects of ``model`` that ``city`` owns (None: the network's, where the city path may be empty)."""
    path, nullable = city_path(model)
    if city is None:
        return model.objects.filter(**{f"{path}__isnull": True}) if nullable else model.objects.none()
    return model.objects.filter(**{path: city.pk})
