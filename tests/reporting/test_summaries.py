"""
The report's summary tables against the award and completion rows themselves: after any mix of awards, revocations,
re-earning, completions, bulk backfills and deleted accounts, the kept counts give exactly what a scan gives.
"""
import datetime
import random
import threading

import pytest
from django.db import connection, connections
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import backfill, engine
from cities_network_plugin.badges.models import Award
from cities_network_plugin.compat import CourseOutcome
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.reporting import api, summaries
from cities_network_plugin.reporting.api import ReportFilters
from cities_network_plugin.reporting.models import AwardMonthTally, LearnerReach, ReachCount, SummaryState
from cities_network_plugin.tenancy.models import City

from tests.reporting.conftest import at, badge, opportunity

COURSE = "course-v1:AlphaX+Bulk+2026"  # a course of city_a's organisation, which its badge may count


def _scan_figures(filters: ReportFilters) -> dict:
    """What the award and completion rows say, read the slow way (the report's scan paths)."""
    per_city, total = api._reach_scan(filters)  # pylint: disable=protected-access
    return {
        "months": sorted((f"{m:%Y-%m}", slug or api.NETWORK, a, r)
                         for m, slug, a, r in api._awards_per_month_scan(filters)),  # pylint: disable=protected-access
        "reach": {pk: n for pk, n in per_city.items() if n},
        "total": total,
        "top": list(api._top_badges_scan(filters)),  # pylint: disable=protected-access
    }


def _summary_figures(filters: ReportFilters) -> dict:
    summaries.catch_up()
    report = api.network_report(filters)
    slugs = dict(City.objects.values_list("slug", "pk"))
    reach = {}
    for slug, _name, learners in report.learners_reached.rows:
        if learners:
            reach[None if slug == api.NETWORK else slugs[slug]] = learners
    return {"months": report.awards_per_month.rows, "reach": reach, "total": report.learners_total,
            "top": [(badge_name, awards) for badge_name, _issuer, awards in report.top_badges.rows]}


def _assert_summaries_match(filters: ReportFilters | None = None) -> None:
    filters = filters or ReportFilters()
    assert filters.whole_months and not (filters.date_from or filters.date_to)
    scanned, kept = _scan_figures(filters), _summary_figures(filters)
    assert kept["months"] == scanned["months"]
    assert kept["reach"] == scanned["reach"]
    assert kept["total"] == scanned["total"]
    assert kept["top"] == [(name if version == 1 else f"{name} (v{version})", awards)
                           for name, version, _issuer, awards in scanned["top"]]
    # The per-city counts are what the reach rows say, row by row.
    for scope, learners in ReachCount.objects.exclude(scope=-1).values_list("scope", "learners"):
        assert LearnerReach.objects.filter(scope=scope, reasons__gt=0).count() == learners


@pytest.mark.django_db
def test_the_report_counts_what_the_rows_say_through_every_kind_of_change(city_a, city_b, make_user):
    rng = random.Random(2026)  # noqa: S311 - a repeatable sequence of operations, not a secret
    classes = [badge(city_a, "A1"), badge(city_a, "A2"), badge(city_b, "B1"), badge(None, "N1")]
    classes[1].allow_reearning = True
    classes[1].save()
    events = [opportunity(city_a, "event", "published", "A event"), opportunity(city_b, "event", "published", "B ev")]
    users = [make_user(f"s{n}") for n in range(12)]
    for step in range(120):
        action = rng.choice(["award", "award", "award", "revoke", "complete", "catch_up", "delete"])
        user = rng.choice(users)
        if action == "award":
            month = rng.randrange(1, 13)
            engine.award(user, rng.choice(classes), {"step": step}, now=at(2026, month, rng.randrange(1, 28)),
                         announce=False)
        elif action == "revoke":
            held = list(Award.objects.filter(revoked=False).order_by("pk")[:50])
            if held:
                engine.revoke(rng.choice(held), "Given in error", now=at(2026, 12, 30))
        elif action == "complete":
            opportunities_api.record_completion(user, rng.choice(events), completed_at=at(2026, 5, 5))
        elif action == "catch_up":
            summaries.catch_up()
        elif action == "delete" and step > 60 and len(users) > 6:
            users.remove(user)
            user.delete()  # the account goes, with its awards and completions: the summaries rebuild
        if step % 30 == 29:
            _assert_summaries_match()
    _assert_summaries_match()
    assert Award.objects.filter(revoked=True).exists() and AwardMonthTally.objects.filter(revoked__gt=0).exists()


@pytest.mark.django_db
def test_a_bulk_backfill_is_counted_like_single_awards(city_a, make_user):
    badges_api.create_class(city_a, {"name": "Bulk", "description": "d", "criteria_narrative": "c",
                                     "status": "active", "groups": [{"requirements": [
                                         {"kind": "course_passed", "target": COURSE}]}]})
    users = [make_user(f"b{n}") for n in range(30)]
    key = CourseKey.from_string(COURSE)
    result = backfill.run([CourseOutcome(user_id=u.pk, course_key=key, passed=True, grade=0.9) for u in users])
    assert result.awards == 30
    _assert_summaries_match()
    assert ReachCount.objects.get(scope=city_a.pk).learners == 30
    assert ReachCount.objects.get(scope=-1).learners == 30


