"""
The cross-city access matrix: city Alpha's admin tries every URL of the plugin on city Beta's objects.

The URLs come from the resolver, so an endpoint added later is covered without touching this file: every pattern
in the plugin's namespace, and every admin page of the plugin's models. Path parameters are filled with Beta's
objects — a draft and a published one where both exist — by the rules in ``FILL``; a parameter no rule knows fails
the test, so that a new kind of parameter is given a rule (and so an expectation) rather than skipped.

What is expected depends on the kind of URL (``kind_of``):

- ``public``: pages and documents anyone may read (the learner pages, the public API lists and details, the Open
  Badges documents). They may answer 200 only for Beta's public objects (published opportunities and playlists,
  active badge classes, awards of non-draft classes); a draft answers 403 or 404, to every method. A write to a
  public object may be refused or ignored (a read-only page answers it as a read); it must change nothing.
- ``own``: pages about the caller, or lists scoped to the caller (no Beta object in the path). Any status, but
  nothing of Beta's private data in the answer.
- ``manager``: network managers only: 403 (or 302 to the sign-in page).
- ``private``: everything else — Beta's management API, the console, the admin's object pages: 403 or 404 (the
  admin's 302 back to its index for an object outside the user's scope) for every method.

Every answer, whatever its status, is searched for Beta's private data (``markers``), and after all the requests
Beta's records are compared with what they were before: nothing may have changed.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core import serializers
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
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
from cities_network_plugin.tenancy.models import CityStatus, Stakeholder
from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import WebhookDelivery

from tests.badges.conftest import send_passing

pytestmark = pytest.mark.django_db
PRIVATE = "BETA-PRIVATE"
DENIED = {403, 404}
WRITE_METHODS = ("post", "put", "patch", "delete")
PUBLIC_NAMES = {
    "api-v1-opportunities", "api-v1-opportunity", "api-v1-opportunities-geojson", "api-v1-playlists",
    "api-v1-playlist", "api-v1-badges", "api-v1-badge", "api-v1-schema", "city", "opportunity", "playlist",
    "award", "course-badges", "claim", "join",
}
OWN_NAMES = {
    "api-v1-cities", "api-v1-claim", "api-v1-my-progress", "api-v1-my-awards", "api-v1-community-calls",
    "api-v1-community-call", "wallet", "console-index",
}
MANAGER_NAMES = {"api-v1-report-network"}


@dataclass
class Beta:
    """City Beta's records, and the text of its private data (which must never reach Alpha's admin)."""

    objects: dict
    markers: list[str]


def build_beta(city_b, admin_b, make_user) -> Beta:
    city_b.status = CityStatus.MEMBER  # a public city: its published things are shown to anyone
    city_b.contact_name, city_b.contact_email = f"{PRIVATE} contact", "beta-private-contact@example.com"
    city_b.save()
    admin_b.email = "beta-private-admin@example.com"
    admin_b.save()
    learner_b = make_user("learner_b", email="beta-private-learner@example.com")
    stakeholder = Stakeholder.objects.create(city=city_b, name=f"{PRIVATE} stakeholder", kind="community",
                                             contact_email="beta-private-stakeholder@example.com",
                                             notes=f"{PRIVATE} stakeholder notes")
    published = opportunities_api.create_opportunity(city_b, {"title": "Beta public workshop", "kind": "workshop",
                                                              "status": "published", "online": True})
    draft = opportunities_api.create_opportunity(city_b, {"title": f"{PRIVATE} draft workshop", "kind": "workshop",
                                                          "status": "draft", "online": True,
                                                          "description": f"{PRIVATE} draft description"})
    course = opportunities_api.create_opportunity(city_b, {"title": "Beta course", "status": "published",
                                                           "course_key": "course-v1:BetaX+Public+2026"})
    playlist = Playlist.objects.create(city=city_b, title="Beta public playlist", status="published")
    opportunities_api.set_playlist_items(playlist, [(published, True)])
    draft_playlist = Playlist.objects.create(city=city_b, title=f"{PRIVATE} draft playlist", status="draft")
    active = badges_api.create_class(city_b, {"name": "Beta public badge", "description": "d",
                                              "criteria_narrative": "c", "status": "active",
                                              "groups": [{"requirements": [{"kind": "manual"}]}]})
    draft_badge = badges_api.create_class(city_b, {"name": f"{PRIVATE} draft badge", "description": "d",
                                                   "criteria_narrative": f"{PRIVATE} criteria", "status": "draft",
                                                   "groups": [{"requirements": [{"kind": "manual"}]}]})
    award = badges_api.manual_award(active, learner_b, "Fixed the library's bicycles.", admin_b)
    engine.store_progress(learner_b.pk, engine.evaluate(active, engine.load_facts(learner_b.pk, [])))
    attendance.record_attendance(published, learner_b, admin_b)  # a completion, and the playlist's progress
    send_passing(learner_b, course="course-v1:BetaX+Public+2026")  # an inbox row
    profile = city_profile(city_b)
    key = keys.signing_key(profile)
    credentials.credential_jwt(award)  # its status list entry
    status_list = statuslists.entry_for(award).status_list
    webhook = webhooks_api.register(city_b, "http://127.0.0.1:9/beta-private-hook", events=["badge.awarded"])
    webhooks_api.notify(city_b, "badge.awarded", {"note": f"{PRIVATE} webhook payload"})
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    now = timezone.now()
    code = attendance.create_claim_code(published, now - datetime.timedelta(hours=1), now + datetime.timedelta(days=1))
    onboarding_api.update_step(city_b, "express-interest", user=admin_b, status="done",
                               evidence_note=f"{PRIVATE} evidence note")
    IntroductoryMeeting.objects.create(city=city_b, held_on=now.date(), notes=f"{PRIVATE} meeting notes")
    ImpactReview.objects.create(city=city_b, reviewed_on=now.date(), summary=f"{PRIVATE} impact summary")
    call = CommunityCall.objects.create(title="Network call", held_on=now.date())
    # Not among them: the city's contact address, which its Open Badges issuer profile publishes by design.
    markers = [PRIVATE, "beta-private-admin@", "beta-private-learner@", "beta-private-stakeholder@",
               "beta-private-hook", webhook.secret]
    return Beta(objects={
        "city": city_b, "admin": admin_b, "learner": learner_b, "stakeholder": stakeholder, "published": published,
        "draft": draft, "course": course, "playlist": playlist, "draft_playlist": draft_playlist, "badge": active,
        "draft_badge": draft_badge, "award": award, "profile": profile, "key": key, "status_list": status_list,
        "webhook": webhook, "delivery": delivery, "code": code, "call": call,
    }, markers=markers)


# --- The URLs ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    template: str  # e.g. "cities-network/api/v1/cities/<slug:slug>/badges/<uuid:uuid>/"
    name: str
    admin: bool


_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def routes() -> list[Route]:
    """Every URL pattern of the plugin (its namespace) and of the plugin's models in the admin."""
    found = []

    def walk(patterns, prefix: str, namespaces: tuple):
        for pattern in patterns:
            text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text, namespaces + ((pattern.namespace,) if pattern.namespace else ()))
            elif isinstance(pattern, URLPattern):
                admin = text.startswith("admin/cities_network_plugin/")
                if admin or "cities_network_plugin" in namespaces:
                    found.append(Route(text, pattern.name or "", admin))

    walk(get_resolver().url_patterns, "", ())
    return found


