"""The dashboard's awards per month, in the city's calendar (drawn by reporting.charts, tested there)."""
import datetime

import pytest

from cities_network_plugin.badges import engine
from cities_network_plugin.console import lookups

from .console_data import badge

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def test_awards_are_counted_per_month_of_the_citys_calendar(make_user, city_a, city_b):
    mechanic, other = badge(city_a), badge(city_b, name="Beta badge")
    mechanic.allow_reearning = True
    mechanic.save()
    people = [make_user(f"learner{n}") for n in range(5)]
    # 22:30 UTC on 31 March is 01:30 on 1 April in Vilnius: an April award for Alpha.
    engine.award(people[0], mechanic, {}, now=at(2026, 3, 31, 22, 30), announce=False)
    engine.award(people[1], mechanic, {}, now=at(2026, 3, 15, 12), announce=False)
    revoked, _ = engine.award(people[2], mechanic, {}, now=at(2026, 4, 10, 12), announce=False)
    engine.revoke(revoked, "Mistake", now=at(2026, 4, 11, 12))
    engine.award(people[3], mechanic, {}, now=at(2025, 3, 10, 12), announce=False)  # more than a year ago
    engine.award(people[4], other, {}, now=at(2026, 4, 2, 12), announce=False)  # another city's badge
    monthly = lookups.awards_per_month(city_a, now=at(2026, 4, 20, 12))
    assert len(monthly) == 12
    assert monthly[0] == ("May 25", 0)
    assert monthly[-2:] == [("Mar 26", 1), ("Apr 26", 1)]
    assert sum(count for _, count in monthly) == 2


def test_month_bounds_cross_the_year_in_the_citys_time_zone(city_a):
    bounds = lookups.month_bounds(city_a, at(2026, 1, 31, 23, 0), 3)  # already 1 February in Vilnius
    assert [b.strftime("%Y-%m-%d %H:%M %z") for b in bounds] == [
        "2025-12-01 00:00 +0200", "2026-01-01 00:00 +0200", "2026-02-01 00:00 +0200", "2026-03-01 00:00 +0200"]
