"""
Network-wide figures for network managers: where cities stand in their journey, the badges they award, the
learners they reach, what they offer, and the most earned badges.

Each figure is one or two aggregate queries (GROUP BY in the database); the whole report is eight queries
whatever the number of cities or awards, and nothing here loops over cities. The award queries read only the
covering index ``cities_network_award_report`` (class, issued, revoked, learner), not the award rows, which
keeps them to one index scan each at a million awards.

Decisions a successor may question:

* **Time**: months are calendar months in UTC and the date range is whole UTC days, both ends included.
  ``TruncMonth`` is pinned to UTC, so MariaDB needs no time-zone tables: Django only emits ``CONVERT_TZ`` when
  the truncation's zone differs from the connection's, which is UTC under ``USE_TZ=True`` unless
  ``DATABASES[...]["TIME_ZONE"]`` says otherwise. The figures are the same whatever ``TIME_ZONE`` is.
* **Revoked awards** count as neither awards, learners reached nor top badges. ``awards_per_month`` shows them in
  their own column (issued that month, revoked since), so withdrawals are visible without inflating the count.
  Expired awards count: they were earned.
* **Cities without a journey summary** (no ``CityOnboarding`` row yet; ``onboarding.api.refresh_summary``
  writes it) count as "not started", not as stage 1: the report shows what is recorded, and a city nobody has
  assessed yet is something a manager should see.
* **Learners reached** by a city: distinct learners who hold a non-revoked award of a badge the city issues, or
  completed an opportunity the city owns, in the date range. The network total counts each learner once,
  however many cities reached them: it is not the sum of the rows.
* **Filters**: country and status select cities (the owner of an opportunity, the issuer of a badge). Badges the
  network issues belong to no country or status, so they appear (as ``network``) only when neither is set.
  The journey stages and the opportunity counts are the state now: the date range does not apply to them.
* **Summary tables** (``reporting.summaries``, ADR 0010): the award figures come from counts kept per class and
  month, and learners reached from counts kept per city, so the report does not scan the awards. Each report
  first catches the summaries up with what was written since. Two cases still scan, exactly as before, because a
  count per month cannot answer them: a date range that starts or ends inside a month (awards per month, top
  badges), and learners reached within any date range (a learner is counted once however many months reached
  them).
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date

from ..badges.models import Award, BadgeClass
from ..onboarding.models import OnboardingStage
from ..opportunities.models import Opportunity, OpportunityCompletion, OpportunityKind, PublicationStatus
from ..tenancy.models import COUNTRY_VALIDATOR, City, CityStatus
from . import summaries
from .models import EVERYONE_SCOPE, NETWORK_SCOPE, AwardMonthTally, LearnerReach, ReachCount

log = logging.getLogger(__name__)
NETWORK = "network"  # the "city" of badges the network itself issues
NOT_STARTED = "Not started"
TOTAL_LABEL = "Whole network, each learner once"
TOP_BADGES = 10
# A report counts at most this many waiting rows before it answers (a few seconds' work); beyond that it says the
# figures are still being counted (after an upgrade, before ``cities_network_report --rebuild-summaries`` ran).
CATCH_UP_LIMIT = 50_000
TABLE_NAMES = ("cities_per_stage", "awards_per_month", "learners_reached", "opportunities_by_kind", "top_badges")


def _values(params, name: str) -> list[str]:
    """A parameter's values, repeated (``?country=LT&country=NL``) or as a comma list (``?country=LT,NL``)."""
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        value = params.get(name)
        raw = list(value) if isinstance(value, list | tuple) else [value] if value else []
    return [part.strip() for item in raw if item for part in str(item).split(",") if part.strip()]