def kind_of(route: Route) -> str:
    if route.admin:
        has_object = "<path:object_id>" in route.template
        return "private" if has_object else "own"
    if route.name.startswith(("ob2-", "ob3-")) or route.name in PUBLIC_NAMES:
        return "public"
    if route.name in MANAGER_NAMES:
        return "manager"
    if route.name in OWN_NAMES:
        return "own"
    return "private"


def fill_values(route: Route, param: str, beta: Beta) -> list[tuple[str, bool]]:
    """The values to try for ``param`` of ``route``: (text, whether the object is public)."""
    o = beta.objects
    before = route.template.split(f":{param}>", 1)[0].split("<")[-2] if f":{param}>" in route.template else ""
    segment = before.rstrip("/").rsplit("/", 1)[-1]
    if route.admin and param == "object_id":
        model_name = route.template.split("admin/cities_network_plugin/", 1)[1].split("/", 1)[0]
        target = ADMIN_OBJECTS.get(model_name)
        if target is None:
            raise LookupError(f"no Beta object of the admin model {model_name!r}: add it to ADMIN_OBJECTS")
        return [(str(target(o).pk), False)]
    if param == "slug":
        if segment == "issuers":
            return [(o["profile"].slug, True)]
        if segment == "status":
            return [(o["status_list"].slug, True)]
        return [(o["city"].slug, True)]
    if param == "kid":
        return [(o["key"].kid, True)]
    if param == "uuid":
        if segment in ("opportunities", "o"):
            return [(str(o["published"].uuid), True), (str(o["draft"].uuid), False)]
        if segment in ("playlists", "p"):
            return [(str(o["playlist"].uuid), True), (str(o["draft_playlist"].uuid), False)]
        if segment == "badges" and route.name == "award":  # the learner's public award page
            return [(str(o["award"].uuid), True)]
        if segment == "badges":
            return [(str(o["badge"].uuid), True), (str(o["draft_badge"].uuid), False)]
        if segment in ("awards", "assertions", "credentials"):
            return [(str(o["award"].uuid), True)]
    if param == "pk":
        by_segment = {"stakeholders": "stakeholder", "webhooks": "webhook", "community-calls": "call"}
        if segment in by_segment:
            return [(str(o[by_segment[segment]].pk), segment == "community-calls")]
    simple = {
        "delivery_id": (str(o["delivery"].pk), False), "step_key": ("express-interest", False),
        "username": (o["admin"].username, False), "org": ("BetaX", False), "user_id": (str(o["admin"].pk), False),
        "course_key": (o["course"].course_key, True), "code": (o["code"].code, True),
    }
    if param in simple:
        return [simple[param]]
    raise LookupError(f"no rule to fill <{param}> of {route.template} ({route.name}): add one to fill_values")


