"""
Figure (a): completion events to awards, end to end.

Each event is the platform's ``COURSE_PASSING_STATUS_UPDATED`` sent with the real openedx-events signal, outside
any transaction (as the LMS commits a grade): the receiver writes the inbox row, its commit queues the task, the
task runs eagerly (Celery's ``task_always_eager``, as in the test host) and awards the one active class that
requires the course; the award's after-commit notices (the ``BADGE_AWARDED`` signal, the learner's email task, the
city's webhooks) run too, and so does the email task (Celery being eager; its statements are counted apart, as
"email task"). Every event is a new learner's first pass, so every event makes exactly one award.

Scenarios: 10 and 5,000 active classes, spread over 1 and 200 issuing cities. ``queries_per_event`` counts the
data statements (SELECT, INSERT, UPDATE, DELETE) the whole path sends, per phase; transaction control (BEGIN,
SAVEPOINT, RELEASE) is counted apart. The ``floor`` inserts the same number of award rows one by one with
``Award.objects.create`` in autocommit: what one row costs the database, with no logic at all.
"""
from __future__ import annotations

import secrets
import time
import uuid

from django.db import connection, transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import CourseData, CoursePassingStatusData, UserData, UserPersonalData
from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

from cities_network_plugin.badges import announcements, emails, engine, pipeline
from cities_network_plugin.badges.models import (
    Award,
    BadgeClass,
    BadgeStatus,
    CourseStanding,
    LearnerEvent,
    Requirement,
    RequirementGroup,
)
from cities_network_plugin.tenancy.models import City, CityStatus

from .common import StatementCounter, make_users, progress, wipe, wrap_phase

SCENARIOS = ((10, 1), (10, 200), (5000, 1), (5000, 200))
WARMUP = 20


def course_of(index: int) -> str:
    return f"course-v1:BenchX+C{index}+2026"


def make_cities(count: int, prefix: str = "bench") -> list[City]:
    """``count`` member cities, written in bulk (their onboarding detectors are not what is measured)."""
    cities = [City(slug=f"{prefix}-{n}", name=f"Bench city {n}", country="LT", status=CityStatus.MEMBER,
                   timezone="Europe/Vilnius", languages=["en"]) for n in range(count)]
    City.objects.bulk_create(cities, batch_size=1000)
    return list(City.objects.filter(slug__startswith=f"{prefix}-").order_by("pk"))


def make_classes(count: int, cities: list[City], course=course_of, start: int = 0) -> list[BadgeClass]:
    """``count`` active classes, round robin over ``cities``, each requiring one course of its own."""
    classes = [BadgeClass(issuer_city=cities[n % len(cities)] if cities else None, name=f"Bench badge {n}",
                          description="A badge of the benchmark.", criteria_narrative="Pass the course.",
                          status=BadgeStatus.ACTIVE) for n in range(start, start + count)]
    BadgeClass.objects.bulk_create(classes, batch_size=1000)
    classes = list(BadgeClass.objects.filter(name__startswith="Bench badge ").order_by("pk"))[-count:]
    groups = RequirementGroup.objects.bulk_create(
        [RequirementGroup(badge_class=c, position=0, min_required=1) for c in classes], batch_size=1000)
    Requirement.objects.bulk_create(
        [Requirement(group=g, kind="course_passed", target=course(start + n)) for n, g in enumerate(groups)],
        batch_size=1000)
    return classes


def _user_data(user_id: int, username: str) -> UserData:
    return UserData(id=user_id, is_active=True,
                    pii=UserPersonalData(username=username, email=f"{username}@example.com", name=""))


def send_event(user_id: int, username: str, course: str) -> None:
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=CourseKey.from_string(course)),
        user=_user_data(user_id, username)))


def _instrument(counter: StatementCounter) -> list:
    """Attribute statements to the receiver, the task and the after-commit notices."""
    undo = [
        wrap_phase(counter, pipeline, "record", "receiver"),
        wrap_phase(counter, pipeline, "process_event", "task"),
        wrap_phase(counter, announcements, "announce_award", "notices"),
        # The learner's email is a task of its own (run here at once, as Celery is eager): its statements apart.
        wrap_phase(counter, emails, "send_award_email", "email task"),
    ]
    return undo


