"""
Figure (b): ``backfill`` — awards per second for 100,000 course completions.

100 active classes (10 issuing cities), each requiring one course; 25,000 learners who each passed 4 of the
courses: 100,000 ``CourseOutcome`` rows as the platform backend gives them, every one earning a badge. Timed:
``badges.backfill.run`` over them (standings written, classes evaluated, awards and progress stored), with the
award notices off as the command's default (``--notify`` sends them).
"""
from __future__ import annotations

import secrets
import time
import uuid

from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin.badges import backfill, bulkwrite
from cities_network_plugin.badges.models import Award, BadgeClass, BadgeProgress, CourseStanding
from cities_network_plugin.compat import CourseOutcome

from .bench_pipeline import course_of, make_cities, make_classes
from .common import empty, make_users, progress, wipe

CLASSES = 100
COURSES_PER_LEARNER = 4


STANDING_COLUMNS = ("user", "course_key", "passing", "grade", "certificate_mode", "certificate_status")


def measure_rows_alone(outcomes: list[CourseOutcome], batch: int = 1000) -> float:
    """
    Write the rows the backfill will write for ``outcomes`` (standings and awards, values built beforehand, through
    the same ``bulkwrite.insert``, 1,000 outcomes per transaction), then remove them: awards per second.
    """
    classes = dict(BadgeClass.objects.values_list("groups__requirements__target", "pk"))
    now = timezone.now()
    evidence = bulkwrite.prepare(Award, "evidence", {"backfill": True, "requirements": []})
    standings = [(o.user_id, str(o.course_key), True, "0.80", "", "") for o in outcomes]
    awards = [(uuid.uuid4(), classes[str(o.course_key)], o.user_id, 1, "learner@example.com", "Learner",
               secrets.token_hex(16), now, None, False, "", evidence, 0) for o in outcomes]
    start = time.perf_counter()
    for first in range(0, len(outcomes), batch):
        with transaction.atomic():
            bulkwrite.insert(CourseStanding, STANDING_COLUMNS, standings[first:first + batch])
            bulkwrite.insert(Award, backfill.AWARD_COLUMNS, awards[first:first + batch], prepared=("evidence",))
    elapsed = time.perf_counter() - start
    empty(Award, CourseStanding)
    return len(outcomes) / elapsed


def run(completions: int = 100_000) -> dict:
    wipe()
    progress(f"(b) backfill: {CLASSES} classes, {completions:,} completions")
    make_classes(CLASSES, make_cities(10))
    learners = make_users(completions // COURSES_PER_LEARNER, "bf")
    keys = [CourseKey.from_string(course_of(n)) for n in range(CLASSES)]
    outcomes = [CourseOutcome(user_id=user_id, course_key=keys[(n * COURSES_PER_LEARNER + t) % CLASSES], passed=True,
                              grade=0.8)
                for n, user_id in enumerate(learners) for t in range(COURSES_PER_LEARNER)]
    last = [0.0]

    def report(result):
        now = time.perf_counter()
        if now - last[0] > 5:
            last[0] = now
            progress(f"    {result.outcomes:,} / {len(outcomes):,} completions, {result.awards:,} awards")

    rows_alone = measure_rows_alone(outcomes)
    start = time.perf_counter()
    result = backfill.run(outcomes, progress=report)
    elapsed = time.perf_counter() - start
    awards = Award.objects.count()
    if result.awards != len(outcomes) or awards != len(outcomes):
        raise AssertionError(f"expected {len(outcomes)} awards, the backfill made {result.awards} ({awards} rows)")
    figure = {
        "completions": len(outcomes), "classes": CLASSES, "learners": len(learners), "awards": result.awards,
        "standings": CourseStanding.objects.count(), "progress_rows": BadgeProgress.objects.count(),
        "seconds": round(elapsed, 2), "awards_per_s": round(result.awards / elapsed, 1),
        # The same rows (a standing and an award per completion) built beforehand and only written, in the same
        # batches and transactions: the most a backfill writing them could reach on this database.
        "rows_alone_awards_per_s": round(rows_alone, 1),
    }
    progress(f"    {figure['awards_per_s']:,} awards/s ({figure['seconds']} s); the rows alone "
             f"{figure['rows_alone_awards_per_s']:,} awards/s")
    return figure