ADMIN_OBJECTS = {
    "badgeclass": lambda o: o["draft_badge"], "award": lambda o: o["award"],
    "badgeprogress": lambda o: _first("cities_network_plugin.BadgeProgress", badge_class=o["badge"]),
    "learnerevent": lambda o: _first("cities_network_plugin.LearnerEvent", user=o["learner"]),
    "cityonboarding": lambda o: _first("cities_network_plugin.CityOnboarding", city=o["city"]),
    "citystepprogress": lambda o: _first("cities_network_plugin.CityStepProgress", city=o["city"]),
    "onboardingstage": None, "onboardingstep": None,  # the catalogue: the network's, not a city's
    "stakeholder": lambda o: o["stakeholder"], "communitycall": lambda o: o["call"],
    "introductorymeeting": lambda o: _first("cities_network_plugin.IntroductoryMeeting", city=o["city"]),
    "impactreview": lambda o: _first("cities_network_plugin.ImpactReview", city=o["city"]),
    "opportunity": lambda o: o["draft"], "playlist": lambda o: o["draft_playlist"],
    "opportunitycompletion": lambda o: _first("cities_network_plugin.OpportunityCompletion", user=o["learner"]),
    "playlistprogress": lambda o: _first("cities_network_plugin.PlaylistProgress", user=o["learner"]),
    "city": lambda o: o["city"],
    "cityorganization": lambda o: _first("cities_network_plugin.CityOrganization", city=o["city"]),
    "cityrole": lambda o: _first("cities_network_plugin.CityRole", city=o["city"]),
    "networkmanager": None,
    "citywebhook": lambda o: o["webhook"], "webhookdelivery": lambda o: o["delivery"],
}
NETWORK_MODELS = {name for name, target in ADMIN_OBJECTS.items() if target is None}


def _first(label: str, **filters):
    found = apps.get_model(label).objects.filter(**filters).first()
    if found is None:
        raise LookupError(f"Beta has no {label} matching {filters}: build_beta should make one")
    return found


def expand(route: Route, beta: Beta) -> list[tuple[str, bool]]:
    """Every concrete path of the route with Beta's objects, and whether all of them are public."""
    paths = [(route.template, True)]
    for match in _PARAM.finditer(route.template):
        param = match.group("name") or match.group("rname")
        placeholder = match.group(0)
        values = fill_values(route, param, beta)
        paths = [(path.replace(placeholder, value, 1), public and value_public)
                 for path, public in paths for value, value_public in values]
    return [("/" + path, public) for path, public in paths]


