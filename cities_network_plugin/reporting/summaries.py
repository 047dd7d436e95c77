"""
The network report's summary tables, kept by catching up with the awards and completions written since.

Scanning a million awards takes seconds; the report instead reads counts kept as awards come and go:

* ``AwardMonthTally``: per badge class and UTC month, awards still valid (or expired) and awards revoked;
* ``LearnerReach``: per learner and city (or the network's own badges), how many valid awards and completions say
  the city reached them; and ``ReachCount``: how many learners each city reached, and the whole network (each
  learner once).

**How they stay right.** Every award carries ``tally`` (0: not counted yet, 1: counted as awarded, 2: counted as
revoked) and every completion ``tallied``. A new award starts at 0 whichever path wrote it (the event pipeline,
the backfill's bulk INSERT, a manual award), a revocation leaves it at 1 with ``revoked`` set; so the rows still
to count are found through one small index, ``(tally, revoked)``, without the write paths knowing about the
summaries, and without one more statement or lock in the event's transaction. ``catch_up`` counts them in
chunks, each in one transaction that also marks the rows it counted: a chunk is counted once or not at all.
One catch-up runs at a time (it locks the ``SummaryState`` row), so two never count the same row.

Rows committed while a catch-up runs are simply left for the next one (no high-water mark that a late commit
could slip under). A revocation committed between a catch-up's read and its marking leaves the award at
``tally`` 1 and revoked, which the next catch-up moves to the revoked column.

**Deletions** (a learner's account deleted, with their awards and completions) cannot be subtracted after the
fact without the deleted rows, so a deleted row that was counted marks the summaries stale, and the next
catch-up rebuilds them from scratch. ``rebuild`` (``cities_network_report --rebuild-summaries``) does the same on
demand, with progress. Moving a badge class or an opportunity to another city is not followed (the admin does
not offer it once awards exist); a rebuild counts them afresh.

**When.** Each report catches up first (in steady state nothing or a few rows are waiting: one indexed
statement); the inbox sweeper's periodic task does too, so a report rarely waits for it.
"""
from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..badges import bulkwrite
from ..badges.models import Award
from ..opportunities.models import OpportunityCompletion
from .models import EVERYONE_SCOPE, NETWORK_SCOPE, AwardMonthTally, LearnerReach, ReachCount, SummaryState

NOT_COUNTED, COUNTED, COUNTED_REVOKED = 0, 1, 2
CHUNK = 5000
# ``revoked=True`` compiles to ``WHERE "revoked"`` (a bare boolean), which SQLite cannot match against the second
# column of the (tally, revoked) index: it then walks every counted award (60 ms at a million). ``IN (true)`` is a
# comparison the index serves, on every database.
REVOKED = {"revoked__in": [True]}


def pending_awards():
    """Awards not counted yet, and awards counted as awarded that have been revoked since."""
    return Award.objects.filter(Q(tally=NOT_COUNTED) | Q(tally=COUNTED, **REVOKED))


def pending_completions():
    return OpportunityCompletion.objects.filter(tallied=False)


def _ensure_state() -> None:
    """
    The state row exists (the migration makes it; a flushed database has none). Made outside the locking
    transaction: two catch-ups each locking the missing row's gap and then inserting it would deadlock.
    """
    if not SummaryState.objects.filter(pk=1).exists():
        SummaryState.objects.get_or_create(pk=1)


def _state_for_update() -> SummaryState:
    """The state row, locked for this transaction."""
    return SummaryState.objects.select_for_update().get(pk=1)


def is_behind() -> bool:
    """Whether anything waits to be counted (or the summaries are stale): cheap, through indexes."""
    # Two equalities rather than pending_awards()' OR: each is an index lookup whatever the optimiser thinks.
    return (Award.objects.filter(tally=NOT_COUNTED).exists()
            or Award.objects.filter(tally=COUNTED, **REVOKED).exists()
            or pending_completions().exists() or SummaryState.objects.filter(pk=1, stale=True).exists())


