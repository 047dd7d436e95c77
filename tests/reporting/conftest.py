"""A small network to report on: three cities in three countries and statuses, at different stages."""
import datetime

import pytest

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award
from cities_network_plugin.onboarding import api as onboarding_api
from cities_network_plugin.onboarding.models import StepStatus
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities.models import OpportunityCompletion
from cities_network_plugin.tenancy.models import City, CityStatus

GAMMA_NAME = "Gamma <&> Co"


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def badge(issuer, name):
    return badges_api.create_class(issuer, {"name": name, "description": f"{name}.", "criteria_narrative": "Do it.",
                                            "status": "active"})


def opportunity(city, kind, status, title):
    return opportunities_api.create_opportunity(city, {"kind": kind, "status": status, "title": title})


@pytest.fixture
def city_c(db):  # pylint: disable=unused-argument
    return City.objects.create(slug="gamma", name=GAMMA_NAME, country="PT", status=CityStatus.PROSPECT,
                               timezone="Europe/Lisbon", languages=["pt"])


@pytest.fixture
def network(city_a, city_b, city_c, make_user, network_manager):
    """
    Alpha (LT, member) at stage 2, Beta (NL, onboarding) at stage 1, Gamma (PT, prospect) without a journey.

    Learners: u1 holds Alpha's and Beta's badges, the network's badge, and completed Alpha's event; u2 holds
    Alpha's badge; u3's Alpha badge was revoked; u4 holds the network's badge; u5 Gamma's (at the last minutes
    of 2025 in UTC); u6 completed Beta's workshop.
    """
    onboarding_api.update_step(city_a, "express-interest", user=network_manager, status=StepStatus.DONE)
    onboarding_api.update_step(city_a, "introductory-meeting", user=network_manager, status=StepStatus.DONE,
                               reason="Met")
    onboarding_api.refresh_summary(city_b)

    event = opportunity(city_a, "event", "published", "Bike repair café")
    opportunity(city_a, "event", "published", "Night ride")
    opportunity(city_a, "workshop", "draft", "Wheel truing")
    workshop = opportunity(city_b, "workshop", "published", "Canal history")
    opportunity(city_c, "activity", "draft", "Tile painting")

    bike, canal = badge(city_a, "Bike mechanic"), badge(city_b, "Canal guide")
    night, explorer = badge(city_c, "Night owl"), badge(None, "Network explorer")
    users = {n: make_user(f"u{n}") for n in range(1, 7)}
    for user, badge_class, when in [
        (users[1], bike, at(2026, 1, 15)), (users[1], canal, at(2026, 2, 10)), (users[1], explorer, at(2026, 3, 1)),
        (users[2], bike, at(2026, 1, 20)), (users[3], bike, at(2026, 3, 5)), (users[4], explorer, at(2026, 2, 1)),
        (users[5], night, at(2025, 12, 31, 23, 30)),
    ]:
        engine.award(user, badge_class, {}, now=when, announce=False)
    revoked = engine.current_award(users[3].pk, bike)
    Award.objects.filter(pk=revoked.pk).update(revoked=True, revocation_reason="Mistake")
    OpportunityCompletion.objects.create(user=users[1], opportunity=event, source="attendance",
                                         completed_at=at(2026, 1, 10))
    OpportunityCompletion.objects.create(user=users[6], opportunity=workshop, source="attendance",
                                         completed_at=at(2026, 2, 15))
    return {"cities": (city_a, city_b, city_c), "users": users}