def fingerprint() -> str:
    """Every record of the plugin, serialised: what no request of Alpha's admin may change."""
    models = [m for m in apps.get_app_config("cities_network_plugin").get_models() if not m._meta.proxy]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace") + response.get("Location", "")


def check(route: Route, path: str, public: bool, beta: Beta, client: Client) -> list[str]:
    """The problems of one path (empty when it behaves)."""
    problems = []
    kind = kind_of(route)
    # Writes are tried everywhere but on pages about the caller, the claim page (a code is a bearer's right) and the
    # public join form (anyone may express interest).
    skip_writes = kind == "own" or route.name in ("claim", "join")
    for method in ("get", *(() if skip_writes else WRITE_METHODS)):
        send = getattr(client, method)
        response = send(path) if method == "get" else send(path, data={}, content_type="application/json")
        status, body = response.status_code, _body(response)
        leaked = [m for m in beta.markers if m in body]
        if leaked:
            problems.append(f"{method.upper()} {path} [{kind}] answered {status} with Beta's private data {leaked}")
        if status >= 500:
            problems.append(f"{method.upper()} {path} [{kind}] answered {status}")
        ok = _allowed(route, kind, public, method, status, response)
        if not ok:
            problems.append(f"{method.upper()} {path} [{kind}, {'public' if public else 'private'} object] "
                            f"answered {status}")
    return problems


def _allowed(route: Route, kind: str, public: bool, method: str, status: int, response) -> bool:
    if kind == "private" or (kind == "public" and not public):
        if route.admin:  # out of scope: back to the admin's index; the bare object URL: on to its change page
            location = response.get("Location", "")
            return status in DENIED | {405} or (status == 302 and (
                location in ("/admin/", "/admin") or route.name == "" and location.endswith("/change/")))
        return status in DENIED | {405}
    if kind == "manager":
        return status in DENIED | {405} or (status == 302 and "/login/" in response.get("Location", ""))
    if kind == "public":
        # A public object may lack the asked form (no issuer image; a PNG, not an SVG): any answer but a fault. A
        # write to it may be refused, or ignored by a read-only page: the comparison of the records decides.
        return status < 500
    return True  # own: scoped to the caller; the markers decide


def test_every_url_of_the_plugin_is_covered_by_the_matrix():
    """Every route has a kind, and every parameter of every route a rule (a new endpoint needs no edit here)."""
    found = routes()
    assert len([r for r in found if not r.admin]) > 60 and any(r.admin for r in found)
    unknown = [name for name in {r.template.split("admin/cities_network_plugin/", 1)[1].split("/", 1)[0]
                                 for r in found if r.admin and "<path:object_id>" in r.template}
               if name not in ADMIN_OBJECTS]
    assert not unknown, f"admin models without a Beta object rule: {unknown}"


def test_city_alpha_admin_sees_nothing_private_of_city_beta_anywhere(admin_a, city_b, admin_b, make_user):
    beta = build_beta(city_b, admin_b, make_user)
    anonymous = Client()
    for award_path in (f"/cities-network/ob/v3/credentials/{beta.objects['award'].uuid}",
                       f"/cities-network/ob/v2/issuers/{beta.objects['profile'].slug}"):
        anonymous.get(award_path)  # first reads create what public documents need (issuer profile, status entry)
    before = fingerprint()
    client = Client()
    client.force_login(admin_a)
    problems, tried = [], 0
    for route in routes():
        model = route.template.split("admin/cities_network_plugin/", 1)[1].split("/", 1)[0] if route.admin else ""
        if model in NETWORK_MODELS and "<path:object_id>" in route.template:
            continue  # the network's catalogue and managers: no city's data
        for path, public in expand(route, beta):
            tried += 1
            problems += check(route, path, public, beta, client)
    assert tried > 150
    assert not problems, f"{len(problems)} problem(s) in {tried} URLs:\n" + "\n".join(problems)
    assert fingerprint() == before, "a request of Alpha's admin changed records"
