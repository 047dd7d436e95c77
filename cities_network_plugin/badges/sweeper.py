"""Re-drive inbox rows left behind: the broker was down when they were queued, or processing failed."""
from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from .models import EventState, LearnerEvent


def stale_events(older_than: datetime.timedelta, now: datetime.datetime | None = None):
    """Rows waiting or failed for longer than ``older_than`` that may still be tried."""
    now = now or timezone.now()
    return LearnerEvent.objects.filter(
        state__in=[EventState.PENDING, EventState.FAILED], received_at__lte=now - older_than,
        attempts__lt=settings.CITIES_NETWORK_SWEEP_MAX_ATTEMPTS,
    ).order_by("received_at")


def sweep(older_than: datetime.timedelta, inline: bool = False, limit: int = 10_000,
          progress: Callable[[int, int], None] | None = None) -> int:
    """
    Queue (or, with ``inline``, process here) every stale row, oldest first; returns how many were driven. When
    the broker cannot be reached it stops at the first row it could not queue (the rest wait for the next sweep, or
    for ``inline``). ``progress(done, total)`` is called as it goes.
    """
    from ..queueing import enqueue  # pylint: disable=import-outside-toplevel
    from .pipeline import process_event  # pylint: disable=import-outside-toplevel
    from .tasks import process_learner_event  # pylint: disable=import-outside-toplevel

    pks = list(stale_events(older_than).values_list("pk", flat=True)[:limit])
    driven = 0
    for pk in pks:
        if inline:
            process_event(pk)
        elif not enqueue(process_learner_event, pk):
            break
        driven += 1
        if progress:
            progress(driven, len(pks))
    return driven
