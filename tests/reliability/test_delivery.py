"""
Events through the real parts, at volume: duplicated and shuffled across two Celery workers on MariaDB, and with
the broker gone for part of the run. Nothing is lost, nothing is counted twice, the order does not matter.
"""
from __future__ import annotations

import datetime
import logging
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from cities_network_plugin import queueing
from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine, sweeper
from cities_network_plugin.badges.models import Award, CourseStanding, EventState, LearnerEvent
from cities_network_plugin.reporting import api as reporting_api
from cities_network_plugin.reporting import summaries

from . import events as stream_module
from .conftest import EVENTS, FULL, Pool, _configure_celery, worker_env

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 60.0 + EVENTS / 40  # seconds for the workers to apply everything (a healthy run needs a fraction)
# Deliveries before, during and after the outage. While the broker is down, the first delivery costs the sender about
# half a second (Celery's publish retries) before the queueing error is logged; the next ones, within the pause
# (CITIES_NETWORK_BROKER_PAUSE_SECONDS), do not try the broker at all.
OUTAGE_DELIVERIES = 300 if FULL else 40


def _setup(city, count: int):
    classes = {}
    for name, definition in stream_module.class_groups().items():
        classes[name] = badges_api.create_class(city, {
            "name": f"Reliable {name}", "description": "d", "criteria_narrative": "c", "status": "active",
            **definition})
    model = get_user_model()
    model.objects.bulk_create([model(username=f"rel{n}", email=f"rel{n}@example.com") for n in range(count)])
    learners = list(model.objects.filter(username__startswith="rel").order_by("pk"))
    learners.sort(key=lambda user: int(user.username[3:]))
    return classes, learners


def _inbox_summary() -> dict:
    return {state: LearnerEvent.objects.filter(state=state).count() for state in EventState.values}


def _check_outcome(events, learners, classes) -> None:
    """Exactly the expected valid awards; at most one award per learner and class; standings from the newest."""
    names = {badge.pk: name for name, badge in classes.items()}
    index = {user.pk: n for n, user in enumerate(learners)}
    valid = {(index[user_id], names[class_id]) for user_id, class_id in
             engine.valid_awards().filter(badge_class__in=classes.values()).values_list("user_id", "badge_class_id")}
    expected = stream_module.expected_awards(events)
    missing, extra = sorted(expected - valid), sorted(valid - expected)
    assert not missing and not extra, f"{len(missing)} award(s) missing, e.g. {missing[:5]}; " \
                                      f"{len(extra)} unexpected, e.g. {extra[:5]}"
    rows = list(Award.objects.values_list("user_id", "badge_class_id"))
    assert len(rows) == len(set(rows)), "a learner holds two awards of one class"
    for award in Award.objects.filter(revoked=True):
        assert names[award.badge_class_id] == "pair" and "no longer passes" in award.revocation_reason
    standings = {(index[u], c): p for u, c, p in CourseStanding.objects.values_list("user_id", "course_key", "passing")}
    assert standings == stream_module.newest_standing(events)


class _ReportReader(threading.Thread):
    """A network manager reloading the report while the workers award and revoke: catch-ups run alongside."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.runs, self.errors = threading.Event(), 0, []

    def run(self):
        try:
            while not self.stop.is_set():
                summaries.catch_up()
                self.runs += 1
                time.sleep(0.05)
        except Exception as error:  # pylint: disable=broad-except
            self.errors.append(error)
        finally:
            connections.close_all()


def _check_report_summaries() -> None:
    """The report's kept counts equal a scan of the rows the workers wrote."""
    summaries.catch_up()
    report = reporting_api.network_report()
    filters = reporting_api.ReportFilters()
    _per_city, scanned_total = reporting_api._reach_scan(filters)  # pylint: disable=protected-access
    scanned_months = sorted((f"{m:%Y-%m}", slug or reporting_api.NETWORK, a, r) for m, slug, a, r in
                            reporting_api._awards_per_month_scan(filters))  # pylint: disable=protected-access
    assert report.awards_per_month.rows == scanned_months
    assert report.learners_total == scanned_total


