"""
The world of the reference matrix and the rules it judges answers by.

City Alpha's admin (who also administers a second city, Gamma, so that "also shown in" choices exist) attacks. City
Beta is the access matrix's Beta (``build_beta``: private texts marked ``BETA-PRIVATE``), with a learner account of
its own; beside them a prospect city (not public) and the network's own badge classes, one active, one draft.

Targets of a reference are found in the data (``references.owned_by``): every object of the named model that Beta
owns, and the network's. A target is *private* when its existence is nobody else's business (a draft, a
stakeholder, a prospect city, an account); a refusal must then read exactly as the refusal of a value that names
nothing (no oracle), and its label must not appear in the answer.
"""
from __future__ import annotations

import datetime
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.onboarding import api as onboarding_api
from cities_network_plugin.onboarding.models import CommunityCall, ImpactReview, IntroductoryMeeting
from cities_network_plugin.openbadges import credentials, keys, statuslists
from cities_network_plugin.openbadges.issuers import city_profile
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import attendance
from cities_network_plugin.opportunities.models import Playlist
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import City, CityRoleName, CityStatus, Stakeholder
from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import CityWebhook, WebhookDelivery

from .references import APP, city_path, owned_by
from .test_access_matrix import PRIVATE, Beta, build_beta
from tests.badges.conftest import send_passing

ALPHA_COURSE = "course-v1:AlphaX+Bikes+2026"
ALPHA_NEW_COURSE = "course-v1:AlphaX+New+2026"  # a course of Alpha's organisation without an opportunity yet
BETA_UNLISTED_COURSE = "course-v1:BetaX+Unlisted+2026"  # of Beta's organisation, without an opportunity
PROSPECT_COURSE = "course-v1:DeltaX+Intro+2026"
UNKNOWN = {  # values of each encoding that name nothing at all
    "pk": "987654321", "uuid": "7f1b1c3e-5a9d-4c61-9f2e-3d2c1b0a9f8e", "slug": "no-such-city",
    "name": "No such stakeholder", "key": "course-v1:BetaX+NoSuchCourse+2026", "username": "no-such-account",
    "org": "NoSuchX", "csv-users": "no-such-account",
}


@dataclass
class World:
    """Everything the matrix reads: Alpha's objects (the access matrix's keys), Beta, the network, the rest."""

    alpha: dict
    beta: Beta
    gamma: City
    prospect: City
    kid: object  # an account of Beta's (a learner of its events) that Alpha has nothing to do with
    network_badge: object
    network_draft: object
    markers: list[str] = field(default_factory=list)


def build_alpha(city_a, admin_a, make_user) -> dict:
    """Alpha's objects under the keys of the access matrix's ``build_beta`` (so its URL filling works for both)."""
    learner = make_user("learner_a")
    fresh = make_user("fresh_a")  # an account with no ties yet: the controls add it where Alpha adds people
    stakeholder = Stakeholder.objects.create(city=city_a, name="Alpha library", kind="community")
    published = opportunities_api.create_opportunity(city_a, {"title": "Alpha repair café", "kind": "workshop",
                                                              "status": "published", "online": True})
    draft = opportunities_api.create_opportunity(city_a, {"title": "Alpha draft workshop", "kind": "workshop",
                                                          "status": "draft", "online": True,
                                                          "organiser": stakeholder})
    course = opportunities_api.create_opportunity(city_a, {"title": "Alpha course", "status": "published",
                                                           "course_key": ALPHA_COURSE})
    playlist = Playlist.objects.create(city=city_a, title="Alpha playlist", status="published")
    opportunities_api.set_playlist_items(playlist, [(published, True)])
    draft_playlist = Playlist.objects.create(city=city_a, title="Alpha draft playlist", status="draft")
    manual = [{"requirements": [{"kind": "manual"}]}]
    badge = badges_api.create_class(city_a, {"name": "Alpha bike badge", "description": "d",
                                             "criteria_narrative": "c", "status": "active", "groups": manual})
    draft_badge = badges_api.create_class(city_a, {"name": "Alpha draft badge", "description": "d",
                                                   "criteria_narrative": "c", "status": "draft", "groups": manual})
    award = badges_api.manual_award(badge, learner, "Fixed the library's bicycles.", admin_a)
    engine.store_progress(learner.pk, engine.evaluate(badge, engine.load_facts(learner.pk, [])))
    attendance.record_attendance(published, learner, admin_a)
    send_passing(learner, course=ALPHA_COURSE)
    profile = city_profile(city_a)
    key = keys.signing_key(profile)
    credentials.credential_jwt(award)
    webhook = CityWebhook.objects.create(city=city_a, url="https://alpha.example.org/hooks",
                                         secret=webhooks_api.new_secret(), events=["badge.awarded"])
    webhooks_api.notify(city_a, "badge.awarded", {"note": "Alpha's notice"})
    now = timezone.now()
    code = attendance.create_claim_code(published, now - datetime.timedelta(hours=1), now + datetime.timedelta(days=1))
    onboarding_api.update_step(city_a, "express-interest", user=admin_a, status="done", evidence_note="Alpha's note")
    IntroductoryMeeting.objects.create(city=city_a, held_on=now.date(), notes="Alpha's meeting")
    ImpactReview.objects.create(city=city_a, reviewed_on=now.date(), summary="Alpha's review")
    call = CommunityCall.objects.create(title="Alpha's network call", held_on=now.date())
    return {
        "city": city_a, "admin": admin_a, "learner": learner, "fresh": fresh, "stakeholder": stakeholder,
        "published": published, "draft": draft, "course": course, "playlist": playlist,
        "draft_playlist": draft_playlist, "badge": badge, "draft_badge": draft_badge, "award": award,
        "profile": profile, "key": key, "status_list": statuslists.entry_for(award).status_list, "webhook": webhook,
        "delivery": WebhookDelivery.objects.get(webhook=webhook), "code": code, "call": call,
    }


