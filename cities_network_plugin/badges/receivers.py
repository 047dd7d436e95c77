"""
Receivers of the platform's learning events. Each one does almost nothing: check the payload type and the
toggle, write an inbox row (deduplicated by the event's id) and queue its processing after commit. They never
raise into the sender: a learner's grade or certificate must never fail because of the plugin.
"""
import logging

from django.db.models.signals import post_save
from django.dispatch import receiver
from openedx_events.learning.data import CcxCoursePassingStatusData, CertificateData, CoursePassingStatusData
from openedx_events.learning.signals import (
    CCX_COURSE_PASSING_STATUS_UPDATED,
    CERTIFICATE_CHANGED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
)

from ..opportunities.models import OpportunityCompletion
from ..queueing import enqueue_on_commit
from ..toggles import BADGES_ENABLED
from . import pipeline

log = logging.getLogger(__name__)


def _metadata(kwargs) -> tuple[str, str, object]:
    metadata = kwargs.get("metadata")
    if metadata is None or not getattr(metadata, "id", None):
        raise ValueError("the event has no metadata id")
    return str(metadata.id), metadata.event_type, pipeline.parse_time(metadata.time)


def _queue(row) -> None:
    if row is not None:
        from .tasks import process_learner_event  # pylint: disable=import-outside-toplevel

        enqueue_on_commit(process_learner_event, row.pk)


@receiver(COURSE_PASSING_STATUS_UPDATED, dispatch_uid="cities_network_passing")
@receiver(CCX_COURSE_PASSING_STATUS_UPDATED, dispatch_uid="cities_network_ccx_passing")
def passing_status_updated(signal, sender, course_passing_status=None, **kwargs):  # pylint: disable=unused-argument
    """A learner started or stopped passing a course (or a CCX)."""
    try:
        if not BADGES_ENABLED.is_enabled():
            return
        if not isinstance(course_passing_status, CoursePassingStatusData):
            log.warning("Passing status event without CoursePassingStatusData (%r); ignored.",
                        type(course_passing_status).__name__)
            return
        event_id, event_type, occurred_at = _metadata(kwargs)
        data = course_passing_status
        if isinstance(data, CcxCoursePassingStatusData):
            course_key, master = str(data.course.ccx_course_key), str(data.course.master_course_key)
        else:
            course_key, master = str(data.course.course_key), ""
        payload = {"course_key": course_key, "is_passing": bool(data.is_passing)}
        if master:
            payload["master_course_key"] = master
        _queue(pipeline.record(event_id, event_type, data.user.id, course_key, payload, occurred_at))
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: a passing status event could not be recorded")


@receiver(CERTIFICATE_CREATED, dispatch_uid="cities_network_certificate_created")
@receiver(CERTIFICATE_CHANGED, dispatch_uid="cities_network_certificate_changed")
@receiver(CERTIFICATE_REVOKED, dispatch_uid="cities_network_certificate_revoked")
def certificate_event(signal, sender, certificate=None, **kwargs):  # pylint: disable=unused-argument
    """A certificate was created, changed or revoked."""
    try:
        if not BADGES_ENABLED.is_enabled():
            return
        if not isinstance(certificate, CertificateData):
            log.warning("Certificate event without CertificateData (%r); ignored.", type(certificate).__name__)
            return
        event_id, event_type, occurred_at = _metadata(kwargs)
        course_key = str(certificate.course.course_key)
        payload = {"course_key": course_key, "mode": certificate.mode, "status": certificate.current_status,
                   "grade": certificate.grade}
        _queue(pipeline.record(event_id, event_type, certificate.user.id, course_key, payload, occurred_at))
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: a certificate event could not be recorded")


@receiver(post_save, sender=OpportunityCompletion, dispatch_uid="cities_network_completion")
def completion_recorded(sender, instance, created, **kwargs):  # pylint: disable=unused-argument
    """Attendance, a claim code or a course passed completed an opportunity: badges may follow."""
    if not created or kwargs.get("raw"):
        return
    try:
        if BADGES_ENABLED.is_enabled():
            _queue(pipeline.completion_event(instance))
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: a completion could not be queued for badges")
