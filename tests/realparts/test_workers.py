"""
Learning events through the real parts: the receiver in this process writes the inbox row and queues its task when
the transaction commits, the task travels through Redis, and real Celery workers apply it on MariaDB.
"""
import pytest
from django.db import transaction
from opaque_keys.edx.keys import CourseKey
from openedx_events.data import EventsMetadata
from openedx_events.learning.data import CourseData, CoursePassingStatusData
from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award, BadgeProgress, CourseStanding, EventState, LearnerEvent
from cities_network_plugin.badges.tasks import process_learner_event
from cities_network_plugin.queueing import enqueue_on_commit

from tests.badges.conftest import COURSE, COURSE_2, at, send_passing, user_data

pytestmark = pytest.mark.django_db(transaction=True)

PASS = {"kind": "course_passed", "target": COURSE}
PASS_2 = {"kind": "course_passed", "target": COURSE_2}
TASK = process_learner_event.name


def metadata(minutes: int) -> EventsMetadata:
    """One event's metadata (its id and time), kept to deliver the very same event again."""
    return EventsMetadata(event_type=COURSE_PASSING_STATUS_UPDATED.event_type, time=at(minutes))


def deliver(meta: EventsMetadata, user, course=COURSE, is_passing=True):
    """What the event bus consumer does for each delivery of an event: send it again with its own metadata."""
    return COURSE_PASSING_STATUS_UPDATED.send_event_with_custom_metadata(
        meta, course_passing_status=CoursePassingStatusData(
            is_passing=is_passing, course=CourseData(course_key=CourseKey.from_string(course)), user=user_data(user)))


def inbox_state():
    return list(LearnerEvent.objects.order_by("pk").values_list("pk", "state", "attempts", "error"))


def all_processed(count: int):
    return lambda: (LearnerEvent.objects.count() == count
                    and not LearnerEvent.objects.exclude(state=EventState.PROCESSED).exists())


def test_a_real_worker_applies_a_committed_event_on_mariadb(workers, make_class, learner):
    badge = make_class([{"requirements": [PASS]}])
    workers.drain()  # what setting up the city queued (its onboarding detectors)
    with transaction.atomic():
        send_passing(learner)
        assert workers.outstanding() == 0, "nothing may reach the broker before the event's transaction commits"
    workers.wait_for(lambda: Award.objects.filter(user=learner, badge_class=badge).exists(), "the award",
                     state=inbox_state)
    workers.wait_for(all_processed(1), "the inbox row to be processed", state=inbox_state)
    workers.drain()  # the award email task the worker queued has run too

    award = Award.objects.get()
    assert (award.user, award.badge_class, award.revoked) == (learner, badge, False)
    row = LearnerEvent.objects.get()
    assert (row.state, row.attempts, row.error) == (EventState.PROCESSED, 1, "")
    assert sum(workers.handled(TASK)) == 1, "exactly one worker ran the task (not this process)"


def test_two_workers_racing_on_one_learner_make_exactly_one_award(workers, make_class, learner, make_user):
    """
    A class needing two courses. For each of four learners, both passing events, their redeliveries (same event
    ids) and three more re-drives of each inbox row are queued at one commit, so the two workers take them at the
    same moment: the two rows of one learner at once, then the same row at once. Four learners, because one pair
    of rows may by chance not overlap in time.
    """
    badge = make_class([{"requirements": [PASS]}, {"requirements": [PASS_2]}])
    learners = [learner] + [make_user(f"racer{number}") for number in range(3)]
    workers.drain()  # what creating the learners queued
    workers.mark()
    with transaction.atomic():
        for user in learners:
            first, second = metadata(0), metadata(1)
            for _ in range(3):  # delivered three times each, as the event bus may
                deliver(first, user, COURSE)
                deliver(second, user, COURSE_2)
        rows = list(LearnerEvent.objects.order_by("pk").values_list("pk", flat=True))
        assert len(rows) == 2 * len(learners), "a redelivered event never makes a second inbox row"
        for _ in range(3):  # as the sweeper would re-drive them
            for pk in rows:
                enqueue_on_commit(process_learner_event, pk)

    workers.wait_for(all_processed(len(rows)), "every inbox row to be processed", state=inbox_state)
    workers.drain()

    awards = {user.username: Award.objects.filter(user=user, badge_class=badge).count() for user in learners}
    progress = list(BadgeProgress.objects.order_by("user_id").values_list("user__username", "groups_met"))
    assert awards == dict.fromkeys(awards, 1), (
        f"expected exactly one award per learner, got {awards}; groups met {progress}; inbox {inbox_state()}"
        f"{workers.tail(20)}")
    assert all(attempts == 1 for _, _, attempts, _ in inbox_state()), "a row is applied once, however often queued"
    handled = workers.handled(TASK)
    assert sum(handled) == 4 * len(rows) and all(handled), f"both workers took part: tasks per worker {handled}"


def test_the_same_event_three_times_and_out_of_order_changes_nothing(workers, make_class, learner):
    """
    The newer event (not passing, at +20 min) is delivered three times, and its row re-driven twice more; then
    the older one (passing, at +10 min) arrives late, three times likewise. What is asserted: two inbox rows, each
    applied once; the course standing is the newer event's (not passing, at +20 min); the older "passing" changed
    nothing, so no award exists at all (not even a revoked one), although the class would award on passing.
    """
    make_class([{"requirements": [PASS]}], revoke_when_passing_lost=True)
    newer, older = metadata(20), metadata(10)
    for meta, passing, count in ((newer, False, 1), (older, True, 2)):
        for _ in range(3):
            with transaction.atomic():  # each delivery is its own transaction, as in the LMS
                deliver(meta, learner, is_passing=passing)
        row = LearnerEvent.objects.get(event_id=str(meta.id))
        for _ in range(2):
            process_learner_event.delay(row.pk)
        workers.wait_for(all_processed(count), f"{count} processed inbox row(s)", state=inbox_state)
        workers.drain()

    assert [attempts for _, _, attempts, _ in inbox_state()] == [1, 1]
    standing = CourseStanding.objects.get(user=learner, course_key=COURSE)
    assert (standing.passing, standing.passing_at) == (False, at(20))
    assert not Award.objects.exists()


def test_out_of_order_events_racing_across_workers_settle_on_the_newest(workers, make_class, learner):
    """
    The same two events, each delivered three times, all queued at one commit: the two workers may apply them
    in either order. What is asserted holds for both orders: the standing is the newer event's (not passing);
    the learner holds no valid badge — either none was awarded (the newer event came first and the older one
    was ignored), or the older one awarded it and the newer one revoked it under the class's policy.
    """
    badge = make_class([{"requirements": [PASS]}], revoke_when_passing_lost=True)
    newer, older = metadata(20), metadata(10)
    with transaction.atomic():
        for _ in range(3):
            deliver(newer, learner, is_passing=False)
            deliver(older, learner, is_passing=True)

    workers.wait_for(all_processed(2), "both inbox rows to be processed", state=inbox_state)
    workers.drain()

    standing = CourseStanding.objects.get(user=learner, course_key=COURSE)
    assert (standing.passing, standing.passing_at) == (False, at(20))
    assert not engine.valid_awards().filter(user=learner, badge_class=badge).exists()
    for award in Award.objects.all():
        assert award.revoked and award.revocation_reason == f"The learner no longer passes the course {COURSE}."