def catch_up(progress: Callable[[int, int | None], None] | None = None, limit: int | None = None) -> int:
    """
    Count every award and completion not counted yet (and revocations since), in chunks; rebuild first if the
    summaries are stale. Returns how many rows were counted. ``progress(counted, None)`` is called per chunk.
    With ``limit``, stop after the chunk that reaches that many rows (a web request must not count a million).
    """
    if not is_behind():
        return 0
    _ensure_state()
    counted = 0
    while True:
        with transaction.atomic():
            state = _state_for_update()
            if state.stale:
                _reset()
                state.stale = False
                state.rebuilt_at = timezone.now()
            awards, completions = _pending_chunk()
            if awards or completions:
                _count(awards, completions)
            state.caught_up_at = timezone.now()
            state.save()
        counted += len(awards) + len(completions)
        if progress and (awards or completions):
            progress(counted, None)
        if len(awards) < CHUNK and len(completions) < CHUNK:
            return counted
        if limit is not None and counted >= limit:
            return counted


def _pending_chunk() -> tuple[list[tuple], list[tuple]]:
    """
    Up to ``CHUNK`` waiting awards and completions, with what counting them needs.

    The ids are found first, each kind of waiting row by its own equality on the ``(tally, revoked)`` or
    ``tallied`` index, reading the index alone and in no particular order: rows counted by an earlier chunk have
    left that part of the index, so each chunk costs the same however many came before it. (One query with an
    OR and an ORDER BY on the id leads MySQL to walk the primary key from the start, over every row counted so
    far: quadratic over a rebuild.) Then the rows themselves by primary key.
    """
    ids = list(Award.objects.filter(tally=NOT_COUNTED).order_by().values_list("pk", flat=True)[:CHUNK])
    if len(ids) < CHUNK:
        ids += Award.objects.filter(tally=COUNTED, **REVOKED).order_by().values_list("pk", flat=True)[
            :CHUNK - len(ids)]
    awards = list(Award.objects.filter(pk__in=ids).order_by().values_list(
        "pk", "badge_class_id", "badge_class__issuer_city_id", "user_id", "issued_at", "revoked", "tally",
    )) if ids else []
    completion_ids = list(pending_completions().order_by().values_list("pk", flat=True)[:CHUNK])
    completions = list(OpportunityCompletion.objects.filter(pk__in=completion_ids).order_by().values_list(
        "pk", "opportunity__city_id", "user_id")) if completion_ids else []
    return awards, completions


def rebuild(progress: Callable[[int, int | None], None] | None = None) -> int:
    """Forget the summaries and count everything again (after a deletion, a moved class, or on demand)."""
    _ensure_state()
    with transaction.atomic():
        _state_for_update()
        SummaryState.objects.filter(pk=1).update(stale=True)
    return catch_up(progress)


def mark_stale() -> None:
    """Something counted was deleted: the next catch-up rebuilds."""
    if not SummaryState.objects.filter(pk=1).update(stale=True):
        SummaryState.objects.get_or_create(pk=1, defaults={"stale": True})


def _reset() -> None:
    """Empty the summaries and mark every row not counted (inside the catch-up's locked transaction)."""
    AwardMonthTally.objects.all().delete()
    LearnerReach.objects.all().delete()
    ReachCount.objects.all().delete()
    Award.objects.exclude(tally=NOT_COUNTED).update(tally=NOT_COUNTED)
    OpportunityCompletion.objects.filter(tallied=True).update(tallied=False)