@dataclass(frozen=True)
class ReportFilters:
    """What the report covers; every filter optional (the whole network, all time)."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    countries: tuple[str, ...] = ()
    city_statuses: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params) -> ReportFilters:
        """
        Read ``date_from``, ``date_to`` (YYYY-MM-DD), ``country`` and ``status`` (repeated or comma lists) from
        query parameters or a dict; a bad value raises a ValidationError naming the parameter.
        """
        errors: dict[str, list[str]] = {}
        dates = {}
        for name in ("date_from", "date_to"):
            raw = (_values(params, name) or [""])[0]
            try:
                dates[name] = parse_date(raw) if raw else None
            except ValueError:  # well formed but impossible, e.g. 2026-02-30
                dates[name] = None
            if raw and dates[name] is None:
                errors.setdefault(name, []).append(f"'{raw}' is not a date (use YYYY-MM-DD).")
        if dates["date_from"] and dates["date_to"] and dates["date_to"] < dates["date_from"]:
            errors.setdefault("date_to", []).append("The end of the range comes before its start.")
        countries = tuple(sorted({code.upper() for code in _values(params, "country")}))
        for code in countries:
            if not COUNTRY_VALIDATOR.regex.match(code):
                errors.setdefault("country", []).append(
                    f"'{code}' is not a country code (use two letters, e.g. LT).")
        statuses = tuple(sorted(set(_values(params, "status"))))
        for status in statuses:
            if status not in CityStatus.values:
                errors.setdefault("status", []).append(
                    f"'{status}' is not a city status; use one of: {', '.join(CityStatus.values)}.")
        if errors:
            raise ValidationError(errors)
        return cls(countries=countries, city_statuses=statuses, **dates)

    @property
    def whole_months(self) -> bool:
        """True when the range (if any) starts on the first of a month and ends on the last day of one."""
        return ((self.date_from is None or self.date_from.day == 1)
                and (self.date_to is None or (self.date_to + datetime.timedelta(days=1)).day == 1))

    def month_q(self, field_name: str) -> Q:
        """The months of a whole-month range, on a field holding the first day of a month."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{field_name}__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{field_name}__lte": self.date_to})
        return q

    @property
    def narrows_cities(self) -> bool:
        """True when only some cities are covered (and so not the network's own badges)."""
        return bool(self.countries or self.city_statuses)

    def city_q(self, prefix: str = "") -> Q:
        """The city filters, on the city reached through ``prefix`` (e.g. ``"badge_class__issuer_city__"``)."""
        q = Q()
        if self.countries:
            q &= Q(**{f"{prefix}country__in": self.countries})
        if self.city_statuses:
            q &= Q(**{f"{prefix}status__in": self.city_statuses})
        return q

    def time_q(self, field_name: str) -> Q:
        """``field_name`` within the range: from the start of ``date_from`` to the end of ``date_to``, UTC."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{field_name}__gte": _utc_midnight(self.date_from)})
        if self.date_to:
            q &= Q(**{f"{field_name}__lt": _utc_midnight(self.date_to + datetime.timedelta(days=1))})
        return q

    def as_dict(self) -> dict:
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "country": list(self.countries), "status": list(self.city_statuses),
        }


def _utc_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Table:
    """One figure as a table: column names, rows in display order, and an optional total row."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple]
    total: tuple | None = None

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def as_dict(self) -> dict:
        return {"title": self.title, "columns": list(self.columns), "rows": self.records(),
                "total": dict(zip(self.columns, self.total, strict=True)) if self.total else None}


@dataclass(frozen=True)
class NetworkReport:
    """Every figure of the report for one set of filters."""

    filters: ReportFilters
    cities_per_stage: Table
    awards_per_month: Table
    learners_reached: Table
    opportunities_by_kind: Table
    top_badges: Table
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    # True when awards or completions were still waiting to be counted into the summaries (see CATCH_UP_LIMIT).
    still_counting: bool = False

    @property
    def learners_total(self) -> int:
        """Distinct learners the network reached (each learner once)."""
        return self.learners_reached.total[-1]

    def tables(self) -> list[Table]:
        return [getattr(self, name) for name in TABLE_NAMES]

    def table(self, name: str) -> Table:
        if name not in TABLE_NAMES:
            raise KeyError(f"No table '{name}'; the tables are: {', '.join(TABLE_NAMES)}.")
        return getattr(self, name)

    def as_dict(self) -> dict:
        return {"filters": self.filters.as_dict(), "generated_at": self.generated_at.isoformat(),
                "still_counting": self.still_counting, "learners_total": self.learners_total,
                "tables": {table.name: table.as_dict() for table in self.tables()}}


def network_report(filters: ReportFilters | None = None) -> NetworkReport:
    """
    The report for ``filters`` (the whole network, all time, when None): the summaries caught up, then a constant
    number of aggregate queries.
    """
    filters = filters or ReportFilters()
    still_counting = _catch_up()
    return NetworkReport(
        filters=filters, still_counting=still_counting,
        cities_per_stage=cities_per_stage(filters),
        awards_per_month=awards_per_month(filters),
        learners_reached=learners_reached(filters),
        opportunities_by_kind=opportunities_by_kind(filters),
        top_badges=top_badges(filters),
    )


def build_table(name: str, filters: ReportFilters | None = None) -> Table:
    """One table alone (for a CSV download of it): only that table's queries run."""
    if name not in TABLE_NAMES:
        raise KeyError(f"No table '{name}'; the tables are: {', '.join(TABLE_NAMES)}.")
    _catch_up()
    return _BUILDERS[name](filters or ReportFilters())


def _catch_up() -> bool:
    """
    Count what waits (up to CATCH_UP_LIMIT rows); True when more is still waiting. A catch-up that fails (the
    database gave up on a lock) leaves the report to show the summaries as they are, saying they are incomplete:
    the chunk it was counting rolled back whole and waits for the next catch-up.
    """
    try:
        return summaries.catch_up(limit=CATCH_UP_LIMIT) >= CATCH_UP_LIMIT and summaries.is_behind()
    except DatabaseError:
        log.exception("cities_network: the report's summaries could not catch up; showing them as they are")
        return True