def test_duplicated_shuffled_events_across_two_workers_make_exactly_the_expected_awards(workers, city_a):
    count, events, deliveries = stream_module.stream(EVENTS)
    classes, learners = _setup(city_a, count)
    workers.drain()  # what creating the city and classes queued
    workers.mark()
    reader = _ReportReader()
    reader.start()
    started = time.monotonic()
    try:
        for event in deliveries:  # each delivery its own transaction, as the LMS and the event bus consumer send them
            stream_module.deliver(event, learners[event.learner])
        sent = time.monotonic() - started
        assert LearnerEvent.objects.count() == len(events), "a redelivered event never makes a second inbox row"
        workers.wait_for(lambda: not LearnerEvent.objects.exclude(state=EventState.PROCESSED).exists(),
                         f"{len(events)} inbox rows to be processed", timeout=WAIT, state=_inbox_summary)
        workers.drain(timeout=WAIT)
    finally:
        reader.stop.set()
        reader.join(timeout=60)
    elapsed = time.monotonic() - started
    handled = workers.handled("cities_network_plugin.badges.tasks.process_learner_event")
    assert all(handled), f"both workers took part: {handled}"
    _check_outcome(events, learners, classes)
    assert not reader.errors and reader.runs > 1, (reader.errors, reader.runs)
    _check_report_summaries()
    retried = LearnerEvent.objects.filter(attempts__gt=1).count()
    logging.getLogger(__name__).warning(
        "%s deliveries (%s events) sent in %.1f s, all applied in %.1f s by workers handling %s; %s retried",
        len(deliveries), len(events), sent, elapsed, handled, retried)


@pytest.fixture
def outage_pool(own_redis, reliability_services, django_db_setup, transactional_db, celery_app,
                tmp_path):  # pylint: disable=unused-argument
    """Two workers on our own redis-server (which the test stops and starts); this process queues to it too."""
    before = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "task_publish_retry",
                                                     "broker_connection_timeout", "broker_transport_options")}
    # While the broker is down a publish fails at once instead of retrying: the receiver must return quickly.
    _configure_celery(celery_app, broker_url=own_redis.url, task_always_eager=False, task_publish_retry=False,
                      broker_connection_timeout=1, broker_transport_options={"max_retries": 0})
    pool = Pool(2, tmp_path, worker_env(connection.settings_dict["NAME"], own_redis.url), own_redis.url)
    try:
        pool.start()
        yield pool
        pool.drain(timeout=WAIT)
    finally:
        pool.stop()
        _configure_celery(celery_app, **before)


def test_events_sent_while_the_broker_is_down_wait_in_the_inbox_and_the_sweeper_completes_them(
        outage_pool, own_redis, city_a, caplog, settings):
    settings.CITIES_NETWORK_BROKER_PAUSE_SECONDS = 2  # short here, so the test does not wait for the default 30 s
    count, events, deliveries = stream_module.stream(OUTAGE_DELIVERIES * 3, seed=7)
    classes, learners = _setup(city_a, count)
    outage_pool.drain()
    before, during, after = (deliveries[:OUTAGE_DELIVERIES], deliveries[OUTAGE_DELIVERIES:2 * OUTAGE_DELIVERIES],
                             deliveries[2 * OUTAGE_DELIVERIES:])

    for event in before:
        stream_module.deliver(event, learners[event.learner])
    own_redis.stop()
    caplog.clear()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="cities_network_plugin.queueing"):
        for event in during:  # the sender sees nothing: the inbox row is written, the queueing error logged
            stream_module.deliver(event, learners[event.learner])
    down_for = time.monotonic() - started
    assert "Could not queue" in caplog.text
    assert "Did not queue" in caplog.text, "after a failure the broker is not tried for every event"
    waiting = LearnerEvent.objects.filter(state=EventState.PENDING).count()
    assert waiting > 0, "events sent while the broker is down wait in the inbox"

    own_redis.start()
    deadline = time.monotonic() + 10
    while queueing.broker_paused() and time.monotonic() < deadline:  # the pause ends: the next task tries again
        time.sleep(0.1)
    for event in after:
        stream_module.deliver(event, learners[event.learner])
    # The periodic job, as cron or Celery beat runs it: every row still waiting is queued again.
    driven = sweeper.sweep(older_than=datetime.timedelta(0))
    assert driven >= waiting - len(after)
    outage_pool.wait_for(lambda: not LearnerEvent.objects.exclude(state=EventState.PROCESSED).exists(),
                         "every inbox row to be processed after the broker came back", timeout=WAIT,
                         state=_inbox_summary)
    outage_pool.drain(timeout=WAIT)
    assert LearnerEvent.objects.count() == len(events)
    _check_outcome(events, learners, classes)
    logging.getLogger(__name__).warning("broker down for %.1f s while %s deliveries were sent; %s waited, %s swept",
                                        down_for, len(during), waiting, driven)
