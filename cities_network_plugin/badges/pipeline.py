"""
From a learning event to awards: the inbox row written by a receiver is applied here, in a task.

Course standings keep the time of the event that set each part, so an older event that arrives late (the
event bus delivers at least once, in any order) changes nothing; a redelivered event never reaches this
module (the inbox's unique event id drops it).
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..opportunities import api as opportunities_api
from ..opportunities.models import CompletionSource, Opportunity, OpportunityCompletion
from . import engine
from .models import CourseStanding, EventState, LearnerEvent, RequirementKind

log = logging.getLogger(__name__)

PASSING_EVENTS = {
    "org.openedx.learning.course.passing.status.updated.v1",
    "org.openedx.learning.ccx.course.passing.status.updated.v1",
}
CERTIFICATE_EVENTS = {
    "org.openedx.learning.certificate.created.v1",
    "org.openedx.learning.certificate.changed.v1",
    "org.openedx.learning.certificate.revoked.v1",
}
COMPLETION_EVENT = "cities_network.opportunity.completed"
VALID_CERTIFICATE = "downloadable"


class UnprocessableEventError(Exception):
    """The event cannot be applied (its learner is gone, say) and never will be; it is marked ignored."""


def record(event_id: str, event_type: str, user_id: int | None, target: str, payload: dict,
           occurred_at: datetime.datetime) -> LearnerEvent | None:
    """
    Write an inbox row; None when the event was received before (a redelivery). Inside the sender's transaction
    the row goes in under a savepoint (a redelivery must not spoil that transaction); outside any, the single
    INSERT is its own transaction and needs none.
    """
    row = LearnerEvent(event_id=event_id, event_type=event_type, user_id=user_id, target=target, payload=payload,
                       occurred_at=occurred_at)
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                row.save(force_insert=True)
        else:
            row.save(force_insert=True)
    except IntegrityError:
        return None
    return row


def apply(event: LearnerEvent, user=None) -> list:
    """
    Apply one inbox row: update what we know of the learner, then evaluate the classes it concerns. ``user`` is
    the event's learner when the caller has read it already (``process_event`` does, with the row lock).
    """
    if user is None and event.user_id:
        user = get_user_model().objects.filter(pk=event.user_id).first()
    if user is None:
        raise UnprocessableEventError("The learner of this event no longer exists.")
    evidence = {"event_id": event.event_id, "event_type": event.event_type,
                "occurred_at": event.occurred_at.isoformat()}
    if event.event_type in PASSING_EVENTS:
        return _apply_passing(event, user, evidence)
    if event.event_type in CERTIFICATE_EVENTS:
        return _apply_certificate(event, user, evidence)
    if event.event_type == COMPLETION_EVENT:
        return _apply_completion(event, user, evidence)
    raise UnprocessableEventError(f"Events of type {event.event_type} are not handled.")


def _standings(user, keys: Iterable[str]) -> dict[str, CourseStanding | None]:
    """The learner's standings in these courses, locked for update (None where there is none yet)."""
    keys = set(keys)
    found = {s.course_key: s for s in CourseStanding.objects.select_for_update().filter(
        user=user, course_key__in=keys)}
    return {key: found.get(key) for key in keys}


def _write_standing(user, key: str, standing: CourseStanding | None, **values) -> CourseStanding:
    """Create the standing with ``values``, or update those fields of the one read under the lock."""
    if standing is None:
        try:
            with engine.one_statement():
                return CourseStanding.objects.create(user=user, course_key=key, **values)
        except IntegrityError:  # written meanwhile by something that does not take the learner's lock
            standing = CourseStanding.objects.select_for_update().get(user=user, course_key=key)
    for name, value in values.items():
        setattr(standing, name, value)
    standing.save(update_fields=list(values))
    return standing