def cities_per_stage(filters: ReportFilters) -> Table:
    """
    Cities by their current stage (two queries); ``stage`` is None for cities not started. A city that has
    completed the journey counts in the last stage, where ``refresh_summary`` keeps it ("ongoing support").
    """
    counts = dict(
        City.objects.filter(filters.city_q()).order_by().values("onboarding__current_stage")
        .annotate(cities=Count("pk")).values_list("onboarding__current_stage", "cities")
    )
    rows = [(None, NOT_STARTED, counts.get(None, 0))]
    for pk, number, title in OnboardingStage.objects.order_by("number").values_list("pk", "number", "title"):
        rows.append((number, title, counts.get(pk, 0)))
    return Table("cities_per_stage", "Cities per onboarding stage", ("stage", "title", "cities"), rows)


def awards_per_month(filters: ReportFilters) -> Table:
    """Awards issued per UTC month and issuing city (one query); revoked ones in their own column."""
    if filters.whole_months:
        # Grouped by the city's id on the tallies' own index (no join, no sort); the ids named afterwards.
        sums = list(
            AwardMonthTally.objects.filter(filters.city_q("city__"), filters.month_q("month"))
            .order_by().values("month", "city_id")
            .annotate(awards_sum=Sum("awards"), revoked_sum=Sum("revoked"))
            .values_list("month", "city_id", "awards_sum", "revoked_sum")
        )
        slugs = dict(City.objects.filter(pk__in={city for _m, city, _a, _r in sums if city}).values_list(
            "pk", "slug")) if sums else {}
        rows = [(month, slugs.get(city), awards, revoked) for month, city, awards, revoked in sums
                if awards or revoked]
    else:
        rows = _awards_per_month_scan(filters)
    table_rows = sorted((f"{month:%Y-%m}", slug or NETWORK, awards, revoked) for month, slug, awards, revoked in rows)
    return Table("awards_per_month", "Badges awarded per month", ("month", "city", "awards", "revoked"), table_rows)


def _awards_per_month_scan(filters: ReportFilters):
    """Awards per month from the award rows: for a range that starts or ends inside a month."""
    return (
        Award.objects.filter(filters.city_q("badge_class__issuer_city__"), filters.time_q("issued_at"))
        .annotate(month=TruncMonth("issued_at", tzinfo=datetime.UTC))
        .order_by().values("month", "badge_class__issuer_city__slug")
        .annotate(awards=Count("pk", filter=Q(revoked=False)), revoked_count=Count("pk", filter=Q(revoked=True)))
        .values_list("month", "badge_class__issuer_city__slug", "awards", "revoked_count")
    )


def _reach_sql(filters: ReportFilters) -> tuple[str, list, str]:
    """
    The SQL of the (city, learner) pairs reached, with its parameters and database alias: awards (city = the
    badge's issuer, NULL for the network) UNION ALL completions (city = the opportunity's owner). The callers
    count distinct learners; UNION ALL leaves deduplication to that count, which is several times faster on
    MariaDB than a UNION's temporary table at a million awards.
    """
    awards = (
        Award.objects.filter(filters.city_q("badge_class__issuer_city__"), filters.time_q("issued_at"), revoked=False)
        .annotate(reach_city=F("badge_class__issuer_city"), reach_user=F("user"))
        .order_by().values("reach_city", "reach_user")
    )
    completions = (
        OpportunityCompletion.objects.filter(filters.city_q("opportunity__city__"), filters.time_q("completed_at"))
        .annotate(reach_city=F("opportunity__city"), reach_user=F("user"))
        .order_by().values("reach_city", "reach_user")
    )
    pairs = awards.union(completions, all=True)
    sql, params = pairs.query.get_compiler(using=pairs.db).as_sql()
    return sql, list(params), pairs.db


def learners_reached(filters: ReportFilters) -> Table:
    """
    Distinct learners per city, and the distinct network total: from the kept counts (two or three queries), or
    for a date range from the awards and completions in it (three queries).
    """
    cities = list(City.objects.filter(filters.city_q()).order_by("name", "slug").values_list("pk", "slug", "name"))
    if filters.date_from or filters.date_to:
        per_city, total = _reach_scan(filters)
    else:
        per_city = dict(ReachCount.objects.values_list("scope", "learners"))
        per_city[None] = per_city.pop(NETWORK_SCOPE, 0)
        if filters.narrows_cities:
            total = (LearnerReach.objects.filter(scope__in=[pk for pk, _slug, _name in cities], reasons__gt=0)
                     .order_by().values("user").distinct().count())
        else:
            total = per_city.pop(EVERYONE_SCOPE, 0)
    rows = [(slug, name, per_city.get(pk, 0)) for pk, slug, name in cities]
    if not filters.narrows_cities:
        rows.append((NETWORK, settings.CITIES_NETWORK_NAME, per_city.get(None, 0)))
    return Table("learners_reached", "Learners reached", ("city", "name", "learners"), rows,
                 total=("total", TOTAL_LABEL, total))