@pytest.mark.django_db
def test_a_revocation_between_counting_and_marking_is_counted_next_time(city_a, make_user):
    bike = badge(city_a, "Bike")
    user = make_user("late")
    award, _created = engine.award(user, bike, {}, now=at(2026, 3, 3), announce=False)
    # A catch-up read the award as valid; before it marks the row, the revocation commits.
    read = list(summaries.pending_awards().values_list(
        "pk", "badge_class_id", "badge_class__issuer_city_id", "user_id", "issued_at", "revoked", "tally"))
    engine.revoke(award, "Copied the work", now=at(2026, 3, 4))
    summaries._count(read, [])  # pylint: disable=protected-access
    assert AwardMonthTally.objects.get().awards == 1  # counted as it was read...
    assert summaries.is_behind()  # ...and still waiting, as revoked
    summaries.catch_up()
    tally = AwardMonthTally.objects.get()
    assert (tally.awards, tally.revoked) == (0, 1)
    assert not LearnerReach.objects.exists() and ReachCount.objects.get(scope=city_a.pk).learners == 0
    assert ReachCount.objects.get(scope=-1).learners == 0
    _assert_summaries_match()


@pytest.mark.django_db
def test_deleting_a_counted_award_rebuilds_and_rebuild_counts_from_scratch(city_a, make_user):
    bike = badge(city_a, "Bike")
    users = [make_user(f"d{n}") for n in range(3)]
    for user in users:
        engine.award(user, bike, {}, now=at(2026, 4, 1), announce=False)
    summaries.catch_up()
    Award.objects.filter(user=users[0]).delete()
    assert SummaryState.objects.get(pk=1).stale
    summaries.catch_up()
    assert not SummaryState.objects.get(pk=1).stale
    assert AwardMonthTally.objects.get().awards == 2
    # A rebuild on demand gives the same counts, and says how many rows it counted as it goes.
    seen = []
    assert summaries.rebuild(progress=lambda counted, _total: seen.append(counted)) == 2
    assert seen == [2] and AwardMonthTally.objects.get().awards == 2
    _assert_summaries_match()


@pytest.mark.django_db
def test_whole_month_ranges_use_the_tallies_and_day_ranges_scan(network):  # pylint: disable=unused-argument
    months = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 2, 28))
    days = ReportFilters(date_from=datetime.date(2026, 1, 16), date_to=datetime.date(2026, 2, 28))
    assert months.whole_months and not days.whole_months
    assert not ReportFilters(date_to=datetime.date(2026, 2, 27)).whole_months
    assert api.network_report(months).awards_per_month.rows == [
        ("2026-01", "alpha", 2, 0), ("2026-02", "beta", 1, 0), ("2026-02", "network", 1, 0)]
    # From the 16th: u1's Alpha badge of the 15th falls out; the scan sees it, a month count could not.
    assert api.network_report(days).awards_per_month.rows == [
        ("2026-01", "alpha", 1, 0), ("2026-02", "beta", 1, 0), ("2026-02", "network", 1, 0)]


@pytest.mark.django_db(transaction=True)
def test_two_catch_ups_at_once_count_each_row_once(city_a, make_user):
    if connection.vendor != "mysql":
        pytest.skip("row locks between two connections: MariaDB tier (SQLite allows one writer and fails the other)")
    # No state row, as in a flushed database: both catch-ups must create it without deadlocking on it.
    SummaryState.objects.all().delete()
    bike, other = badge(city_a, "Bike"), badge(None, "Network")
    for n in range(400):
        user = make_user(f"t{n}")
        engine.award(user, bike, {}, now=at(2026, 1 + n % 12, 2), announce=False)
        engine.award(user, other, {}, now=at(2026, 6, 2), announce=False)
    original_chunk = summaries.CHUNK
    summaries.CHUNK = 100  # several chunks each, interleaving
    errors = []
    start_together = threading.Barrier(2)

    def run():
        try:
            start_together.wait(timeout=30)
            summaries.catch_up()
        except Exception as error:  # pragma: no cover - reported below  # pylint: disable=broad-except
            errors.append(error)
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        summaries.CHUNK = original_chunk
    assert not errors
    assert sum(AwardMonthTally.objects.values_list("awards", flat=True)) == 800
    assert ReachCount.objects.get(scope=-1).learners == 400
    assert ReachCount.objects.get(scope=city_a.pk).learners == 400
    _assert_summaries_match()


@pytest.mark.django_db
def test_a_catch_up_that_fails_rolls_back_whole_and_the_report_still_answers(city_a, make_user, monkeypatch, caplog):
    from django.db import OperationalError

    bike = badge(city_a, "Bike")
    engine.award(make_user("f1"), bike, {}, now=at(2026, 5, 1), announce=False)
    summaries.catch_up()
    engine.award(make_user("f2"), bike, {}, now=at(2026, 5, 2), announce=False)

    def deadlock(changes):
        raise OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")

    monkeypatch.setattr(summaries, "_apply_reach", deadlock)
    report = api.network_report()
    assert report.still_counting and "could not catch up" in caplog.text
    assert report.awards_per_month.rows == [("2026-05", "alpha", 1, 0)]  # as counted before; nothing half-written
    assert Award.objects.filter(tally=summaries.NOT_COUNTED).count() == 1
    monkeypatch.undo()
    report = api.network_report()
    assert not report.still_counting and report.awards_per_month.rows == [("2026-05", "alpha", 2, 0)]
