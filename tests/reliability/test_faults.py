"""
Faults injected in evaluation and in notification. The sender (the platform's grade or certificate code) never sees
an exception; a fault in evaluation leaves the inbox row failed with its error and nothing half-written, and a
retry completes it; a fault in a notice never undoes the award, and the notice can be sent again.

These run in this process with Celery eager (as the default tiers do), on the tier's MariaDB: one of the faults is
the database's own (a trigger that refuses award rows).
"""
from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from openedx_events.learning.signals import BADGE_AWARDED

from cities_network_plugin.badges import announcements, engine, pipeline
from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import Award, BadgeProgress, CourseStanding, EventState, LearnerEvent
from cities_network_plugin.badges.tasks import process_learner_event, send_award_email
from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import WebhookDelivery

from tests.badges.conftest import COURSE, send_passing

PASS = {"kind": "course_passed", "target": COURSE}


class FailingEmailBackend:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):  # pylint: disable=unused-argument
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down (injected)")


@pytest.fixture
def badge(city_a):
    return badges_api.create_class(city_a, {"name": "Bike mechanic", "description": "d", "criteria_narrative": "c",
                                            "status": "active", "groups": [{"requirements": [PASS]}]})


def _send(events, learner):
    """Send the event as the platform does; any exception reaching the sender fails the test."""
    try:
        events(send_passing, learner)
    except Exception as exc:  # pylint: disable=broad-except
        pytest.fail(f"the sender saw an exception: {exc!r}")


def _nothing_half_written():
    assert not Award.objects.exists(), "no award from a failed evaluation"
    assert not BadgeProgress.objects.exists(), "no progress from a failed evaluation"
    assert not CourseStanding.objects.filter(passing=True).exists(), "the standing change was rolled back too"


def _retry(row: LearnerEvent) -> None:
    """What Celery's retry (or the sweeper) does: run the task again for the row."""
    process_learner_event.apply(args=[row.pk])
    row.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["evaluate", "load_facts", "store_progress_many", "candidate_classes"])
def test_a_fault_in_evaluation_is_kept_on_the_inbox_and_a_retry_completes_it(where, badge, learner, events, caplog):
    with mock.patch.object(engine, where, side_effect=RuntimeError(f"injected fault in {where}")):
        _send(events, learner)
    row = LearnerEvent.objects.get()
    assert (row.state, row.attempts) == (EventState.FAILED, 1)
    assert row.error == f"RuntimeError: injected fault in {where}"
    assert "processing event" in caplog.text
    _nothing_half_written()
    _retry(row)
    assert (row.state, row.attempts, row.error) == (EventState.PROCESSED, 2, "")
    assert Award.objects.filter(user=learner, badge_class=badge).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_database_fault_while_awarding_is_kept_and_a_retry_completes_it(badge, learner, events):
    """The database itself refuses award rows (a trigger raising an error), then accepts them again."""
    if connection.vendor != "mysql":
        pytest.skip("the trigger is MariaDB's")
    table = Award._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TRIGGER cn_reliability_fault BEFORE INSERT ON `{table}` FOR EACH ROW "
                       "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected: the award table refuses rows'")
    try:
        _send(events, learner)
        row = LearnerEvent.objects.get()
        assert row.state == EventState.FAILED and "the award table refuses rows" in row.error
        _nothing_half_written()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS cn_reliability_fault")
    _retry(row)
    assert row.state == EventState.PROCESSED
    assert Award.objects.filter(user=learner, badge_class=badge).count() == 1


@pytest.mark.django_db
def test_a_fault_in_every_notice_never_undoes_the_award_and_each_notice_can_be_sent_again(
        badge, learner, city_a, events, caplog):
    webhooks_api.register(city_a, "http://127.0.0.1:9/hook", events=["badge.awarded"])

    def broken_listener(**kwargs):
        raise RuntimeError("a BADGE_AWARDED listener failed (injected)")

    BADGE_AWARDED.connect(broken_listener)
    try:
        with override_settings(EMAIL_BACKEND=f"{__name__}.FailingEmailBackend"), \
                mock.patch.object(webhooks_api, "_notify", side_effect=RuntimeError("webhooks down (injected)")), \
                caplog.at_level(logging.ERROR):
            _send(events, learner)
    finally:
        BADGE_AWARDED.disconnect(broken_listener)
    row = LearnerEvent.objects.get()
    assert (row.state, row.error) == (EventState.PROCESSED, ""), "a notice's fault is not the event's"
    award = Award.objects.get(user=learner, badge_class=badge)
    assert not award.revoked
    assert "webhooks down" in caplog.text
    assert not mail.outbox and not WebhookDelivery.objects.exists()

    # Sent again (the email task's retry; the webhooks by announcing again: their event id is derived, so once).
    send_award_email.apply(args=[award.pk])
    assert [m.to for m in mail.outbox] == [[learner.email]]
    with mock.patch("cities_network_plugin.webhooks.tasks.deliver_webhook.apply_async"):
        announcements.announce_award(award.pk)
        announcements.announce_award(award.pk)
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.django_db
def test_a_fault_while_recording_never_reaches_the_sender_and_loses_nothing_it_had(badge, learner, caplog):
    """The inbox itself cannot be written: the sender goes on, the failure is logged with the event."""
    with mock.patch.object(pipeline.LearnerEvent, "save", side_effect=RuntimeError("inbox down (injected)")):
        send_passing(learner)
    assert "could not be recorded" in caplog.text
    assert not LearnerEvent.objects.exists() and not Award.objects.exists()
