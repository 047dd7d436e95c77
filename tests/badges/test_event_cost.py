"""
What one learning event costs the database, and that what it no longer looks up is still done when it is there: a
city's webhooks, the classes that count the awarded badge, the course's opportunity, a standing that already exists.
"""
import datetime
import socket

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award, CourseStanding, LearnerEvent
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import WebhookDelivery

from .conftest import COURSE, COURSE_2, send_passing

PASS = {"kind": "course_passed", "target": COURSE}
TX_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def data_statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(TX_CONTROL)]


@pytest.fixture
def counted_event(events, settings, make_user):
    """
    Send one passing event for a new learner and return its statements. The award email is off (another task), and
    so is Open Badges 3.0 signing: where it is configured, the award's status list position costs three statements
    more after the commit (tests/openbadges/test_get_writes_nothing.py counts them).
    """
    settings.CITIES_NETWORK_AWARD_EMAILS = False
    settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET = ""
    settings.CITIES_NETWORK_KEY_FILES_DIR = ""

    def _send(course=COURSE):
        events(send_passing, make_user("warm-up"), course=course)  # the worker's cache of definitions, warm
        learner = make_user("counted")
        with CaptureQueriesContext(connection) as captured:
            events(send_passing, learner, course=course)
        return learner, data_statements(captured)
    return _send


@pytest.mark.django_db
def test_a_first_pass_awarding_a_plain_badge_costs_six_statements(make_class, counted_event):
    badge = make_class([{"requirements": [PASS]}])
    learner, statements = counted_event()
    assert Award.objects.filter(user=learner, badge_class=badge).exists()
    # inbox row; row and learner locked (with the course's opportunity); the classes; the standing; the award;
    # the inbox row's state. No progress (earned), no meta-badges (none counts it), no webhooks (the city has none).
    assert len(statements) == (6 if connection.vendor != "postgresql" else 7), "\n".join(statements)


@pytest.mark.django_db
def test_an_event_no_badge_needs_costs_five_statements(counted_event):
    learner, statements = counted_event(course=COURSE_2)
    assert CourseStanding.objects.get(user=learner, course_key=COURSE_2).passing
    # inbox row; lock; the classes (none); the standing; the inbox row's state
    assert len(statements) == (5 if connection.vendor != "postgresql" else 6), "\n".join(statements)


@pytest.mark.django_db
def test_the_city_webhooks_are_told_when_the_city_has_one(settings, make_class, city_a, counted_event):
    settings.CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS = 1
    with socket.socket() as sock:  # a port nobody listens on: the delivery is recorded and fails
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    webhooks_api.register(city_a, f"http://127.0.0.1:{port}/hooks")
    badge = make_class([{"requirements": [PASS]}])
    learner, statements = counted_event()
    award = Award.objects.get(user=learner, badge_class=badge)
    assert WebhookDelivery.objects.filter(event_type="badge.awarded", payload__data__award=str(award.uuid)).exists()
    assert len(statements) > 6  # the lookup (and the delivery rows) now have something to do


@pytest.mark.django_db
def test_a_switched_off_webhook_costs_nothing(make_class, city_a, counted_event):
    hook = webhooks_api.register(city_a, "https://crm.example.org/hooks")
    webhooks_api.update(hook, active=False)
    make_class([{"requirements": [PASS]}])
    _, statements = counted_event()
    assert len(statements) == (6 if connection.vendor != "postgresql" else 7), "\n".join(statements)
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_a_badge_an_active_class_counts_leads_to_the_meta_badge(make_class, counted_event):
    first = make_class([{"requirements": [PASS]}], name="First")
    # Named in another spelling (upper case, no dashes): kept as str(uuid) gives it, so the lookups find it.
    meta = make_class([{"requirements": [{"kind": "badge_earned", "target": first.uuid.hex.upper()}]}],
                      name="Master")
    assert meta.groups.get().requirements.get().target == str(first.uuid)
    learner, _ = counted_event()
    assert set(Award.objects.filter(user=learner).values_list("badge_class__name", flat=True)) == {"First", "Master"}


@pytest.mark.django_db
def test_a_draft_meta_class_is_not_looked_for(make_class, counted_event):
    first = make_class([{"requirements": [PASS]}], name="First")
    make_class([{"requirements": [{"kind": "badge_earned", "target": str(first.uuid)}]}], name="Master",
               status="draft")
    learner, statements = counted_event()
    assert list(Award.objects.filter(user=learner).values_list("badge_class__name", flat=True)) == ["First"]
    assert len(statements) == (6 if connection.vendor != "postgresql" else 7), "\n".join(statements)


@pytest.mark.django_db
def test_the_lookup_says_what_each_class_needs(make_class, city_a):
    first = make_class([{"requirements": [PASS]}], name="First")
    make_class([{"requirements": [{"kind": "badge_earned", "target": str(first.uuid)}]}], name="Master")
    webhooks_api.register(city_a, "https://crm.example.org/hooks")
    [found] = engine.candidate_classes([("course_passed", COURSE)])
    assert (found.pk, found.counted_by_active, found.issuer_has_webhooks) == (first.pk, True, True)
    [again] = engine.candidate_classes([("course_passed", COURSE)])
    assert again is not found  # each lookup its own copy: the flags are never shared between events


@pytest.mark.django_db
def test_the_course_opportunity_is_completed_by_passing(make_class, city_a, counted_event):
    course = opportunities_api.create_opportunity(city_a, {"title": "Bikes", "course_key": COURSE,
                                                           "status": "published"})
    learner, _ = counted_event()
    assert course.completions.get(user=learner).source == "course_passed"


@pytest.mark.django_db
def test_an_older_event_after_a_newer_one_changes_nothing(make_class, learner, events):
    badge = make_class([{"requirements": [PASS]}], revoke_when_passing_lost=True)
    now = datetime.datetime.now(datetime.UTC)
    events(send_passing, learner, time=now)
    events(send_passing, learner, is_passing=False, time=now - datetime.timedelta(hours=1))  # late, older
    standing = CourseStanding.objects.get(user=learner, course_key=COURSE)
    assert standing.passing and standing.passing_at == now
    assert not Award.objects.get(user=learner, badge_class=badge).revoked
    assert LearnerEvent.objects.filter(state="processed").count() == 2
    events(send_passing, learner, is_passing=False, time=now + datetime.timedelta(hours=1))  # newer: it decides
    assert not CourseStanding.objects.get(user=learner, course_key=COURSE).passing
    assert Award.objects.get(user=learner, badge_class=badge).revoked


@pytest.mark.skipif(connection.vendor not in ("mysql", "sqlite"), reason="PostgreSQL keeps the savepoint")
@pytest.mark.django_db(transaction=True)
def test_a_broken_unique_key_undoes_that_insert_only_and_needs_no_savepoint(make_class, learner):
    badge = make_class([{"requirements": [PASS]}])
    with transaction.atomic():
        first, _ = engine.award(learner, badge, {}, announce=False)
        CourseStanding.objects.create(user=learner, course_key=COURSE)  # written before the conflict
        with CaptureQueriesContext(connection) as captured:
            again, created = engine.award(learner, badge, {}, announce=False)  # the INSERT breaks the unique key
        assert (again.pk, created) == (first.pk, False)
        CourseStanding.objects.create(user=learner, course_key=COURSE_2)  # the transaction goes on
    assert Award.objects.count() == 1
    assert set(CourseStanding.objects.values_list("course_key", flat=True)) == {COURSE, COURSE_2}
    savepoints = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" in q["sql"].upper()]
    assert savepoints == [], "MySQL/MariaDB and SQLite undo the failed INSERT alone: no savepoint is needed"