def run_scenario(classes_count: int, cities_count: int, events: int) -> dict:
    wipe()
    cities = make_cities(cities_count)
    classes = make_classes(classes_count, cities)
    users = make_users(events + WARMUP, f"c{classes_count}k{cities_count}u")
    # Warm up (imports, template loading; the worker's cache of class definitions, as a long-running worker has
    # it: a class it has not read since the class last changed costs one more statement, once); not measured.
    engine.definitions({pk: (uuid, modified) for pk, uuid, modified in BadgeClass.objects.filter(
        pk__in=[c.pk for c in classes]).values_list("pk", "uuid", "modified")})
    for n in range(WARMUP):
        send_event(users[n], f"c{classes_count}k{cities_count}u{n + 1}", course_of(n % classes_count))
    counter = StatementCounter()
    undo = _instrument(counter)
    awards_before = Award.objects.count()
    try:
        with counter.counting():
            start = time.perf_counter()
            for n in range(WARMUP, WARMUP + events):
                # Courses chosen across all the classes, so the index, not a cache, finds the class.
                send_event(users[n], f"c{classes_count}k{cities_count}u{n + 1}", course_of((n * 7919) % classes_count))
            elapsed = time.perf_counter() - start
    finally:
        for func in undo:
            func()
    made = Award.objects.count() - awards_before
    if made != events:
        raise AssertionError(f"expected {events} awards from {events} events, got {made}")
    floor = measure_floor(classes, events)
    statements = measure_statements_floor(classes, events)
    rate = events / elapsed
    return {
        "classes": classes_count, "cities": cities_count, "events": events, "awards": made,
        "seconds": round(elapsed, 3), "events_per_s": round(rate, 1),
        # The event's own path: receiver, task and after-commit notices; the email task (another task) apart.
        "queries_per_event": round((counter.total_data - counter.data["email task"]) / events, 2),
        "queries_per_event_with_email_task": round(counter.total_data / events, 2),
        "queries_per_event_by_phase": {k: round(v / events, 2) for k, v in sorted(counter.data.items())},
        "tx_control_per_event": round(counter.total_control / events, 2),
        # Where the time goes, per event: each phase without the phases it runs (the notices run inside the task's
        # commit, the email task inside the notices); "outside" is the signal, the receiver's wrapper and Celery.
        "ms_per_event_by_phase": {**{k: round(v * 1000 / events, 2) for k, v in sorted(counter.seconds.items())},
                                  "outside": round((elapsed - sum(counter.seconds.values())) * 1000 / events, 2)},
        "floor_rows_per_s": round(floor, 1), "ratio_to_floor": round(rate / floor, 3),
        # The event's six statements alone, as raw SQL: the most any implementation of them could reach.
        "statements_alone_per_s": round(statements, 1), "statements_alone_ratio_to_floor": round(statements / floor, 3),
        "statements_of_one_event": trace_one_event(users[-1] + 0, classes_count),
    }


def trace_one_event(last_user: int, classes_count: int) -> list[str]:
    """The statements of one more event, in order, with their phase: what the docs list."""
    [user_id] = make_users(1, f"trace{classes_count}x{secrets.token_hex(3)}u")
    username = get_username(user_id)
    trace: list[str] = []
    counter = StatementCounter()

    def record(execute, sql, params, many, context):
        trace.append(f"{getattr(counter._phase, 'name', 'other')}: {sql[:150]}")  # pylint: disable=protected-access
        return execute(sql, params, many, context)

    undo = _instrument(counter)
    try:
        with connection.execute_wrapper(record):
            send_event(user_id, username, course_of(last_user % classes_count))
    finally:
        for func in undo:
            func()
    return trace


def get_username(user_id: int) -> str:
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    return get_user_model().objects.values_list("username", flat=True).get(pk=user_id)