def _month(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date().replace(day=1)


def _count(awards: list[tuple], completions: list[tuple]) -> None:
    """Add one chunk to the summaries and mark its rows counted."""
    tallies: dict[tuple[int, int | None, datetime.date], list[int]] = defaultdict(lambda: [0, 0])
    reach: Counter[tuple[int, int]] = Counter()  # (user, scope) -> change in reasons
    marks: dict[int, list[int]] = {COUNTED: [], COUNTED_REVOKED: []}
    for pk, class_id, city_id, user_id, issued_at, revoked, tally in awards:
        counts = tallies[(class_id, city_id, _month(issued_at))]
        scope = city_id or NETWORK_SCOPE
        if tally == NOT_COUNTED and not revoked:
            counts[0] += 1
            reach[(user_id, scope)] += 1
            marks[COUNTED].append(pk)
        elif tally == NOT_COUNTED:  # revoked before it was ever counted
            counts[1] += 1
            marks[COUNTED_REVOKED].append(pk)
        else:  # counted as awarded, revoked since
            counts[0] -= 1
            counts[1] += 1
            reach[(user_id, scope)] -= 1
            marks[COUNTED_REVOKED].append(pk)
    for _pk, city_id, user_id in completions:
        reach[(user_id, city_id)] += 1

    bulkwrite.add(AwardMonthTally, ("badge_class", "month"), ("awards", "revoked"), fixed=("city",),
                  rows=((class_id, month, city_id, a, r) for (class_id, city_id, month), (a, r) in sorted(
                      tallies.items(), key=lambda item: (item[0][0], item[0][2])) if a or r))
    _apply_reach(reach)
    for tally, pks in marks.items():
        for start in range(0, len(pks), 1000):
            Award.objects.filter(pk__in=pks[start:start + 1000]).update(tally=tally)
    completion_pks = [row[0] for row in completions]
    for start in range(0, len(completion_pks), 1000):
        OpportunityCompletion.objects.filter(pk__in=completion_pks[start:start + 1000]).update(tallied=True)


def _apply_reach(changes: Counter) -> None:
    """Apply changes in reasons per (user, scope); count learners reached and no longer reached per scope."""
    changes = Counter({key: delta for key, delta in changes.items() if delta})
    if not changes:
        return
    users = sorted({user for user, _scope in changes})
    before: dict[tuple[int, int], tuple[int, int]] = {}  # (user, scope) -> (row id, reasons)
    for start in range(0, len(users), 1000):
        for pk, user, scope, reasons in LearnerReach.objects.filter(user_id__in=users[start:start + 1000]).values_list(
                "pk", "user_id", "scope", "reasons"):
            before[(user, scope)] = (pk, reasons)
    held_before: Counter[int] = Counter(user for (user, _scope), (_pk, reasons) in before.items() if reasons > 0)
    held_after = Counter(held_before)
    scope_changes: Counter[int] = Counter()
    upserts, gone = [], []
    for (user, scope), delta in sorted(changes.items()):
        pk, old = before.get((user, scope), (None, 0))
        new = max(old + delta, 0)
        if old == 0 and new > 0:
            scope_changes[scope] += 1
            held_after[user] += 1
        elif old > 0 and new == 0:
            scope_changes[scope] -= 1
            held_after[user] -= 1
        if new > 0:
            upserts.append((user, scope, new))
        elif pk is not None:
            gone.append(pk)
    for user in users:
        if held_before[user] == 0 and held_after[user] > 0:
            scope_changes[EVERYONE_SCOPE] += 1
        elif held_before[user] > 0 and held_after[user] == 0:
            scope_changes[EVERYONE_SCOPE] -= 1
    bulkwrite.insert(LearnerReach, ("user", "scope", "reasons"), upserts, update=("reasons",),
                     unique=("user", "scope"))
    for start in range(0, len(gone), 1000):
        LearnerReach.objects.filter(pk__in=gone[start:start + 1000]).delete()
    bulkwrite.add(ReachCount, ("scope",), ("learners",),
                  sorted((scope, delta) for scope, delta in scope_changes.items() if delta))


def on_award_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """post_delete of an award: if the summaries counted it, they must be rebuilt."""
    if instance.tally != NOT_COUNTED:
        mark_stale()


def on_completion_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """post_delete of a completion: likewise."""
    if instance.tallied:
        mark_stale()
