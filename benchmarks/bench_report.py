"""
Figure (c): ``report`` — the network report (``reporting.api.network_report``, every table, no filter) on
1,000,000 awards across 200 cities.

The data: 200 member cities with 5 badge classes each plus 10 the network issues (1,010 classes), 100,000
learners holding 10 awards each over the last two years (2 % revoked), and 50,000 opportunity completions over
2,000 opportunities. Rows go in with multi-row INSERTs in batches (see ``common.insert_rows``), then the tables
are analysed, as a production database keeps its statistics. The report then runs three times: the table shows
the median, and the first (cold) run beside it; then each table once on its own.
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


def _insert_awards(awards: int, learners: list[int], class_ids: list[int]) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    end = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    hours = [adapt(end - datetime.timedelta(hours=h)) for h in range(730 * 24)]
    count, classes = len(learners), len(class_ids)
    rng = random.Random(7)  # noqa: S311 - spreading dates, not secrets
    columns = ("uuid", "badge_class_id", "user_id", "attempt", "recipient_email", "recipient_name", "salt",
               "issued_at", "expires_at", "revoked", "revoked_at", "revocation_reason", "evidence")
    evidence = json.dumps({"bench": True})

    def rows():
        for j in range(awards):
            user, turn = j % count, j // count
            # A learner's ten awards are ten different classes: (user + turn * 101) differs for turn 0..9.
            klass = class_ids[(user + turn * 101) % classes]
            issued = hours[rng.randrange(len(hours))]
            revoked = j % 50 == 0
            yield (os.urandom(16).hex(), klass, learners[user], 1, f"rp{user}@example.com", "Learner", "0" * 32,
                   issued, None, revoked, issued if revoked else None, "Bench" if revoked else "", evidence)

    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET unique_checks=0, foreign_key_checks=0")
    try:
        insert_rows(Award._meta.db_table, columns, rows(), batch=5000, label="awards", total=awards)
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "mysql":
                cursor.execute("SET unique_checks=1, foreign_key_checks=1")


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
             days[j % len(days)], None)
            for j in range(min(COMPLETIONS, len(learners) * len(ids))))
    insert_rows("cities_network_plugin_opportunitycompletion",
                ("user_id", "opportunity_id", "source", "completed_at", "recorded_by_id"), rows, batch=5000)


def run(awards: int = 1_000_000) -> dict:
    start = time.perf_counter()
    built = build(awards)
    build_seconds = time.perf_counter() - start
    progress(f"    built in {build_seconds:.0f} s; running the report {RUNS} times")
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
                  learners_total=report.learners_total, **built)
    progress(f"    report: median {figure['median_ms']} ms, first {figure['first_ms']} ms, "
             f"{figure['queries']} queries; per table {figure['tables_ms']}")
    return figure
