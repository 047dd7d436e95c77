"""
A reproducible stream of learning events for the reliability tests, and the awards it must end in.

Four courses and three classes of city Alpha:

- ``single``: pass course 1;
- ``pair``: pass course 1 and course 2 (two groups), revoked when passing is lost;
- ``either``: pass course 3 or course 4 (one group, any of them).

Each learner has events on some of the courses: a pass; or a fail and a later pass; or (course 2 only) a pass
and a later fail. The stream is shuffled and a fifth of it is redeliveries (the same event id again), so events
arrive in any order, more than once. Whatever the order, the outcome is fixed: a learner holds ``single`` iff
they passed course 1, ``pair`` iff the newest event of both course 1 and course 2 is a pass, ``either`` iff they
passed course 3 or 4. (A ``pair`` award made while course 2 still passed is revoked by its newer fail.)
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from opaque_keys.edx.keys import CourseKey
from openedx_events.data import EventsMetadata
from openedx_events.learning.data import CourseData, CoursePassingStatusData, UserData, UserPersonalData
from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

COURSES = [f"course-v1:AlphaX+Rel{n}+2026" for n in range(1, 5)]
BASE = datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Event:
    learner: int  # index into the learners list
    course: str
    passing: bool
    minute: int
    meta: EventsMetadata


def class_groups() -> dict[str, dict]:
    """The three classes, as the API creates them."""
    c1, c2, c3, c4 = COURSES
    return {
        "single": {"groups": [{"requirements": [{"kind": "course_passed", "target": c1}]}]},
        "pair": {"groups": [{"requirements": [{"kind": "course_passed", "target": c1}]},
                            {"requirements": [{"kind": "course_passed", "target": c2}]}],
                 "revoke_when_passing_lost": True},
        "either": {"groups": [{"min_required": 1, "requirements": [{"kind": "course_passed", "target": c3},
                                                                   {"kind": "course_passed", "target": c4}]}]},
    }


def stream(deliveries: int, seed: int = 2026) -> tuple[int, list[Event], list[Event]]:
    """
    (number of learners, the unique events, the deliveries: the unique events and redeliveries, shuffled), with
    ``deliveries`` in all and a fifth of them redeliveries.
    """
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    unique_target = deliveries - deliveries // 5
    events: list[Event] = []
    learner = 0
    while len(events) < unique_target:
        for course in COURSES:
            if rng.random() < 0.35:
                continue
            shape = rng.choice(["pass", "fail-then-pass"] + (["pass-then-fail"] if course == COURSES[1] else []))
            minute = rng.randrange(1, 10_000)
            if shape == "pass":
                events.append(_event(learner, course, True, minute))
            else:
                first, last = shape == "pass-then-fail", shape == "fail-then-pass"
                events.append(_event(learner, course, first, minute))
                events.append(_event(learner, course, last, minute + rng.randrange(1, 500)))
        learner += 1
    events = events[:unique_target]
    repeats = [rng.choice(events) for _ in range(deliveries - len(events))]
    deliveries_list = events + repeats
    rng.shuffle(deliveries_list)
    return learner, events, deliveries_list


def _event(learner: int, course: str, passing: bool, minute: int) -> Event:
    meta = EventsMetadata(event_type=COURSE_PASSING_STATUS_UPDATED.event_type,
                          time=BASE + datetime.timedelta(minutes=minute))
    return Event(learner, course, passing, minute, meta)


def expected_awards(events: list[Event]) -> set[tuple[int, str]]:
    """(learner index, class name) of every valid award the events must end in."""
    newest: dict[tuple[int, str], Event] = {}
    for event in events:
        key = (event.learner, event.course)
        if key not in newest or event.minute > newest[key].minute:
            newest[key] = event
    passed = {key for key, event in newest.items() if event.passing}
    c1, c2, c3, c4 = COURSES
    learners = {learner for learner, _ in newest}
    expected = set()
    for learner in learners:
        if (learner, c1) in passed:
            expected.add((learner, "single"))
            if (learner, c2) in passed:
                expected.add((learner, "pair"))
        if (learner, c3) in passed or (learner, c4) in passed:
            expected.add((learner, "either"))
    return expected


def newest_standing(events: list[Event]) -> dict[tuple[int, str], bool]:
    """(learner, course) → passing, as the newest event of each says."""
    newest: dict[tuple[int, str], Event] = {}
    for event in events:
        key = (event.learner, event.course)
        if key not in newest or event.minute > newest[key].minute:
            newest[key] = event
    return {key: event.passing for key, event in newest.items()}


def deliver(event: Event, user) -> None:
    """What the event bus consumer does for one delivery: send the event with its own metadata (id and time)."""
    COURSE_PASSING_STATUS_UPDATED.send_event_with_custom_metadata(
        event.meta, course_passing_status=CoursePassingStatusData(
            is_passing=event.passing, course=CourseData(course_key=CourseKey.from_string(event.course)),
            user=UserData(id=user.pk, is_active=True,
                          pii=UserPersonalData(username=user.username, email=user.email, name=""))))