def build_world(city_a, admin_a, city_b, admin_b, make_user) -> World:
    beta = build_beta(city_b, admin_b, make_user)
    alpha = build_alpha(city_a, admin_a, make_user)
    gamma = City.objects.create(slug="gamma", name="Gamma", country="LV", status=CityStatus.MEMBER,
                                timezone="Europe/Riga", languages=["lv"])
    tenancy_api.set_member(gamma, admin_a, CityRoleName.ADMIN)
    prospect = City.objects.create(slug="delta", name=f"{PRIVATE} prospect city", country="FI",
                                   status=CityStatus.PROSPECT, timezone="Europe/Helsinki")
    tenancy_api.add_organization(prospect, "DeltaX", "Delta institute")
    kid = make_user(f"{PRIVATE}-kid", email="beta-private-kid@example.com")
    attendance.record_attendance(beta.objects["published"], kid, admin_b)
    manual = [{"requirements": [{"kind": "manual"}]}]
    network_badge = badges_api.create_class(None, {"name": "Network explorer", "description": "d",
                                                   "criteria_narrative": "c", "status": "active", "groups": manual})
    network_draft = badges_api.create_class(None, {"name": f"{PRIVATE} network draft", "description": "d",
                                                   "criteria_narrative": "c", "status": "draft", "groups": manual})
    return World(alpha=alpha, beta=beta, gamma=gamma, prospect=prospect, kid=kid, network_badge=network_badge,
                 network_draft=network_draft, markers=[*beta.markers, "beta-private-kid@"])


# --- Targets, controls, values ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """An object Alpha's admin must not reach through a reference."""

    label: str
    obj: object  # a model instance, a course key or organisation (text), or None: the network (an empty city)
    private: bool
    text: str = ""  # what the answer must not show (the object's label, or an account's address)
    allowed: str = ""  # why Alpha may use it after all, where a rule of the code says so


def _public(obj) -> bool:
    name = type(obj).__name__
    if name == "City":
        return obj.status in (CityStatus.ONBOARDING, CityStatus.MEMBER)
    if name in ("Opportunity", "Playlist"):
        return obj.status == "published"
    if name == "BadgeClass":
        return obj.status == "active"
    return False


def targets(names: str, world: World, nullable: bool = False) -> list[Target]:
    """What Alpha's admin tries in a field naming ``names``: Beta's objects and the network's, found in the data."""
    city_b = world.beta.objects["city"]
    if names == "course":
        return [Target("Beta's published course", world.beta.objects["course"].course_key, False),
                Target("a course of Beta's organisation", BETA_UNLISTED_COURSE, False),
                Target("a course of the prospect city", PROSPECT_COURSE, False)]
    if names == "organisation":
        return [Target("Beta's organisation", "BetaX", False), Target("the prospect's organisation", "DeltaX", False)]
    if names == "account":
        return [Target("an account of Beta's", world.kid, True, world.kid.email)]
    if names == "City":
        found = [Target("Beta", city_b, False), Target("a prospect city", world.prospect, True, world.prospect.name)]
        return found + ([Target("the network (no city)", None, False)] if nullable else [])
    model = apps.get_model(APP, names)
    if city_path(model) is None:
        raise LookupError(f"no rule for targets of {names}: it belongs to no city")
    found = [Target(f"Beta's {'public' if _public(o) else 'private'} {names} {o.pk}", o, not _public(o),
                    "" if _public(o) else str(o)) for o in owned_by(model, city_b)]
    found += [Target(f"the network's {'public' if _public(o) else 'private'} {names} {o.pk}", o, not _public(o),
                     "" if _public(o) else str(o)) for o in owned_by(model, None)]
    if not found:
        raise LookupError(f"Beta owns no {names}: build_world should make one")
    return found


