"""
Queueing with the Celery broker down (a real Celery app whose broker is a Redis URL on a port nobody listens on):
the caller never sees an error, the first failure pauses queueing for the process, and the work waits in the inbox
for the sweeper.
"""
import datetime
import io
import logging
import socket

import pytest
from celery import Celery
from django.core.management import call_command
from django.utils import timezone

from cities_network_plugin import queueing
from cities_network_plugin.badges import sweeper
from cities_network_plugin.badges.models import EventState, LearnerEvent
from cities_network_plugin.badges.tasks import process_learner_event

from tests.badges.conftest import send_passing

FAILED, SKIPPED = "Could not queue", "Did not queue"


@pytest.fixture
def broker_down(settings):
    """A real Celery app whose broker is a Redis URL on a port nobody listens on, and a task of it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = Celery("broker-down", broker=f"redis://127.0.0.1:{port}/0", set_as_current=False)
    app.conf.task_always_eager = False

    @app.task(name="probe")
    def probe(number):  # pragma: no cover - never runs: its broker is down
        return number

    queueing.resume()
    settings.CITIES_NETWORK_BROKER_PAUSE_SECONDS = 60
    yield probe
    app.close()
    queueing.resume()


def messages(caplog, start: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "cities_network_plugin.queueing"
            and r.getMessage().startswith(start)]


def test_the_first_failure_pauses_queueing_and_resume_tries_again(broker_down, caplog):
    caplog.set_level(logging.WARNING)
    assert queueing.enqueue(broker_down, 1) is False
    assert queueing.broker_paused()
    assert queueing.enqueue(broker_down, 2) is False
    assert queueing.enqueue(process_learner_event, 3) is False  # any task of this process: the pause is the process's
    assert len(messages(caplog, FAILED)) == 1, "the broker is tried once, not for every task"
    skipped = messages(caplog, SKIPPED)
    assert len(skipped) == 2 and "probe(2,)" in skipped[0] and "process_learner_event(3,)" in skipped[1]
    queueing.resume()
    assert queueing.enqueue(broker_down, 4) is False
    assert len(messages(caplog, FAILED)) == 2


def test_no_pause_tries_the_broker_every_time(broker_down, settings, caplog):
    settings.CITIES_NETWORK_BROKER_PAUSE_SECONDS = 0
    caplog.set_level(logging.WARNING)
    queueing.enqueue(broker_down, 1)
    queueing.enqueue(broker_down, 2)
    assert len(messages(caplog, FAILED)) == 2 and not messages(caplog, SKIPPED)
    assert not queueing.broker_paused()


@pytest.mark.django_db
def test_events_wait_in_the_inbox_and_the_sweeper_stops_at_the_broker(broker_down, learner, caplog,
                                                                      django_capture_on_commit_callbacks):
    caplog.set_level(logging.WARNING)
    queueing.enqueue(broker_down, 1)  # the broker fails once: the process pauses
    for course in ("course-v1:AlphaX+Bikes+2026", "course-v1:AlphaX+Code+2026"):
        with django_capture_on_commit_callbacks(execute=True):  # the sender commits; it sees nothing
            send_passing(learner, course=course)
    assert list(LearnerEvent.objects.values_list("state", "attempts")) == [(EventState.PENDING, 0)] * 2
    assert len(messages(caplog, FAILED)) == 1 and len(messages(caplog, SKIPPED)) == 2, caplog.text
    LearnerEvent.objects.update(received_at=timezone.now() - datetime.timedelta(hours=1))
    assert sweeper.sweep(datetime.timedelta(minutes=10)) == 0  # paused: nothing queued, nothing lost
    out = io.StringIO()
    call_command("cities_network_sweep", stdout=out)
    assert "0 waiting or failed events queued" in out.getvalue()
    assert "could not be reached" in out.getvalue() and "--inline" in out.getvalue()
    call_command("cities_network_sweep", "--inline", stdout=io.StringIO())
    assert set(LearnerEvent.objects.values_list("state", flat=True)) == {EventState.PROCESSED}