def _apply_passing(event: LearnerEvent, user, evidence: dict) -> list:
    payload = event.payload
    passing = bool(payload["is_passing"])
    keys = [payload["course_key"]] + ([payload["master_course_key"]] if payload.get("master_course_key") else [])
    # The classes these courses count towards, then the learner's standings in every course those classes name
    # (this event's first), read in one statement under the lock: the evaluation needs no other course query.
    classes = engine.candidate_classes((RequirementKind.COURSE_PASSED, key) for key in keys)
    # When the classes need nothing of the learner's courses but what this event says, no standing is read first.
    read_first = len(keys) > 1 or not _needs_only_passing(classes, keys[0])
    standings = _standings(user, set(keys) | engine.course_targets(classes)) if read_first else {}
    changed = []
    for key in keys:
        if read_first:
            standing = standings[key]
            if standing is not None and standing.passing_at and standing.passing_at > event.occurred_at:
                continue  # a newer event already decided
            standing = _write_standing(user, key, standing, passing=passing, passing_at=event.occurred_at)
        else:
            standing = _set_passing(user, key, passing, event.occurred_at)
            if standing is None:
                continue  # a newer event already decided
        standings[key] = standing
        changed.append(key)
        if passing:
            _complete_course_opportunity(user, key, event.occurred_at, known=_known_opportunity(event, key))
    if not changed:
        return []
    if len(changed) < len(keys):  # only the classes of the courses this event changed
        classes = [c for c in classes if any(r.kind == RequirementKind.COURSE_PASSED and r.target in changed
                                             for g in c.groups.all() for r in g.requirements.all())]
    return engine.process(
        user, classes, {**evidence, "course_key": keys[0], "passing": passing},
        revoke_policy="" if passing else "revoke_when_passing_lost",
        revoke_reason=f"The learner no longer passes the course {keys[0]}.", standings=standings,
    )


def _needs_only_passing(classes: list, key: str) -> bool:
    """Whether the only course requirement of ``classes`` is passing ``key`` (no other course, no certificate)."""
    return all(r.kind == RequirementKind.COURSE_PASSED and r.target == key
               for r in engine.requirements_of(classes)
               if r.kind in (RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED))


def _set_passing(user, key: str, passing: bool, at: datetime.datetime) -> CourseStanding | None:
    """
    Record that the learner passes ``key`` (or no longer does) as of ``at``, unless a newer event said otherwise:
    the standing is inserted (the usual case, a learner's first word in the course: one statement), else updated
    where its passing time is not newer. Returns the standing as far as passing goes (the other fields of an
    existing one are not read), or None when a newer event had decided.
    """
    try:
        with engine.one_statement():
            return CourseStanding.objects.create(user=user, course_key=key, passing=passing, passing_at=at)
    except IntegrityError:  # the learner has a standing in the course
        pass
    updated = CourseStanding.objects.filter(
        Q(passing_at__isnull=True) | Q(passing_at__lte=at), user=user, course_key=key).update(
        passing=passing, passing_at=at)
    if not updated:
        return None
    return CourseStanding(user=user, course_key=key, passing=passing, passing_at=at)


def _apply_certificate(event: LearnerEvent, user, evidence: dict) -> list:
    payload = event.payload
    key = payload["course_key"]
    status = "revoked" if event.event_type.endswith("certificate.revoked.v1") else payload.get("status", "")
    classes = engine.candidate_classes([(RequirementKind.CERTIFICATE_EARNED, key)])
    standings = _standings(user, {key} | engine.course_targets(classes))
    standing = standings[key]
    if standing is not None and standing.certificate_at and standing.certificate_at > event.occurred_at:
        return []
    values = {"certificate_mode": payload.get("mode", ""), "certificate_status": status,
              "certificate_at": event.occurred_at}
    if payload.get("grade"):
        values["grade"] = str(payload["grade"])[:16]
    standing = standings[key] = _write_standing(user, key, standing, **values)
    valid = status == VALID_CERTIFICATE
    if valid:
        _complete_course_opportunity(user, key, event.occurred_at, CompletionSource.CERTIFICATE,
                                     known=_known_opportunity(event, key))
    return engine.process(
        user, classes,
        {**evidence, "course_key": key, "certificate_mode": standing.certificate_mode, "grade": standing.grade},
        revoke_policy="" if valid else "revoke_when_certificate_revoked",
        revoke_reason=f"The certificate for the course {key} was revoked.", standings=standings,
    )


