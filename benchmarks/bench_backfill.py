"""
Figure (b): ``backfill`` — awards per second for 100,000 course completions.

100 active classes (10 issuing cities), each requiring one course; 25,000 learners who each passed 4 of the
courses: 100,000 ``CourseOutcome`` rows as the platform backend gives them, every one earning a badge. Timed:
``badges.backfill.run`` over them (standings written, classes evaluated, awards and progress stored), with the
award notices off as the command's default (``--notify`` sends them).
"""
from __future__ import annotations

import time

from opaque_keys.edx.keys import CourseKey

from cities_network_plugin.badges import backfill
from cities_network_plugin.badges.models import Award, BadgeProgress, CourseStanding
from cities_network_plugin.compat import CourseOutcome

from .bench_pipeline import course_of, make_cities, make_classes
from .common import make_users, progress, wipe

CLASSES = 100
COURSES_PER_LEARNER = 4


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
    }
    progress(f"    {figure['awards_per_s']:,} awards/s ({figure['seconds']} s)")
    return figure
