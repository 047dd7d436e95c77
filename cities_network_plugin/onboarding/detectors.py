"""
Detectors complete onboarding steps from the city's own data.

Each detector looks at one kind of record and returns what it found (a dict saved as the step's
``detection``: a human summary and the data behind it), or None when the step is not yet shown by the data.
A step names its detector by key in the catalogue, so network managers can attach or detach detectors in the
admin. Thresholds come from settings.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from .. import compat
from ..opportunities.models import Opportunity
from ..tenancy.models import City, CityRole
from . import api
from .models import ENGAGED_STATUSES, CommunityCallAttendance, ImpactReview, IntroductoryMeeting, OnboardingStep

log = logging.getLogger(__name__)

Detector = Callable[[City, OnboardingStep, datetime.datetime], "dict | None"]
DETECTORS: dict[str, Detector] = {}


def detector(key: str):
    """Register a detector under ``key`` (the value of ``OnboardingStep.detector``)."""
    def register(func: Detector) -> Detector:
        DETECTORS[key] = func
        return func
    return register


def _since(step: OnboardingStep, now: datetime.datetime) -> datetime.date | None:
    """For a recurring step, only data from its current period counts."""
    if step.recurrence_days:
        return (now - datetime.timedelta(days=step.recurrence_days)).date()
    return None


@detector("platform_setup")
def platform_setup(city: City, step: OnboardingStep, now: datetime.datetime):
    """The platform is set up once the city has an Open edX organisation or its own site."""
    orgs = sorted(city.organizations.values_list("org", flat=True))
    site = city.site.domain if city.site_id else None
    if not orgs and not site:
        return None
    parts = ([f"organisations {', '.join(orgs)}"] if orgs else []) + ([f"site {site}"] if site else [])
    return {"detector": "platform_setup", "summary": f"Platform configured: {'; '.join(parts)}.",
            "organizations": orgs, "site": site}


def published_opportunity_count(city: City) -> tuple[int, list[str]]:
    """
    How many learning opportunities the city publishes: its published opportunities, and the platform's
    courses of its organisations that have no opportunity yet (a course counts unless the city made its
    opportunity a draft). Returns the count and a few titles or course keys as examples.
    """
    published_qs = Opportunity.objects.published().filter(cities=city)
    published = list(published_qs.values_list("title", flat=True)[:5])
    orgs = list(city.organizations.values_list("org", flat=True))
    courses = [str(course.course_key) for course in compat.list_courses(orgs)] if orgs else []
    known = set(Opportunity.objects.filter(course_key__in=courses).values_list("course_key", flat=True))
    unsynced = [key for key in courses if key not in known]
    examples = (published + unsynced)[:5]
    return published_qs.count() + len(unsynced), examples


@detector("learning_opportunities")
def learning_opportunities(city: City, step: OnboardingStep, now: datetime.datetime):
    """Done when the city publishes at least ``CITIES_NETWORK_ONBOARDING_MIN_OPPORTUNITIES`` opportunities."""
    threshold = settings.CITIES_NETWORK_ONBOARDING_MIN_OPPORTUNITIES
    count, examples = published_opportunity_count(city)
    if count < threshold:
        return None
    return {"detector": "learning_opportunities", "summary": f"{count} learning opportunities published.",
            "count": count, "threshold": threshold, "examples": examples}


@detector("core_team")
def core_team(city: City, step: OnboardingStep, now: datetime.datetime):
    """Done when the city's team (admins and core-team members) has ``CITIES_NETWORK_ONBOARDING_CORE_TEAM_SIZE``."""
    threshold = settings.CITIES_NETWORK_ONBOARDING_CORE_TEAM_SIZE
    size = CityRole.objects.filter(city=city).count()
    if size < threshold:
        return None
    return {"detector": "core_team", "summary": f"The team has {size} members.", "members": size,
            "threshold": threshold}


@detector("stakeholders")
def stakeholders(city: City, step: OnboardingStep, now: datetime.datetime):
    """Done when ``CITIES_NETWORK_ONBOARDING_MIN_STAKEHOLDERS`` stakeholders are engaged or partners."""
    threshold = settings.CITIES_NETWORK_ONBOARDING_MIN_STAKEHOLDERS
    engaged = list(city.stakeholders.filter(engagement__in=ENGAGED_STATUSES).values_list("name", "kind"))
    if len(engaged) < threshold:
        return None
    return {"detector": "stakeholders", "summary": f"{len(engaged)} stakeholders engaged.",
            "stakeholders": [{"name": name, "kind": kind} for name, kind in engaged], "threshold": threshold}


def _calls_attended(city: City, since: datetime.date | None):
    attendance = CommunityCallAttendance.objects.filter(city=city).select_related("call")
    if since is not None:
        attendance = attendance.filter(call__held_on__gte=since)
    return [(a.call.title, a.call.held_on.isoformat()) for a in attendance.order_by("-call__held_on")]


@detector("community_call")
def community_call(city: City, step: OnboardingStep, now: datetime.datetime):
    """Done once the city attended a community call."""
    calls = _calls_attended(city, _since(step, now))
    if not calls:
        return None
    return {"detector": "community_call", "summary": f"Attended '{calls[0][0]}' on {calls[0][1]}.",
            "calls": [{"title": t, "held_on": d} for t, d in calls[:5]]}


@detector("network_participation")
def network_participation(city: City, step: OnboardingStep, now: datetime.datetime):
    """Done while the city attended a community call within the step's period."""
    result = community_call(city, step, now)
    if result is not None:
        result["detector"] = "network_participation"
    return result


@detector("introductory_meeting")
def introductory_meeting(city: City, step: OnboardingStep, now: datetime.datetime):
    """Done once an introductory meeting is recorded."""
    meeting = IntroductoryMeeting.objects.filter(city=city).order_by("-held_on").first()
    if meeting is None:
        return None
    who = f" with {meeting.network_representative}" if meeting.network_representative else ""
    return {"detector": "introductory_meeting", "summary": f"Introductory meeting on {meeting.held_on}{who}.",
            "held_on": meeting.held_on.isoformat()}


@detector("impact_review")
def impact_review(city: City, step: OnboardingStep, now: datetime.datetime):
    """Done while an impact review was recorded within the step's period."""
    reviews = ImpactReview.objects.filter(city=city)
    since = _since(step, now)
    if since is not None:
        reviews = reviews.filter(reviewed_on__gte=since)
    review = reviews.order_by("-reviewed_on").first()
    if review is None:
        return None
    return {"detector": "impact_review", "summary": f"Impact review of {review.reviewed_on}.",
            "reviewed_on": review.reviewed_on.isoformat()}


def evaluate_city(city: City, now: datetime.datetime | None = None) -> list[str]:
    """Run every detector the catalogue attaches to a step; returns the keys of the steps it completed."""
    now = now or timezone.now()
    completed = []
    for step in api.active_steps().exclude(detector=""):
        func = DETECTORS.get(step.detector)
        if func is None:
            log.warning("Onboarding step %s names an unknown detector %r; skipped.", step.key, step.detector)
            continue
        detection = func(city, step, now)
        if detection is not None and api.record_detection(city, step, detection):
            completed.append(step.key)
    api.refresh_summary(city)
    return completed


def evaluate_all(now: datetime.datetime | None = None) -> dict[str, list[str]]:
    """Let recurring steps fall due, then run the detectors for every city (the periodic job)."""
    now = now or timezone.now()
    api.fall_due(now)
    return {city.slug: evaluate_city(city, now) for city in City.objects.order_by("pk")}
