"""
Enqueue Celery tasks after the current transaction commits, without ever failing the caller.

A task queued inside a transaction could run before the data it needs is committed, so every domain queues
through ``enqueue_on_commit``. If the broker cannot be reached the error is logged, not raised: the periodic
jobs (detectors, the sweeper) pick the work up later, and the request that caused it still succeeds.

While the broker is down, Celery retries its connection on every task queued (about 0.6 s with its default
publish retry policy): every learner's grade change would wait that long. After a failure this process therefore
queues nothing for ``CITIES_NETWORK_BROKER_PAUSE_SECONDS`` (30): the work waits where it already waits after a
failure (the inbox, the periodic jobs), and the first task queued after the pause tries the broker again.
"""
import logging
import time

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)
_failed_at: float | None = None  # time.monotonic() of this process's last failure to reach the broker


def enqueue(task, *args, **kwargs) -> bool:
    """Queue ``task`` now; a broker failure is logged, never raised. Whether the task was queued."""
    return _send(task, args, kwargs)


def _send(task, args, kwargs) -> bool:
    global _failed_at  # pylint: disable=global-statement
    if broker_paused():
        log.warning("Did not queue %s%r: the broker could not be reached %.0f s ago; the periodic job will catch "
                    "up.", task.name, tuple(args), time.monotonic() - _failed_at)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # pylint: disable=broad-except
        _failed_at = time.monotonic()
        log.exception("Could not queue %s%r; the periodic job will catch up. Nothing more is queued from this "
                      "process for %s s.", task.name, tuple(args), _pause())
        return False
    return True


def _pause() -> float:
    return max(float(getattr(settings, "CITIES_NETWORK_BROKER_PAUSE_SECONDS", 30)), 0.0)


def broker_paused() -> bool:
    """Whether this process is not queueing tasks because the broker failed a moment ago."""
    return _failed_at is not None and time.monotonic() < _failed_at + _pause()


def resume() -> None:
    """Try the broker again with the next task (after the outage is known to be over, and in tests)."""
    global _failed_at  # pylint: disable=global-statement
    _failed_at = None


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` with string or int arguments once the surrounding transaction commits."""
    transaction.on_commit(lambda: _send(task, args, kwargs))
