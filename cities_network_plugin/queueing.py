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
_paused_until = 0.0  # time.monotonic() before which this process does not try the broker


def enqueue(task, *args, **kwargs) -> bool:
    """Queue ``task`` now; a broker failure is logged, never raised. Whether the task was queued."""
    return _send(task, args, kwargs)


def _send(task, args, kwargs) -> bool:
    global _paused_until  # pylint: disable=global-statement
    now = time.monotonic()
    if now < _paused_until:
        log.warning("Did not queue %s%r: the broker could not be reached %.0f s ago; the periodic job will catch "
                    "up.", task.name, tuple(args), now - (_paused_until - _pause()))
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # pylint: disable=broad-except
        _paused_until = time.monotonic() + _pause()
        log.exception("Could not queue %s%r; the periodic job will catch up. Nothing more is queued from this "
                      "process for %s s.", task.name, tuple(args), _pause())
        return False
    return True


def _pause() -> float:
    return max(float(getattr(settings, "CITIES_NETWORK_BROKER_PAUSE_SECONDS", 30)), 0.0)


def broker_paused() -> bool:
    """Whether this process is not queueing tasks because the broker failed a moment ago."""
    return time.monotonic() < _paused_until


def resume() -> None:
    """Try the broker again with the next task (after the outage is known to be over, and in tests)."""
    global _paused_until  # pylint: disable=global-statement
    _paused_until = 0.0


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` with string or int arguments once the surrounding transaction commits."""
    transaction.on_commit(lambda: _send(task, args, kwargs))
