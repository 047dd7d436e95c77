"""
From a learning event to awards: the inbox row written by a receiver is applied here, in a task.

Course standings keep the time of the event that set each part, so an older event that arrives late (the
event bus delivers at least once, in any order) changes nothing; a redelivered event never reaches this
module (the inbox's unique event id drops it).
"""
from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
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
    """Write an inbox row; None when the event was received before (a redelivery)."""
    from django.db import IntegrityError  # pylint: disable=import-outside-toplevel

    try:
        with transaction.atomic():
            return LearnerEvent.objects.create(
                event_id=event_id, event_type=event_type, user_id=user_id, target=target, payload=payload,
                occurred_at=occurred_at,
            )
    except IntegrityError:
        return None


def apply(event: LearnerEvent) -> list:
    """Apply one inbox row: update what we know of the learner, then evaluate the classes it concerns."""
    user = get_user_model().objects.filter(pk=event.user_id).first() if event.user_id else None
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


def _standing(user, course_key: str) -> CourseStanding:
    standing, _ = CourseStanding.objects.select_for_update().get_or_create(user=user, course_key=course_key)
    return standing


def _apply_passing(event: LearnerEvent, user, evidence: dict) -> list:
    payload = event.payload
    passing = bool(payload["is_passing"])
    keys = [payload["course_key"]] + ([payload["master_course_key"]] if payload.get("master_course_key") else [])
    changed = []
    for key in keys:
        standing = _standing(user, key)
        if standing.passing_at and standing.passing_at > event.occurred_at:
            continue  # a newer event already decided
        standing.passing, standing.passing_at = passing, event.occurred_at
        standing.save(update_fields=["passing", "passing_at"])
        changed.append(key)
        if passing:
            _complete_course_opportunity(user, key, event.occurred_at)
    if not changed:
        return []
    classes = engine.candidate_classes((RequirementKind.COURSE_PASSED, key) for key in changed)
    return engine.process(
        user, classes, {**evidence, "course_key": keys[0], "passing": passing},
        revoke_policy="" if passing else "revoke_when_passing_lost",
        revoke_reason=f"The learner no longer passes the course {keys[0]}.",
    )


def _apply_certificate(event: LearnerEvent, user, evidence: dict) -> list:
    payload = event.payload
    key = payload["course_key"]
    status = "revoked" if event.event_type.endswith("certificate.revoked.v1") else payload.get("status", "")
    standing = _standing(user, key)
    if standing.certificate_at and standing.certificate_at > event.occurred_at:
        return []
    standing.certificate_mode, standing.certificate_status = payload.get("mode", ""), status
    standing.certificate_at = event.occurred_at
    if payload.get("grade"):
        standing.grade = str(payload["grade"])[:16]
    standing.save(update_fields=["certificate_mode", "certificate_status", "certificate_at", "grade"])
    valid = status == VALID_CERTIFICATE
    if valid:
        _complete_course_opportunity(user, key, event.occurred_at, CompletionSource.CERTIFICATE)
    classes = engine.candidate_classes([(RequirementKind.CERTIFICATE_EARNED, key)])
    return engine.process(
        user, classes,
        {**evidence, "course_key": key, "certificate_mode": standing.certificate_mode, "grade": standing.grade},
        revoke_policy="" if valid else "revoke_when_certificate_revoked",
        revoke_reason=f"The certificate for the course {key} was revoked.",
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


def _complete_course_opportunity(user, course_key: str, when, source=CompletionSource.COURSE_PASSED) -> None:
    """Passing a course (or earning its certificate) completes its opportunity (and counts in playlists)."""
    opportunity = Opportunity.objects.filter(course_key=course_key).first()
    if opportunity is not None:
        opportunities_api.record_completion(user, opportunity, source=source, completed_at=when)


def process_event(event_pk: int) -> str:
    """
    Process one inbox row under a row lock (a second worker waits, then sees it done). Returns the new
    state. A failure is kept on the row with its error; the caller retries.
    """
    with transaction.atomic():
        event = LearnerEvent.objects.select_for_update().get(pk=event_pk)
        if event.state in (EventState.PROCESSED, EventState.IGNORED):
            return event.state
        if event.user_id:
            # One learner's events are applied one after another: two workers each applying one of the two
            # courses a badge needs would otherwise each see only their own course and award nothing.
            list(get_user_model().objects.select_for_update().filter(pk=event.user_id).values_list("pk", flat=True))
        event.attempts += 1
        try:
            with transaction.atomic():
                apply(event)
            event.state, event.error = EventState.PROCESSED, ""
        except UnprocessableEventError as exc:
            event.state, event.error = EventState.IGNORED, str(exc)
        except Exception as exc:  # pylint: disable=broad-except
            log.exception("cities_network: processing event %s failed", event.event_id)
            event.state, event.error = EventState.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        event.processed_at = timezone.now()
        event.save(update_fields=["state", "error", "attempts", "processed_at"])
        return event.state


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
