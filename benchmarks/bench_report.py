"""
Figure (c): ``report`` — the network report (``reporting.api.network_report``, every table, no filter) on
1,000,000 awards across 200 cities.

The data: 200 member cities with 5 badge classes each plus 10 the network issues (1,010 classes), 100,000
learners holding 10 awards each over the last two years (2 % revoked), and 50,000 opportunity completions over
2,000 opportunities. Rows go in with multi-row INSERTs in batches (see ``common.insert_rows``), then the tables
are analysed, as a production database keeps its statistics. Those rows went in behind the report's summary tables,
so they are counted into them once (``summaries.rebuild``, timed apart, as after an upgrade). The report then
runs three times: the table shows the median, and the first (cold) run beside it; then each table once on its
own; then once more after 1,000 new awards and 100 revocations, which it counts first.
"""
from __future__ import annotations

import datetime
import json
import os
import random
import time

from django.db import connection

from cities_network_plugin.badges.models import Award, BadgeClass, BadgeStatus
from cities_network_plugin.opportunities.models import Opportunity, PublicationStatus
from cities_network_plugin.reporting import api as reporting_api
from cities_network_plugin.reporting import summaries
from cities_network_plugin.reporting.models import AwardMonthTally, LearnerReach, ReachCount

from .bench_pipeline import make_cities
from .common import StatementCounter, analyze, insert_rows, make_users, progress, repeat_timing, wipe

CITIES = 200
CLASSES_PER_CITY = 5
NETWORK_CLASSES = 10
AWARDS_PER_LEARNER = 10
OPPORTUNITIES_PER_CITY = 10
COMPLETIONS = 50_000
RUNS = 3


