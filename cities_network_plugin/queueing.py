"""
Enqueue Celery tasks after the current transaction commits, without ever failing the caller.

A task queued inside a transaction could run before the data it needs is committed, so every domain queues
through ``enqueue_on_commit``. If the broker cannot be reached the error is logged, not raised: the periodic
jobs (detectors, the sweeper) pick the work up later, and the request that caused it still succeeds.
"""
import logging

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> None:
    """Queue ``task`` now; a broker failure is logged, never raised."""
    _send(task, args, kwargs)


def _send(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not queue %s%r; the periodic job will catch up.", task.name, tuple(args))


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` with string or int arguments once the surrounding transaction commits."""
    transaction.on_commit(lambda: _send(task, args, kwargs))