def control(names: str, world: World, encoding: str):
    """
    Alpha's own object for a field naming ``names``: the same request with it must be accepted. A list of cities
    gets Gamma (Alpha's admin works for it: a real change); a course key for a new opportunity, a course of Alpha's
    organisation that has none yet.
    """
    a = world.alpha
    if names == "City":
        return world.gamma if encoding in ("pks", "slugs") else a["city"]
    return {"course": ALPHA_NEW_COURSE if encoding == "key" else ALPHA_COURSE, "organisation": "AlphaX",
            "account": a["fresh"], "Stakeholder": a["stakeholder"], "Opportunity": a["published"],
            "Playlist": a["playlist"], "BadgeClass": a["badge"]}[names]


def encode(obj, encoding: str):
    """``obj`` written as the field takes it."""
    if obj is None:
        return [] if encoding in ("pks", "slugs") else ""
    if isinstance(obj, str):
        return obj
    value = {"pk": lambda: str(obj.pk), "pks": lambda: [str(obj.pk)], "uuid": lambda: str(obj.uuid),
             "slug": lambda: obj.slug, "slugs": lambda: [obj.slug], "name": lambda: obj.name,
             "username": lambda: obj.username, "csv-users": lambda: obj.username,
             "key": lambda: obj.course_key}[encoding]
    return value()


def unknown(encoding: str):
    """A value of the encoding that names nothing (for the no-oracle comparison)."""
    if encoding in ("pks", "slugs"):
        return [UNKNOWN[encoding[:-1]]]
    return UNKNOWN[encoding]


def requirement_groups(kind: str, target: str) -> list[dict]:
    return [{"name": "", "min_required": 1, "requirements": [{"kind": kind, "target": target}]}]


# --- Judging --------------------------------------------------------------------------------------------------

def snapshot(owner=False) -> dict:
    """
    Every record of the plugin, as rows: what a refused write must leave alone. With ``owner`` (a city), only the
    records that city owns and the network's (an empty city): what naming an account must leave alone.
    """
    rows = {}
    for model in apps.get_app_config(APP).get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        queryset = model.objects.all()
        if owner is not False:
            path = city_path(model)
            if path is None:
                continue
            owned = Q(**{path[0]: owner.pk}) | (Q(**{f"{path[0]}__isnull": True}) if path[1] else Q(pk__in=[]))
            queryset = queryset.filter(owned)
        rows[model.__name__] = list(queryset.order_by("pk").values_list())
    return rows


def holders(writes: str, obj) -> int:
    """How many records hold ``obj`` in the reference ``writes`` (``"Opportunity.organiser"``; None: empty)."""
    model_name, field_name = writes.split(".")
    model = apps.get_model(APP, model_name)
    if model._meta.get_field(field_name).is_relation:
        lookup = {f"{field_name}__isnull": True} if obj is None else {field_name: obj}
    else:
        lookup = {field_name: obj if isinstance(obj, str) else str(getattr(obj, "uuid", obj))}
    return model.objects.filter(**lookup).count()


def differences(before: dict, after: dict) -> list[str]:
    """The models whose records differ between two snapshots."""
    return sorted(name for name in before if before[name] != after.get(name))


@contextmanager
def rolled_back():
    """Run a request in a savepoint that is always rolled back: each case starts from the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace") + response.get("Location", "")


def _texts(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return [str(value)] if str(value) else []


_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')


def without(body: str, value) -> str:
    """The answer without what the attacker sent (echoing one's own input discloses nothing)."""
    texts = _texts(json.loads(value) if isinstance(value, str) and value.startswith("[") else value)
    for text in sorted(set(texts), key=len, reverse=True):
        for form in {text, json.dumps(text)[1:-1]}:
            body = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", "<value>", body)
    return _TOKEN.sub(r'\1"', body)


def leaks(body: str, value, world: World, target: Target | None) -> list[str]:
    """Private data of Beta (or the target's own label) in an answer, once the attacker's own input is removed."""
    text = without(body, value)
    found = [marker for marker in world.markers if marker in text]
    if target is not None and target.text and target.text in text and target.text not in found:
        found.append(target.text)
    return found


_ERRORS = re.compile(r'<ul class="errorlist[^>]*>(.*?)</ul>|<p class="errornote">(.*?)</p>', re.DOTALL)


def refusal(response, value) -> tuple[int, str]:
    """
    How an answer refuses: its status and what it says (the error lists of a page, the whole of any other answer),
    without the value sent. Two refusals that differ tell what exists from what does not.
    """
    body = body_of(response)
    if "html" in response.get("Content-Type", ""):
        body = " | ".join(a or b for a, b in _ERRORS.findall(body))
    return response.status_code, without(body, value)


def first_difference(one: str, other: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))
    return f"…{one[max(0, at - 60):at + 60]!r} vs …{other[max(0, at - 60):at + 60]!r}"
