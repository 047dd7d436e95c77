"""The report's figures, exactly, with and without filters; and their cost in queries."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cities_network_plugin.badges.models import Award
from cities_network_plugin.reporting import api, summaries
from cities_network_plugin.reporting.api import ReportFilters, network_report
from cities_network_plugin.tenancy.models import City

from tests.reporting.conftest import GAMMA_NAME, at, badge, opportunity

NETWORK_NAME = "Cities of Learning Network"
STAGES = ["Initial engagement", "Planning and preparation", "Development and implementation",
          "Building your network", "Ongoing support and growth"]


def _stages(not_started, *counts):
    return [(None, "Not started", not_started)] + [(n, t, c) for n, t, c in zip(range(1, 6), STAGES, counts,
                                                                                 strict=True)]


@pytest.mark.django_db
def test_whole_network_figures(network):
    report = network_report()
    assert report.cities_per_stage.rows == _stages(1, 1, 1, 0, 0, 0)
    assert report.awards_per_month.columns == ("month", "city", "awards", "revoked")
    assert report.awards_per_month.rows == [
        ("2025-12", "gamma", 1, 0),  # 23:30 UTC on 31 December is December, whatever the time zone
        ("2026-01", "alpha", 2, 0),
        ("2026-02", "beta", 1, 0), ("2026-02", "network", 1, 0),
        ("2026-03", "alpha", 0, 1), ("2026-03", "network", 1, 0),
    ]
    assert report.learners_reached.rows == [
        ("alpha", "Alpha", 2),  # u1 (award and completion: once), u2; u3's award was revoked
        ("beta", "Beta", 2),  # u1's award, u6's completion
        ("gamma", GAMMA_NAME, 1),
        ("network", NETWORK_NAME, 2),
    ]
    # u1 was reached by Alpha, Beta and the network, and counts once: 5 learners, not 7.
    assert report.learners_reached.total == ("total", "Whole network, each learner once", 5)
    assert report.learners_total == 5
    assert report.opportunities_by_kind.rows == [
        ("course", "Course", 0, 0), ("event", "Event", 2, 0), ("workshop", "Workshop", 1, 1),
        ("activity", "Activity", 0, 1), ("volunteering", "Volunteering", 0, 0), ("other", "Other", 0, 0),
    ]
    assert report.top_badges.rows == [
        ("Bike mechanic", "Alpha", 2), ("Network explorer", NETWORK_NAME, 2),
        ("Canal guide", "Beta", 1), ("Night owl", GAMMA_NAME, 1),
    ]


@pytest.mark.django_db
def test_date_range_covers_whole_utc_days(network):
    report = network_report(ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 2, 28)))
    assert report.awards_per_month.rows == [("2026-01", "alpha", 2, 0), ("2026-02", "beta", 1, 0),
                                            ("2026-02", "network", 1, 0)]
    assert [row[2] for row in report.learners_reached.rows] == [2, 2, 0, 1]
    assert report.learners_total == 4  # u1, u2, u4, u6
    assert report.top_badges.rows[0] == ("Bike mechanic", "Alpha", 2)
    # Stages and opportunities are the state now: the range leaves them alone.
    assert report.cities_per_stage.rows == _stages(1, 1, 1, 0, 0, 0)
    assert report.opportunities_by_kind.rows[1] == ("event", "Event", 2, 0)
    last_day = network_report(ReportFilters(date_from=datetime.date(2025, 12, 31), date_to=datetime.date(2025, 12, 31)))
    assert last_day.awards_per_month.rows == [("2025-12", "gamma", 1, 0)]


@pytest.mark.django_db
def test_months_and_days_are_utc_whatever_the_time_zone(network, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: 23:30 UTC on 31 December is already 1 January there
    assert network_report().awards_per_month.rows[0] == ("2025-12", "gamma", 1, 0)
    new_year = network_report(ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 1, 1)))
    assert new_year.awards_per_month.rows == []


@pytest.mark.django_db
def test_country_and_status_select_cities_and_leave_out_network_badges(network):
    report = network_report(ReportFilters(countries=("LT", "NL")))
    assert report.cities_per_stage.rows == _stages(0, 1, 1, 0, 0, 0)
    assert [row[1] for row in report.awards_per_month.rows] == ["alpha", "beta", "alpha"]
    assert report.learners_reached.rows == [("alpha", "Alpha", 2), ("beta", "Beta", 2)]
    assert report.learners_total == 3  # u1, u2, u6
    assert report.opportunities_by_kind.rows[3] == ("activity", "Activity", 0, 0)  # Gamma's is left out
    assert [row[0] for row in report.top_badges.rows] == ["Bike mechanic", "Canal guide"]
    members = network_report(ReportFilters(city_statuses=("member",)))
    assert members.learners_reached.rows == [("alpha", "Alpha", 2)]
    assert members.cities_per_stage.rows == _stages(0, 0, 1, 0, 0, 0)
    both = network_report(ReportFilters(countries=("NL",), city_statuses=("member",)))
    assert both.learners_reached.rows == [] and both.learners_total == 0


@pytest.mark.django_db
def test_top_badges_keeps_ten_and_names_versions(city_a, make_user):
    learner = make_user("learner1")
    for number in range(12):
        badge_class = badge(city_a, f"Badge {number:02d}")
        if number == 11:
            badge_class.version = 2
            badge_class.save()
        for extra in range(number % 3 + 1):
            Award.objects.create(badge_class=badge_class, user=make_user(f"l{number}-{extra}") if extra else learner,
                                 recipient_email="x@example.com", salt="s", issued_at=at(2026, 1, 1))
    rows = api.build_table("top_badges", ReportFilters()).rows
    assert len(rows) == 10
    assert rows[:4] == [("Badge 02", "Alpha", 3), ("Badge 05", "Alpha", 3), ("Badge 08", "Alpha", 3),
                        ("Badge 11 (v2)", "Alpha", 3)]


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_to": "yesterday"}, "date_to"),
    ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
    ({"country": "Lithuania"}, "country"),
    ({"status": "member,asleep"}, "status"),
])
def test_bad_filters_name_their_parameter(params, field):
    with pytest.raises(ValidationError) as caught:
        ReportFilters.from_params(params)
    assert list(caught.value.message_dict) == [field]


def test_filters_read_repeated_and_comma_lists():
    filters = ReportFilters.from_params(QueryDict("country=lt,NL&country=pt&status=member&date_from=2026-01-01"))
    assert filters == ReportFilters(date_from=datetime.date(2026, 1, 1), countries=("LT", "NL", "PT"),
                                    city_statuses=("member",))
    assert ReportFilters.from_params({}) == ReportFilters()
    assert ReportFilters.from_params({"country": ["LT", "NL"], "status": []}).countries == ("LT", "NL")


def _grow(first: int, last: int, make_user) -> None:
    """Cities ``first`` to ``last - 1``, each with a published opportunity, a badge, two awards and a completion."""
    for number in range(first, last):
        city = City.objects.create(slug=f"c{number}", name=f"City {number}", country="LT", status="member")
        opp = opportunity(city, "event", "published", f"Event {number}")
        badge_class = badge(city, f"Badge {number}")
        for month in (1, 2):
            user = make_user(f"c{number}-u{month}")
            Award.objects.create(badge_class=badge_class, user=user, recipient_email=user.email, salt="s",
                                 issued_at=at(2026, month, 3))
        opp.completions.create(user=user, source="attendance", completed_at=at(2026, 2, 4))


def _queries(filters: ReportFilters) -> int:
    with CaptureQueriesContext(connection) as captured:
        network_report(filters)
    return len(captured)


def _catch_up_queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        summaries.catch_up()
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("filters", [
    ReportFilters(), ReportFilters(date_from=datetime.date(2026, 1, 1), countries=("LT",)),
    ReportFilters(date_from=datetime.date(2026, 1, 2), date_to=datetime.date(2026, 2, 27)),
], ids=["all", "whole-months-and-country", "days"])
def test_queries_do_not_grow_with_the_number_of_cities(filters, make_user, django_assert_max_num_queries):
    _grow(0, 3, make_user)
    catch_up_few = _catch_up_queries()
    few = _queries(filters)
    _grow(3, 30, make_user)
    # Catching up with ten times as many new awards, completions and learners costs the same statements.
    assert _catch_up_queries() == catch_up_few
    with django_assert_max_num_queries(14):
        report = network_report(filters)
    assert _queries(filters) == few <= 14
    assert len(report.learners_reached.rows) >= 30 and report.learners_total == 60
    assert sum(row[2] for row in report.awards_per_month.rows) == 60

    assert sum(row[2] for row in report.awards_per_month.rows) == 60