def build(awards: int) -> dict:
    wipe()
    cities = make_cities(CITIES, "report")
    progress(f"(c) report: {len(cities)} cities, building {awards:,} awards")
    classes = [BadgeClass(issuer_city=cities[n % CITIES] if n < CITIES * CLASSES_PER_CITY else None,
                          name=f"Report badge {n}", description="d", criteria_narrative="c",
                          status=BadgeStatus.ACTIVE) for n in range(CITIES * CLASSES_PER_CITY + NETWORK_CLASSES)]
    BadgeClass.objects.bulk_create(classes, batch_size=1000)
    class_ids = list(BadgeClass.objects.filter(name__startswith="Report badge ").values_list("pk", flat=True))
    learners = make_users(max(awards // AWARDS_PER_LEARNER, 1), "rp")
    _insert_awards(awards, learners, class_ids)
    _insert_completions(cities, learners)
    analyze(Award._meta.db_table, "cities_network_plugin_opportunitycompletion", BadgeClass._meta.db_table,
            "auth_user")
    return {"classes": len(class_ids), "learners": len(learners)}


def _insert_awards(awards: int, learners: list[int], class_ids: list[int], seed: int = 7) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    end = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    hours = [adapt(end - datetime.timedelta(hours=h)) for h in range(730 * 24)]
    count, classes = len(learners), len(class_ids)
    rng = random.Random(seed)  # noqa: S311 - spreading dates, not secrets
    columns = ("uuid", "badge_class_id", "user_id", "attempt", "recipient_email", "recipient_name", "salt",
               "issued_at", "expires_at", "revoked", "revoked_at", "revocation_reason", "evidence", "tally")
    evidence = json.dumps({"bench": True})

    def rows():
        for j in range(awards):
            user, turn = j % count, j // count
            # A learner's ten awards are ten different classes: (user + turn * 101) differs for turn 0..9.
            klass = class_ids[(user + turn * 101) % classes]
            issued = hours[rng.randrange(len(hours))]
            revoked = j % 50 == 0
            yield (os.urandom(16).hex(), klass, learners[user], 1, f"rp{user}@example.com", "Learner", "0" * 32,
                   issued, None, revoked, issued if revoked else None, "Bench" if revoked else "", evidence, 0)

    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET unique_checks=0, foreign_key_checks=0")
    try:
        insert_rows(Award._meta.db_table, columns, rows(), batch=5000, label="awards", total=awards)
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "mysql":
                cursor.execute("SET unique_checks=1, foreign_key_checks=1")


def _with_new_awards(built: dict, report) -> dict:
    """
    The report as it runs in production: some awards and revocations arrived since the last catch-up (the
    sweeper's, every few minutes). NEW awards of learners who held none, and REVOKE revocations, then one report,
    which counts them first.
    """
    new, revoke = 1000, 100
    class_ids = list(BadgeClass.objects.filter(name__startswith="Report badge ").values_list("pk", flat=True))
    learners = make_users(new, "rpnew")
    _insert_awards(new, learners, class_ids, seed=11)
    to_revoke = list(Award.objects.filter(revoked=False, tally=summaries.COUNTED).order_by("pk").values_list(
        "pk", flat=True)[:revoke])
    Award.objects.filter(pk__in=to_revoke).update(revoked=True, revocation_reason="Bench")
    start = time.perf_counter()
    after = reporting_api.network_report()
    seconds = time.perf_counter() - start
    # Checked against the rows themselves, the slow way (not timed): the kept counts must be exact.
    _per_city, scanned_total = reporting_api._reach_scan(reporting_api.ReportFilters())  # pylint: disable=protected-access
    scanned_months = sorted((f"{m:%Y-%m}", slug or reporting_api.NETWORK, a, r) for m, slug, a, r in
                            reporting_api._awards_per_month_scan(reporting_api.ReportFilters()))  # pylint: disable=protected-access
    if after.learners_total != scanned_total or after.awards_per_month.rows != scanned_months:
        raise AssertionError(f"the summaries disagree with the rows: {after.learners_total} learners reached, "
                             f"the rows say {scanned_total}")
    if after.learners_total <= report.learners_total:
        raise AssertionError("the new learners were not counted")
    progress(f"    report with {new:,} new awards and {revoke} revocations to count first: {seconds * 1000:.0f} ms")
    return {"with_new_awards_ms": round(seconds * 1000, 1), "new_awards": new, "new_revocations": revoke}


def _insert_completions(cities, learners: list[int]) -> None:
    opportunities = [Opportunity(city=cities[n % len(cities)], title=f"Report opportunity {n}",
                                 status=PublicationStatus.PUBLISHED if n % 4 else PublicationStatus.DRAFT)
                     for n in range(len(cities) * OPPORTUNITIES_PER_CITY)]
    Opportunity.objects.bulk_create(opportunities, batch_size=1000)
    ids = list(Opportunity.objects.filter(title__startswith="Report opportunity ").values_list("pk", flat=True))
    adapt = connection.ops.adapt_datetimefield_value
    now = datetime.datetime.now(datetime.UTC)
    days = [adapt(now - datetime.timedelta(days=d)) for d in range(730)]
    rows = ((learners[j % len(learners)], ids[(j * 7 + j // len(learners)) % len(ids)], "attendance",
             days[j % len(days)], None, False)
            for j in range(min(COMPLETIONS, len(learners) * len(ids))))
    insert_rows("cities_network_plugin_opportunitycompletion",
                ("user_id", "opportunity_id", "source", "completed_at", "recorded_by_id", "tallied"), rows, batch=5000)


def run(awards: int = 1_000_000) -> dict:
    start = time.perf_counter()
    built = build(awards)
    build_seconds = time.perf_counter() - start
    # The rows went in behind the summaries' back (as after an upgrade): count them all once, as
    # ``cities_network_report --rebuild-summaries`` does. Not part of the report's figure; reported beside it.
    progress(f"    built in {build_seconds:.0f} s; counting them into the summary tables")
    start = time.perf_counter()
    counted = summaries.rebuild()
    summaries_seconds = time.perf_counter() - start
    analyze(*(model._meta.db_table for model in (AwardMonthTally, LearnerReach, ReachCount)))
    progress(f"    {counted:,} rows counted in {summaries_seconds:.1f} s; running the report {RUNS} times")
    counter = StatementCounter()
    with counter.counting():
        report = reporting_api.network_report()
    figure = repeat_timing(reporting_api.network_report, RUNS)
    figure["tables_ms"] = {name: repeat_timing(lambda name=name: reporting_api.build_table(name), 1)["median_ms"]
                           for name in reporting_api.TABLE_NAMES}
    total_awards = sum(row[2] + row[3] for row in report.awards_per_month.rows)
    if total_awards != awards:
        raise AssertionError(f"the report counts {total_awards} awards, {awards} were written")
    figure.update(awards=awards, cities=CITIES, queries=counter.total_data, build_seconds=round(build_seconds, 1),
                  learners_total=report.learners_total, summaries_rebuild_seconds=round(summaries_seconds, 1),
                  summaries_rows_per_s=round(counted / summaries_seconds), **built)
    figure.update(_with_new_awards(built, report))
    progress(f"    report: median {figure['median_ms']} ms, first {figure['first_ms']} ms, "
             f"{figure['queries']} queries; per table {figure['tables_ms']}")
    return figure