def _reach_scan(filters: ReportFilters) -> tuple[dict, int]:
    """Learners reached per city id (None: the network's badges) and in all, from the rows in the range."""
    sql, params, alias = _reach_sql(filters)
    connection = connections[alias]
    quote = connection.ops.quote_name
    city, user, pairs = quote("reach_city"), quote("reach_user"), quote("reach")
    # Quoted names around Django's own compiled SQL; every value stays a parameter.
    per_city_sql = f"SELECT {city}, COUNT(DISTINCT {user}) FROM ({sql}) {pairs} GROUP BY {city}"  # noqa: S608
    total_sql = f"SELECT COUNT(DISTINCT {user}) FROM ({sql}) {pairs}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(per_city_sql, params)
        per_city = dict(cursor.fetchall())
        cursor.execute(total_sql, params)
        total = cursor.fetchone()[0]
    return per_city, total


def opportunities_by_kind(filters: ReportFilters) -> Table:
    """Opportunities by kind, published and draft, counted once each by their owner city (one query)."""
    counts = {
        kind: (published, draft)
        for kind, published, draft in Opportunity.objects.filter(filters.city_q("city__")).order_by()
        .values("kind")
        .annotate(published=Count("pk", filter=Q(status=PublicationStatus.PUBLISHED)),
                  draft=Count("pk", filter=Q(status=PublicationStatus.DRAFT)))
        .values_list("kind", "published", "draft")
    }
    labels = dict(OpportunityKind.choices)
    kinds = list(OpportunityKind.values) + sorted(set(counts) - set(OpportunityKind.values))
    rows = [(kind, str(labels.get(kind, kind)), *counts.get(kind, (0, 0))) for kind in kinds]
    return Table("opportunities_by_kind", "Learning opportunities by kind", ("kind", "label", "published", "draft"),
                 rows)


def top_badges(filters: ReportFilters) -> Table:
    """The most awarded badges in the range (one query), revoked awards left out."""
    rows = _top_badges_from_tallies(filters) if filters.whole_months else _top_badges_scan(filters)
    table_rows = [
        (name if version == 1 else f"{name} (v{version})", issuer or settings.CITIES_NETWORK_NAME, awards)
        for name, version, issuer, awards in rows
    ]
    return Table("top_badges", f"Top {TOP_BADGES} badges", ("badge", "issuer", "awards"), table_rows)


def _top_badges_from_tallies(filters: ReportFilters) -> list[tuple]:
    """
    The top badges from the tallies: sums per class along the unique (class, month) index, no join (one query);
    then names for the classes that can make the top ten, ties at the tenth place included (one query).
    """
    sums = [
        (class_id, awards) for class_id, awards in
        AwardMonthTally.objects.filter(filters.city_q("city__"), filters.month_q("month"))
        .order_by().values("badge_class_id").annotate(awards_sum=Sum("awards"))
        .values_list("badge_class_id", "awards_sum")
        if awards > 0
    ]
    if not sums:
        return []
    cutoff = sorted((awards for _class_id, awards in sums), reverse=True)[:TOP_BADGES][-1]
    contenders = {class_id: awards for class_id, awards in sums if awards >= cutoff}
    named = BadgeClass.objects.filter(pk__in=contenders).values_list("pk", "name", "version", "issuer_city__name")
    ranked = sorted(named, key=lambda row: (-contenders[row[0]], row[1], row[0]))[:TOP_BADGES]
    return [(name, version, issuer, contenders[pk]) for pk, name, version, issuer in ranked]


def _top_badges_scan(filters: ReportFilters):
    """The most awarded badges from the award rows: for a range that starts or ends inside a month."""
    return (
        Award.objects.filter(filters.city_q("badge_class__issuer_city__"), filters.time_q("issued_at"), revoked=False)
        .order_by().values("badge_class", "badge_class__name", "badge_class__version", "badge_class__issuer_city__name")
        .annotate(awards=Count("pk"))
        .order_by("-awards", "badge_class__name", "badge_class_id")
        .values_list("badge_class__name", "badge_class__version", "badge_class__issuer_city__name", "awards")
    )[:TOP_BADGES]


_BUILDERS = {
    "cities_per_stage": cities_per_stage, "awards_per_month": awards_per_month, "learners_reached": learners_reached,
    "opportunities_by_kind": opportunities_by_kind, "top_badges": top_badges,
}
