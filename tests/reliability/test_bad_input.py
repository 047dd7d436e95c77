"""
Generated bad input (hypothesis) for the API, the CSV imports, learning event payloads and badge images: every
answer is a clear 4xx (a JSON body saying what is wrong) or a success, never a 500 or an exception, and a refused
input leaves nothing half-written (the plugin's records are exactly as before).
"""
from __future__ import annotations

import datetime
import json
import string
import struct
import zlib
from unittest import mock

import pytest
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import backfill, pipeline, receivers
from cities_network_plugin.badges.images import validate_badge_image
from cities_network_plugin.badges.models import Award, CourseStanding, EventState, LearnerEvent
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import csv_io

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])

# --- Values of every JSON type, and text with the characters that break parsers ---------------------------------
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80) | st.sampled_from([
    "", " ", "\x00", "null", "-1", "1e309", "NaN", "2026-02-30", "9999-99-99T99:99", "course-v1:", "<script>",
    "' OR 1=1 --", "../../etc/passwd", "=cmd|' /C calc'!A0", "\u202e", "a" * 300, "http://", "javascript:alert(1)",
])
SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70) | st.floats() | TEXT
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)


def body_for(fields: list[str]):
    """A request body: the endpoint's own field names (some of them) with values of any type, or anything at all."""
    return st.one_of(st.dictionaries(st.sampled_from(fields), JSON, max_size=len(fields)), JSON)


def records() -> str:
    """Every record of the plugin, serialised: what a refused request must leave as it was."""
    models = [m for m in apps.get_app_config("cities_network_plugin").get_models() if not m._meta.proxy]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


def assert_clear_answer(response, before: str) -> None:
    status = response.status_code
    assert status < 500, f"{status}: {response.content[:300]!r}"
    if status >= 400:
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        assert json.loads(response.content), "an error answer says what is wrong"
        assert records() == before, "a refused request wrote something"


# --- The API ------------------------------------------------------------------------------------------------------

ENDPOINTS = [
    ("post", "/cities-network/api/v1/cities/alpha/opportunities/",
     ["title", "kind", "description", "start", "end", "online", "place_name", "address", "latitude", "longitude",
      "url", "organiser", "language", "skills", "status", "course_key", "cities"]),
    ("post", "/cities-network/api/v1/cities/alpha/badges/",
     ["name", "description", "criteria_narrative", "alignments", "tags", "expiry_rule", "expires_on",
      "expires_after_days", "status", "allow_reearning", "groups"]),
    ("post", "/cities-network/api/v1/cities/alpha/stakeholders/",
     ["name", "kind", "engagement", "contact_name", "contact_email", "contact_phone", "website", "notes"]),
    ("post", "/cities-network/api/v1/cities/alpha/webhooks/", ["url", "description", "events", "active"]),
    ("post", "/cities-network/api/v1/cities/alpha/team/", ["user", "role"]),
    ("post", "/cities-network/api/v1/cities/alpha/playlists/", ["title", "description", "status", "items"]),
    ("patch", "/cities-network/api/v1/cities/alpha/onboarding/express-interest/",
     ["status", "evidence_note", "evidence_url", "reason", "override"]),
    ("post", "/cities-network/api/v1/claim/", ["code"]),
    ("get", "/cities-network/api/v1/reports/network/", ["date_from", "date_to", "country", "status"]),
    ("get", "/cities-network/api/v1/cities/alpha/opportunities/",
     ["kind", "date_from", "date_to", "mode", "skill", "language", "q"]),
]