def _apply_completion(event: LearnerEvent, user, evidence: dict) -> list:
    opportunity = Opportunity.objects.filter(uuid=event.payload["opportunity"]).first()
    if opportunity is None:
        raise UnprocessableEventError("The opportunity of this completion no longer exists.")
    pairs = [(RequirementKind.OPPORTUNITY_ATTENDED, str(opportunity.uuid))]
    pairs += [(RequirementKind.PLAYLIST_COMPLETED, str(uuid)) for uuid in opportunity.playlists.values_list(
        "uuid", flat=True)]
    classes = engine.candidate_classes(pairs)
    return engine.process(user, classes, {**evidence, "opportunity": str(opportunity.uuid),
                                          "source": event.payload.get("source", "")})


_UNKNOWN = object()


def _known_opportunity(event: LearnerEvent, key: str):
    """What the lock statement found of the course's opportunity (its id, or None), when ``key`` is the event's."""
    return event.__dict__.get("course_opportunity", _UNKNOWN) if key == event.target else _UNKNOWN


def _complete_course_opportunity(user, course_key: str, when, source=CompletionSource.COURSE_PASSED,
                                 known=_UNKNOWN) -> None:
    """
    Passing a course (or earning its certificate) completes its opportunity (and counts in playlists). ``known``:
    the opportunity's id (or None, there is none) as read with the event, which spares looking the course up.
    """
    if known is None:
        return
    lookup = {"pk": known} if known is not _UNKNOWN else {"course_key": course_key}
    opportunity = Opportunity.objects.filter(**lookup).first()
    if opportunity is not None:
        opportunities_api.record_completion(user, opportunity, source=source, completed_at=when)


def process_event(event_pk: int) -> str:
    """
    Process one inbox row under a row lock (a second worker waits, then sees it done). Returns the new
    state. A failure is kept on the row with its error; the caller retries.
    """
    with transaction.atomic():
        event, user = _lock_event(event_pk)
        if event.state in (EventState.PROCESSED, EventState.IGNORED):
            return event.state
        event.attempts += 1
        try:
            with transaction.atomic():
                apply(event, user)
            event.state, event.error = EventState.PROCESSED, ""
        except UnprocessableEventError as exc:
            event.state, event.error = EventState.IGNORED, str(exc)
        except Exception as exc:  # pylint: disable=broad-except
            log.exception("cities_network: processing event %s failed", event.event_id)
            event.state, event.error = EventState.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        event.processed_at = timezone.now()
        event.save(update_fields=["state", "error", "attempts", "processed_at"])
        return event.state


def _lock_event(event_pk: int):
    """
    The inbox row and its learner, both locked for the transaction: one learner's events are applied one after
    another, because two workers each applying one of the two courses a badge needs would otherwise each see only
    their own course and award nothing. MySQL and MariaDB lock the rows of every table a ``SELECT … FOR UPDATE``
    joins, so one statement takes both locks (the row's first, as before); PostgreSQL refuses ``FOR UPDATE`` on
    the nullable side of an outer join, so there the learner is locked by a second statement.
    """
    # The opportunity of the event's course, if any, comes with the row: a subquery, which a locking read does not
    # lock (``course_opportunity``; passing the course completes it).
    rows = LearnerEvent.objects.select_for_update().annotate(course_opportunity=Subquery(
        Opportunity.objects.filter(course_key=OuterRef("target")).order_by().values("pk")[:1]))
    if connection.vendor == "postgresql":
        event = rows.get(pk=event_pk)
        user = (get_user_model().objects.select_for_update().filter(pk=event.user_id).first()
                if event.user_id else None)
        return event, user
    event = rows.select_related("user").get(pk=event_pk)
    return event, event.user if event.user_id else None


def completion_event(completion: OpportunityCompletion) -> LearnerEvent | None:
    """The inbox row for a recorded completion (attendance, claim code, course passed, by hand)."""
    return record(
        event_id=f"completion:{completion.pk}", event_type=COMPLETION_EVENT, user_id=completion.user_id,
        target=str(completion.opportunity.uuid),
        payload={"opportunity": str(completion.opportunity.uuid), "source": completion.source},
        occurred_at=completion.completed_at,
    )


def parse_time(value) -> datetime.datetime:
    """An event time as an aware datetime (the metadata gives one; stored payloads give ISO text)."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        return timezone.now()
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)
