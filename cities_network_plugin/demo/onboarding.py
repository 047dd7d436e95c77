"""Demo onboarding: each city at its own stage, reached through the records and steps a real city would have."""
import datetime

from django.utils import timezone

from ..onboarding import api as onboarding_api
from ..onboarding.detectors import evaluate_city
from ..onboarding.models import (
    CommunityCall,
    CommunityCallAttendance,
    ImpactReview,
    IntroductoryMeeting,
    StepStatus,
)

# (city slug, step key, status, evidence note) for the steps people complete by hand.
MANUAL_STEPS = [
    ("vilnius", "needs-assessment", StepStatus.DONE, "Survey of 1,200 residents and 40 organisations, 2025."),
    ("vilnius", "set-objectives", StepStatus.DONE, "Reach 10,000 learners and 150 providers by 2027."),
    ("vilnius", "active-promotion", StepStatus.DONE, "Spring campaign in city transport and on local radio."),
    ("vilnius", "scale-and-expand", StepStatus.DONE, "Two neighbouring municipalities joined the platform."),
    ("rotterdam", "needs-assessment", StepStatus.DONE, "Youth skills study with the port employers."),
    ("rotterdam", "set-objectives", StepStatus.DONE, "Badges recognised by ten port employers."),
    ("rotterdam", "active-promotion", StepStatus.IN_PROGRESS, "Launch event planned for the spring."),
    ("fermo", "needs-assessment", StepStatus.IN_PROGRESS, "Interviews with schools are under way."),
]


def seed(stdout, accounts: dict) -> None:
    """Bring each demo city to its stage through records, manual steps and the detectors."""
    cities = accounts["cities"]
    manager = accounts["manager"]
    today = timezone.now().date()
    for slug in cities:
        progress = onboarding_api.get_journey(cities[slug]).step("express-interest").progress
        if progress.status != StepStatus.DONE:
            onboarding_api.record_join_request(cities[slug], f"{cities[slug].name} wrote to the network team.")

    IntroductoryMeeting.objects.get_or_create(
        city=cities["vilnius"], held_on=today - datetime.timedelta(days=700),
        defaults={"network_representative": "Nina Network", "notes": "Met at the city hall."},
    )
    IntroductoryMeeting.objects.get_or_create(
        city=cities["fermo"], held_on=today - datetime.timedelta(days=20),
        defaults={"network_representative": "Nina Network", "notes": "Online meeting."},
    )
    call, _ = CommunityCall.objects.get_or_create(
        title="Community call: recognising badges with employers", held_on=today - datetime.timedelta(days=40),
        defaults={"agenda": "Vilnius and Rotterdam share how employers recognise badges."},
    )
    for slug in ("vilnius", "rotterdam"):
        CommunityCallAttendance.objects.get_or_create(call=call, city=cities[slug])

    ImpactReview.objects.get_or_create(
        city=cities["vilnius"], reviewed_on=today - datetime.timedelta(days=60),
        defaults={"summary": "8,400 learners, 3,100 badges; more evening courses next year.",
                  "learners_reached": 8400, "created_by": manager},
    )

    for slug, key, status, note in MANUAL_STEPS:
        state = onboarding_api.get_journey(cities[slug]).step(key)
        if state.progress.status != status:
            onboarding_api.update_step(cities[slug], key, user=manager, status=status, evidence_note=note)

    for city in cities.values():
        evaluate_city(city)
        summary = onboarding_api.refresh_summary(city)
        stdout.write(f"  {city.name}: stage {summary.current_stage.number} "
                     f"({summary.steps_done}/{summary.steps_total} requirements met)")