@pytest.mark.parametrize(("method", "path", "fields"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_the_api_answers_bad_bodies_with_a_clear_4xx_and_writes_nothing(method, path, fields, admin_a,
                                                                        network_manager):
    client = Client()
    client.force_login(network_manager if "reports" in path else admin_a)
    client.get(path)  # what a first read sets up by itself (the city's journey rows) is not the request's doing

    @SETTINGS
    @given(body=body_for(fields))
    def check(body):
        before = records()
        if method == "get":
            query = {str(k): json.dumps(v) if not isinstance(v, str) else v for k, v in body.items()} \
                if isinstance(body, dict) else {"q": json.dumps(body)}
            response = client.get(path, query)
        else:
            response = getattr(client, method)(path, data=json.dumps(body), content_type="application/json")
        assert_clear_answer(response, before)

    with mock.patch("cities_network_plugin.webhooks.api.check_destination"):  # no DNS lookups of generated hosts
        check()


def test_the_api_answers_bodies_that_are_not_json_with_a_clear_4xx(admin_a):
    client = Client()
    client.force_login(admin_a)

    @SETTINGS
    @given(raw=st.binary(max_size=200) | TEXT.map(str.encode))
    def check(raw):
        before = records()
        response = client.post("/cities-network/api/v1/cities/alpha/opportunities/", data=raw,
                               content_type="application/json")
        assert_clear_answer(response, before)

    check()


# --- CSV imports --------------------------------------------------------------------------------------------------

CELL = TEXT | st.sampled_from(["workshop", "course", "event", "published", "draft", "true", "no", "54.68", "-200",
                               "2026-06-01 18:00", "2026-13-01", "alpha", "beta", "nowhere", "http://x", "lt"])


def csv_text():
    header = st.lists(st.sampled_from(list(csv_io.COLUMNS) + ["", "extra", "Title", "uuid"]), min_size=0, max_size=8)
    row = st.lists(CELL, max_size=9)

    def build(parts):
        head, rows, delimiter = parts
        lines = [delimiter.join(head)] + [delimiter.join(r) for r in rows]
        return "\n".join(lines)

    structured = st.tuples(header, st.lists(row, max_size=6), st.sampled_from([",", ";", "\t"])).map(build)
    return structured | TEXT


def test_a_bad_opportunities_csv_is_refused_whole_with_line_numbers(city_a, admin_a):
    @SETTINGS
    @given(text=csv_text())
    def check(text):
        before = records()
        result = csv_io.import_opportunities(city_a, text, user=admin_a)
        if not result.ok:
            assert all(message for _, message in result.errors)
            assert all(line is None or line >= 1 for line, _ in result.errors)
            assert records() == before, "a refused import wrote something"

    check()


def test_the_csv_endpoints_answer_a_bad_file_with_a_clear_4xx(city_a, core_a):
    opportunity = opportunities_api.create_opportunity(city_a, {"title": "Repair café", "kind": "event",
                                                                "status": "published", "online": True})
    client = Client()
    client.force_login(core_a)
    path = f"/cities-network/api/v1/cities/alpha/opportunities/{opportunity.uuid}/attendance/import/"

    @SETTINGS
    @given(text=csv_text() | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
    def check(text):
        from django.core.files.uploadedfile import SimpleUploadedFile  # pylint: disable=import-outside-toplevel

        before = records()
        upload = SimpleUploadedFile("attendance.csv", text.encode("utf-8", errors="surrogatepass"), "text/csv")
        response = client.post(path, {"file": upload})
        assert_clear_answer(response, before)

    check()


def test_a_bad_backfill_csv_is_reported_line_by_line():
    @SETTINGS
    @given(text=csv_text())
    def check(text):
        outcomes, errors = backfill.read_csv(text)
        assert not (outcomes and errors) or all(isinstance(line, int) for line, _ in errors)

    check()


# --- Learning event payloads --------------------------------------------------------------------------------------

ANYTHING = JSON | st.builds(object) | st.binary(max_size=20)


def test_receivers_never_raise_whatever_the_payload(learner, caplog):
    @SETTINGS
    @given(status=ANYTHING, certificate=ANYTHING, metadata=ANYTHING | st.builds(
        lambda i, t: type("Meta", (), {"id": i, "event_type": t, "time": datetime.datetime.now(datetime.UTC)}),
        ANYTHING, ANYTHING))
    def check(status, certificate, metadata):
        receivers.passing_status_updated(signal=None, sender=None, course_passing_status=status, metadata=metadata)
        receivers.certificate_event(signal=None, sender=None, certificate=certificate, metadata=metadata)

    check()
    assert not Award.objects.exists()


EVENT_TYPES = st.sampled_from(sorted(pipeline.PASSING_EVENTS | pipeline.CERTIFICATE_EVENTS)
                              + [pipeline.COMPLETION_EVENT, "org.openedx.learning.unknown.v1", ""])
# What a JSON column holds: no NaN or infinity (MariaDB's JSON_VALID check refuses them; no receiver writes them).
STORED = st.recursive(st.none() | st.booleans() | st.integers(-(2 ** 63), 2 ** 63 - 1)
                      | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                      max_leaves=12)
PAYLOAD = st.one_of(
    st.fixed_dictionaries({}, optional={"course_key": TEXT | STORED, "is_passing": STORED, "master_course_key": TEXT,
                                        "mode": STORED, "status": STORED, "grade": STORED, "opportunity": STORED,
                                        "source": STORED}),
    STORED.filter(lambda value: value is not None),  # the column is NOT NULL: no receiver writes a null payload
)


def test_an_inbox_row_with_any_payload_is_applied_failed_or_ignored_never_raised(learner, city_a):
    badges_api.create_class(city_a, {"name": "Any", "description": "d", "criteria_narrative": "c", "status": "active",
                                     "groups": [{"requirements": [{"kind": "course_passed",
                                                                   "target": "course-v1:AlphaX+Bikes+2026"}]}]})
    counter = iter(range(10 ** 9))

    @SETTINGS
    @given(event_type=EVENT_TYPES, payload=PAYLOAD, with_user=st.booleans())
    def check(event_type, payload, with_user):
        row = LearnerEvent.objects.create(event_id=f"generated-{next(counter)}", event_type=event_type,
                                          user=learner if with_user else None, target="x", payload=payload,
                                          occurred_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
        standings = list(CourseStanding.objects.values_list("pk", "passing", "certificate_status"))
        awards = Award.objects.count()
        state = pipeline.process_event(row.pk)
        row.refresh_from_db()
        assert state in EventState.values and row.state == state
        if state in (EventState.FAILED, EventState.IGNORED):
            assert row.error, "a failed or ignored row says why"
            assert list(CourseStanding.objects.values_list("pk", "passing", "certificate_status")) == standings
            assert Award.objects.count() == awards

    check()


# --- Badge images -------------------------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_like():
    """PNG signatures followed by chunks of any size and content: headers that lie, truncated streams."""
    ihdr = st.tuples(st.integers(0, 2 ** 32 - 1), st.integers(0, 2 ** 32 - 1), st.integers(0, 255),
                     st.integers(0, 255)).map(lambda t: struct.pack(">IIBBBBB", t[0], t[1], t[2], t[3], 0, 0, 0))
    chunks = st.lists(st.tuples(st.sampled_from([b"IHDR", b"IDAT", b"IEND", b"tEXt", b"iTXt", b"zzzz"]),
                                ihdr | st.binary(max_size=64)), max_size=5)
    return chunks.map(lambda cs: b"\x89PNG\r\n\x1a\n" + b"".join(_chunk(k, d) for k, d in cs)) | st.binary(max_size=256)


def svg_like():
    names = st.sampled_from(["svg", "script", "image", "use", "foreignObject", "a", "style", "rect", "circle", "x"])
    attrs = st.dictionaries(st.sampled_from(["width", "height", "viewBox", "href", "xlink:href", "onload", "style",
                                             "xmlns", "fill"]), TEXT.map(lambda t: t.replace('"', "")), max_size=4)

    def element(parts):
        name, attributes, text = parts
        rendered = " ".join(f'{k}="{v}"' for k, v in attributes.items())
        return f"<{name} {rendered}>{text}</{name}>"

    inner = st.lists(st.tuples(names, attrs, TEXT.map(lambda t: t.replace("<", ""))).map(element), max_size=4)
    return st.tuples(attrs, inner).map(
        lambda p: ('<svg xmlns="http://www.w3.org/2000/svg" ' + " ".join(f'{k}="{v}"' for k, v in p[0].items())
                   + ">" + "".join(p[1]) + "</svg>").encode("utf-8")) | TEXT.map(str.encode)


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_a_bad_image_is_refused_with_a_validation_error_and_nothing_else(kind):
    @SETTINGS
    @given(data=png_like() if kind == "png" else svg_like(),
           filename=st.sampled_from(["badge.png", "badge.svg", "badge", "x.gif", ""]))
    def check(data, filename):
        try:
            image = validate_badge_image(data, filename=filename)
        except ValidationError as exc:
            assert exc.messages and all(exc.messages)
        else:
            assert image.content_type in ("image/png", "image/svg+xml")

    check()


def test_the_image_endpoint_answers_a_bad_image_with_a_clear_4xx(city_a, admin_a):
    badge = badges_api.create_class(city_a, {"name": "Imaged", "description": "d", "criteria_narrative": "c",
                                             "groups": [{"requirements": [{"kind": "manual"}]}]})
    client = Client()
    client.force_login(admin_a)
    path = f"/cities-network/api/v1/cities/alpha/badges/{badge.uuid}/image/"

    @SETTINGS
    @given(data=png_like() | svg_like(), name=st.text(alphabet=string.ascii_letters + ".", max_size=12))
    def check(data, name):
        from django.core.files.uploadedfile import SimpleUploadedFile  # pylint: disable=import-outside-toplevel
        from django.test.client import MULTIPART_CONTENT, encode_multipart  # pylint: disable=import-outside-toplevel

        before = records()
        body = encode_multipart("BoUnDaRy", {"image": SimpleUploadedFile(name or "x", data)})
        response = client.put(path, data=body, content_type=MULTIPART_CONTENT.replace("BoUnDaRy", "BoUnDaRy"))
        assert_clear_answer(response, before)

    check()
