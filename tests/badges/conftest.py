"""Fixtures and event helpers for badge tests: real openedx-events data classes and signals."""
import datetime

import pytest
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
)

from cities_network_plugin.badges import api as badges_api

COURSE = "course-v1:AlphaX+Bikes+2026"
COURSE_2 = "course-v1:AlphaX+Code+2026"


def user_data(user) -> UserData:
    return UserData(id=user.pk, is_active=True,
                    pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()))


def send_passing(user, course=COURSE, is_passing=True, time=None):
    """What the LMS sends when a learner's passing status changes."""
    return COURSE_PASSING_STATUS_UPDATED.send_event(
        time=time, course_passing_status=CoursePassingStatusData(
            is_passing=is_passing, course=CourseData(course_key=CourseKey.from_string(course)), user=user_data(user)))


def send_certificate(user, course=COURSE, mode="verified", status="downloadable", revoked=False, time=None):
    """What the LMS sends when a certificate is created (or revoked)."""
    signal = CERTIFICATE_REVOKED if revoked else CERTIFICATE_CREATED
    return signal.send_event(time=time, certificate=CertificateData(
        user=user_data(user), course=CourseData(course_key=CourseKey.from_string(course)), mode=mode, grade="0.91",
        download_url="", name="", current_status="notpassing" if revoked else status))


def at(minutes: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, 1, 12, tzinfo=datetime.UTC) + datetime.timedelta(minutes=minutes)


@pytest.fixture
def make_class(city_a):
    """An active badge class of city_a with the given requirement groups."""
    def _make(groups, **fields):
        data = {"name": fields.pop("name", "Bike mechanic"), "description": "Can fix a bicycle.",
                "criteria_narrative": "Pass the bike repair course.", "status": "active", "groups": groups, **fields}
        return badges_api.create_class(fields.pop("issuer", city_a), data)
    return _make


@pytest.fixture
def events(django_capture_on_commit_callbacks):
    """Run what the receivers queue after commit (the task runs eagerly in the host)."""
    def _run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = func(*args, **kwargs)
        return result, callbacks
    return _run