def measure_floor(classes: list[BadgeClass], rows: int) -> float:
    """The same number of award rows, one ``Award.objects.create`` each in autocommit: rows per second."""
    users = make_users(rows, f"floor{len(classes)}x{secrets.token_hex(3)}u")
    now = timezone.now()
    start = time.perf_counter()
    for n, user_id in enumerate(users):
        Award.objects.create(badge_class=classes[(n * 7919) % len(classes)], user_id=user_id, attempt=1,
                             recipient_email=f"floor{n}@example.com", recipient_name="Floor",
                             salt=secrets.token_hex(16), issued_at=now, expires_at=None,
                             evidence={"floor": True})
    return rows / (time.perf_counter() - start)


def measure_statements_floor(classes: list[BadgeClass], rows: int) -> float:
    """
    The event's own statements with nothing around them: the same six, written out as SQL and sent through the
    same connection (the inbox row in autocommit; then, in one transaction, the row and its learner locked, the
    candidate classes, the standing, the award, the row's state), with no ORM, no signal, no Celery, no notices.
    Events per second: what any code sending these statements could reach at most on this database.
    """
    users = make_users(rows, f"stmt{len(classes)}x{secrets.token_hex(3)}u")
    quote = connection.ops.quote_name
    inbox, standing, award = (quote(m._meta.db_table) for m in (LearnerEvent, CourseStanding, Award))
    lock = (f"SELECT * FROM {inbox} e LEFT OUTER JOIN {quote('auth_user')} u ON e.user_id = u.id "  # noqa: S608
            f"WHERE e.id = %s" + (" FOR UPDATE" if connection.features.has_select_for_update else ""))
    payload = '{"course_key": "x", "is_passing": true}'
    now = timezone.now()
    db_now = Award._meta.get_field("issued_at").get_db_prep_save(now, connection)
    start = time.perf_counter()
    for n, user_id in enumerate(users):
        course = course_of((n * 7919) % len(classes))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {inbox} (event_id, event_type, user_id, target, payload, occurred_at, "  # noqa: S608
                "received_at, state, attempts, error) VALUES (%s, %s, %s, %s, %s, %s, %s, 'pending', 0, '')",
                [secrets.token_hex(16), "bench.statements", user_id, course, payload, db_now, db_now])
            event_pk = cursor.lastrowid
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(lock, [event_pk])
            cursor.fetchall()
            [(class_pk, *_)] = engine._candidate_statement((("course_passed", 1),)).run([course])  # pylint: disable=protected-access
            cursor.execute(f"INSERT INTO {standing} (user_id, course_key, passing, passing_at, grade, "  # noqa: S608
                           "certificate_mode, certificate_status) VALUES (%s, %s, %s, %s, '', '', '')",
                           [user_id, course, True, db_now])
            cursor.execute(f"INSERT INTO {award} (uuid, badge_class_id, user_id, attempt, recipient_email, "  # noqa: S608
                           "recipient_name, salt, issued_at, revoked, revocation_reason, evidence, tally) "
                           "VALUES (%s, %s, %s, 1, %s, %s, %s, %s, %s, '', %s, 0)",
                           [uuid.uuid4().hex, class_pk, user_id, "floor@example.com", "Floor", secrets.token_hex(16),
                            db_now, False, '{"floor": true}'])
            cursor.execute(f"UPDATE {inbox} SET state = 'processed', attempts = 1, processed_at = %s "  # noqa: S608
                           "WHERE id = %s", [db_now, event_pk])
    return rows / (time.perf_counter() - start)


def run(events: int = 500) -> dict:
    results = []
    for classes_count, cities_count in SCENARIOS:
        progress(f"(a) pipeline: {classes_count:,} classes, {cities_count} cities, {events} events")
        results.append(run_scenario(classes_count, cities_count, events))
        row = results[-1]
        progress(f"    {row['events_per_s']} events/s, {row['queries_per_event']} queries/event "
                 f"{row['queries_per_event_by_phase']}, floor {row['floor_rows_per_s']} rows/s, "
                 f"ratio {row['ratio_to_floor']}; the six statements alone {row['statements_alone_per_s']}/s "
                 f"(ratio {row['statements_alone_ratio_to_floor']}); ms per event {row['ms_per_event_by_phase']}")
    return {"scenarios": results}
