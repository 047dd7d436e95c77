"""
Every operation of ``/cities-network/api/v1/schema/``, called with generated requests (schemathesis) as a city admin,
as a learner and anonymously: no answer is a 5xx, and every answer is one the schema documents (status code, content
type, body). See ``conftest`` for how the tier runs and how long.
"""
from __future__ import annotations

import datetime
import uuid

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.onboarding.models import CommunityCall, ImpactReview, IntroductoryMeeting
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import attendance
from cities_network_plugin.opportunities.models import Playlist
from cities_network_plugin.tenancy.models import Stakeholder
from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import WebhookDelivery

from .conftest import ANSWERS, EXAMPLES
from tests.host.platform_standin import jwt_cookies
from tests.openapi_schema import schema

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
COURSE = "course-v1:AlphaX+Bikes+2026"
# Fixed keys, so that the path parameters can name the real objects whatever test made them.
KEYS = {
    "opportunity": uuid.UUID("0a000000-0000-4000-8000-000000000001"),
    "playlist": uuid.UUID("0a000000-0000-4000-8000-000000000002"),
    "badge": uuid.UUID("0a000000-0000-4000-8000-000000000003"),
}


@pytest.fixture
def network(city_a, city_b, admin_a, learner):  # noqa: ARG001 - city_b: the city Alpha's admin may not see
    """City Alpha with something behind every path of the API, and City Beta, which Alpha's admin may not see."""
    now = timezone.now()
    stakeholder = Stakeholder.objects.create(city=city_a, name="Library", kind="community",
                                             website="https://library.example.org/")
    opportunity = opportunities_api.create_opportunity(city_a, {
        "title": "Repair café", "kind": "workshop", "status": "published", "organiser": stakeholder,
        "start": now + datetime.timedelta(days=3), "end": now + datetime.timedelta(days=3, hours=2),
        "latitude": "54.687200", "longitude": "25.279700", "url": "https://example.org/repair"})
    opportunity.uuid = KEYS["opportunity"]
    opportunity.save(update_fields=["uuid"])
    opportunities_api.create_opportunity(city_a, {"title": "Coding club", "kind": "activity", "online": True,
                                                  "status": "draft"})
    opportunities_api.create_opportunity(city_a, {"title": "Bikes course", "status": "published",
                                                  "course_key": COURSE})
    playlist = Playlist.objects.create(city=city_a, title="Fix it yourself", status="published",
                                       uuid=KEYS["playlist"])
    opportunities_api.set_playlist_items(playlist, [(opportunity, True)])
    badge = badges_api.create_class(city_a, {"name": "Bike mechanic", "description": "Fixes bicycles.",
                                             "criteria_narrative": "Repair three bicycles.", "status": "active",
                                             "groups": [{"requirements": [{"kind": "manual"}]}]})
    badge.uuid = KEYS["badge"]
    badge.save(update_fields=["uuid"])
    award = badges_api.manual_award(badge, learner, "Repaired three bicycles.", admin_a)
    attendance.record_attendance(opportunity, learner, admin_a)
    attendance.create_claim_code(opportunity, now - datetime.timedelta(hours=1), now + datetime.timedelta(days=1))
    webhook = webhooks_api.register(city_a, "http://127.0.0.1:9/alpha-hook", events=["badge.awarded"])
    webhooks_api.notify(city_a, "badge.awarded", {"note": "a notice"})
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    IntroductoryMeeting.objects.create(city=city_a, held_on=now.date(), notes="Met the network.")
    ImpactReview.objects.create(city=city_a, reviewed_on=now.date(), summary="Reached 40 learners.",
                                learners_reached=40)
    call = CommunityCall.objects.create(title="Network call", held_on=now.date())
    call.attendees.add(city_a)
    return {
        "slug": ["alpha", "beta"], "username": [admin_a.username, learner.username], "org": ["AlphaX"],
        "step_key": ["express-interest"], "course_key": [COURSE], "delivery_id": [delivery.pk],
        "id": {"stakeholders": stakeholder.pk, "webhooks": webhook.pk, "community-calls": call.pk},
        "uuid": {"opportunities": opportunity.uuid, "playlists": playlist.uuid, "badges": badge.uuid,
                 "awards": award.uuid},
    }


def _real_values(path: str, name: str, network: dict) -> list:
    """The real objects a path parameter may name: by its name, or for ``id`` and ``uuid`` by the segment before."""
    known = network.get(name)
    if isinstance(known, dict):
        segments = path.strip("/").split("/")
        segment = segments[segments.index(f"{{{name}}}") - 1]
        return [known[segment]] if segment in known else []
    return list(known or [])


SCHEMA = schemathesis.openapi.from_dict(schema())  # as the LMS host's view serves it
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
CALLERS = ["city admin", "learner", "anonymous"]
MOSTLY = st.sampled_from([True, True, True, False])  # True three times in four (and where hypothesis shrinks to)


@pytest.fixture
def wsgi_app():
    """The LMS host's WSGI application, called in this process and in this test's transaction."""
    # As Django's test client does: a request must not close the test's connection (it is inside a transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    application = get_wsgi_application()

    def app(environ, start_response):
        # Every WSGI server gives the client's address; werkzeug's test client, which schemathesis calls, does not.
        return application({"REMOTE_ADDR": "127.0.0.1", **environ}, start_response)

    try:
        yield app
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def cases(operation):
    """Valid and invalid requests of the operation (schemathesis' positive and negative modes)."""
    return st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_generated_requests_get_documented_answers(operation, caller, network, wsgi_app, admin_a, learner):
    user = {"city admin": admin_a, "learner": learner, "anonymous": None}[caller]
    headers = {"Authorization": f"JWT {jwt_cookies.create_jwt(user, 3600)}"} if user is not None else {}

    @SETTINGS
    @given(case=cases(operation), data=st.data())
    def check(case, data):
        # Most requests name real objects, and the first page (a generated page number is past the last: 404).
        for name in list(case.path_parameters or {}):
            real = _real_values(operation.path, name, network)
            if real and data.draw(MOSTLY, label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(real), label=name)
        if isinstance(case.query, dict) and "page" in case.query and data.draw(MOSTLY, label="first page"):
            del case.query["page"]
        # One request, its answer checked; what it wrote is rolled back, so the next finds the same data.
        with transaction.atomic():
            response = case.call_and_validate(headers=headers, checks=CHECKS, app=wsgi_app)
            ANSWERS[(caller, response.status_code)] += 1
            transaction.set_rollback(True)

    check()
