"""
A backfill batch locks its own learners' rows and no one else's (MariaDB, as Open edX runs MySQL): a live event of
another learner is applied while the batch's transaction is still open. A batch once read the standings with two
long IN lists (hundreds of learners times the courses), which MariaDB answers by scanning the whole table; under
REPEATABLE READ (a server's default, where the connection does not ask for READ COMMITTED as Django does) that scan
keeps a lock on every row it read, and every live event waited for the batch.
"""
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin.badges import backfill, bulkwrite
from cities_network_plugin.badges.models import Award, CourseStanding
from cities_network_plugin.compat import CourseOutcome

pytestmark = pytest.mark.skipif(connection.vendor != "mysql", reason="row locks: MariaDB (the MariaDB tier)")
LEARNERS = 400  # past MariaDB's eq_range_index_dive_limit (200), where the plan used to turn into a scan


@pytest.mark.django_db(transaction=True)
def test_a_batch_locks_only_its_own_learners(make_class):
    passed = [f"course-v1:AlphaX+C{n}+2026" for n in range(20)]  # a batch over many learners and many courses
    for n, key in enumerate(passed):
        make_class([{"requirements": [{"kind": "course_passed", "target": key}]}], name=f"Badge {n}")
    # Learners outside the batch first (the outsider among them), then the batch's: a table where the batch is a
    # minority, as on a platform, so reading the batch's learners by index is the plan to expect.
    others = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"other{n}", email=f"other{n}@example.com") for n in range(4 * LEARNERS)])
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"held{n}", email=f"held{n}@example.com") for n in range(LEARNERS)])
    outsider = others[len(others) // 2]
    courses = [f"course-v1:Other+C{n}+2026" for n in range(4)]  # standings the table already holds
    bulkwrite.insert(CourseStanding, ("user", "course_key", "passing", "grade", "certificate_mode",
                                      "certificate_status"),
                     [(u.pk, key, False, "", "", "") for u in [*others, *users] for key in courses])
    outcomes = [CourseOutcome(user_id=u.pk, course_key=CourseKey.from_string(passed[n % len(passed)]), passed=True,
                              grade=0.9) for n, u in enumerate(users)]
    inside, release, failures = threading.Event(), threading.Event(), []

    def batch():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            with transaction.atomic():  # the batch's transaction stays open until the main thread has written
                backfill.run(outcomes, batch_size=LEARNERS)
                inside.set()
                release.wait(30)
        except Exception as exc:  # pylint: disable=broad-except
            failures.append(exc)
            inside.set()
        finally:
            connections.close_all()

    worker = threading.Thread(target=batch)
    worker.start()
    try:
        assert inside.wait(60), "the backfill batch never got going"
        assert not failures, failures
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 2")
        with transaction.atomic():  # what a live event of the outsider does to their standing
            changed = CourseStanding.objects.filter(user=outsider, course_key=courses[0]).update(passing=True)
        assert changed == 1
    finally:
        release.set()
        worker.join(60)
    assert not failures, failures
    assert Award.objects.count() == LEARNERS
