"""
Deleting what has served its purpose: inbox rows of learning events applied long ago, and webhook deliveries
finished long ago (their payloads name learners by username). Awards, standings, progress and the report's
summaries are never touched.

An old event that the event bus delivers again after its row was deleted is applied again, harmlessly: the newer
event decides a standing, and an award is unique per learner, class and attempt.

Rows go in chunks, each its own short DELETE by primary key, so a large backlog never holds long locks.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .badges.models import EventState, LearnerEvent
from .webhooks.models import DeliveryState, WebhookDelivery

CHUNK = 5000


@dataclass
class PruneResult:
    """How many rows were deleted (or, in a dry run, would be)."""

    events: int = 0
    deliveries: int = 0


def prunable_events(now: datetime.datetime | None = None) -> QuerySet:
    """
    Inbox rows applied or ignored before the retention period (none when it is 0); by when they were applied,
    so an event that waited long and was applied only now is kept its full period.
    """
    days = settings.CITIES_NETWORK_INBOX_RETENTION_DAYS
    if not days:
        return LearnerEvent.objects.none()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return LearnerEvent.objects.filter(
        Q(processed_at__lt=cutoff) | Q(processed_at__isnull=True, received_at__lt=cutoff),
        state__in=[EventState.PROCESSED, EventState.IGNORED], received_at__lt=cutoff)


def prunable_deliveries(now: datetime.datetime | None = None) -> QuerySet:
    """Webhook deliveries delivered or given up before the retention period (none when it is 0)."""
    days = settings.CITIES_NETWORK_WEBHOOK_LOG_RETENTION_DAYS
    if not days:
        return WebhookDelivery.objects.none()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return WebhookDelivery.objects.filter(state__in=[DeliveryState.DELIVERED, DeliveryState.FAILED],
                                          created__lt=cutoff)


def _delete_in_chunks(queryset: QuerySet, limit: int | None, progress: Callable[[int], None] | None) -> int:
    deleted = 0
    while limit is None or deleted < limit:
        size = CHUNK if limit is None else min(CHUNK, limit - deleted)
        pks = list(queryset.order_by().values_list("pk", flat=True)[:size])
        if not pks:
            break
        deleted += queryset.model.objects.filter(pk__in=pks).delete()[0]
        if progress:
            progress(deleted)
    return deleted


def prune(dry_run: bool = False, limit: int | None = None, now: datetime.datetime | None = None,
          progress: Callable[[str, int], None] | None = None) -> PruneResult:
    """
    Delete the rows past their retention; with ``dry_run`` only count them. ``limit`` caps the rows of each kind
    deleted in one call (the periodic task uses it; the command does not). ``progress(kind, deleted)`` follows
    each chunk.
    """
    events, deliveries = prunable_events(now), prunable_deliveries(now)
    if dry_run:
        return PruneResult(events=events.count(), deliveries=deliveries.count())
    return PruneResult(
        events=_delete_in_chunks(events, limit, progress and (lambda n: progress("events", n))),
        deliveries=_delete_in_chunks(deliveries, limit, progress and (lambda n: progress("deliveries", n))),
    )
