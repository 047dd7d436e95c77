"""
Tests on real parts: real ``celery worker`` processes on the Redis broker, applying events end to end on MariaDB,
and the Open edX event bus on Redis Streams (edx-event-bus-redis).

They run only with ``CITIES_NETWORK_REAL_PARTS=1`` and ``CITIES_NETWORK_TEST_DB=mysql`` (the tier
"celery+redis / real parts" of ``scripts/test_tiers.sh``). Without the variable a plain ``pytest tests`` does not
collect them at all, and ``pytest tests/realparts`` reports them skipped with the reason. A missing Redis or
MariaDB skips them locally and fails them under ``CI=true`` (``require_service``).

The workers must see what the test writes, so every test is transactional (``django_db(transaction=True)``) and
the workers are pointed at pytest-django's test database. The broker is a Redis database of its own
(``CITIES_NETWORK_REAL_PARTS_REDIS``, default ``redis://127.0.0.1:6379/5``), which also carries the event bus's
streams under a topic prefix unique to the run.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from cities_network_plugin.badges import api as badges_api

from tests.conftest import require_service
from tests.host.celery_app import configure

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
ENABLED = os.environ.get("CITIES_NETWORK_REAL_PARTS") == "1"
REDIS_URL = os.environ.get("CITIES_NETWORK_REAL_PARTS_REDIS", "redis://127.0.0.1:6379/5")
WORKERS = 2
WAIT_SECONDS = 30.0  # for one outcome to show up in the database; a healthy run needs well under a second
SKIP_REASON = ("real-parts tests (Celery workers on Redis, MariaDB, the event bus) run only with "
               "CITIES_NETWORK_REAL_PARTS=1 CITIES_NETWORK_TEST_DB=mysql; see the tier in scripts/test_tiers.sh")


def pytest_ignore_collect(collection_path, config):
    """Keep the default tiers fast: not collected unless enabled or asked for by path (then skipped, with why)."""
    if ENABLED:
        return None
    for arg in config.args:
        target = (config.invocation_params.dir / str(arg).split("::", 1)[0]).resolve()
        if target == HERE or HERE in target.parents:
            return None
    return True


def pytest_runtest_setup(item):  # pylint: disable=unused-argument
    if not ENABLED:
        pytest.skip(SKIP_REASON)


def _redis(url: str = REDIS_URL):
    """A client of the Redis at ``url`` (the tier's own database by default); the reliability tier uses it too."""
    import redis  # pylint: disable=import-outside-toplevel

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


def _redis_up(url: str = REDIS_URL) -> bool:
    try:
        return bool(_redis(url).ping())
    except Exception:  # pylint: disable=broad-except
        return False


class WorkerPool:
    """
    Real ``celery -A tests.host.celery_app worker`` processes (solo pool, one task at a time each, acks late as
    the task asks), started once for the tests of this package; their logs go to files whose tails the failures
    show.
    """

    QUEUE = "celery"

    def __init__(self, count: int, log_dir: Path, env: dict[str, str]):
        self.count, self.log_dir, self.env = count, log_dir, env
        self.run = uuid.uuid4().hex[:8]
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.marks: list[int] = []
        self.redis = _redis()

    # -- lifecycle
    def start(self, timeout: float = 60.0) -> None:
        self.purge()
        for number in range(1, self.count + 1):
            log = self.log_dir / f"worker{number}.log"
            self.logs.append(log)
            command = [
                sys.executable, "-m", "celery", "-A", "tests.host.celery_app", "worker", "--loglevel=INFO",
                "--pool=solo", "--prefetch-multiplier=1", "-Q", self.QUEUE, "-n", f"realparts{number}-{self.run}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ]
            with log.open("wb") as out:
                self.procs.append(subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    command, cwd=REPO_ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [p for p in self.procs if p.poll() is not None]
            if dead:
                raise AssertionError(f"A Celery worker exited at start (code {dead[0].returncode}).{self.tail()}")
            if all(" ready." in log.read_text(errors="replace") for log in self.logs):
                return
            time.sleep(0.2)
        raise AssertionError(f"The Celery workers were not ready after {timeout:.0f} s.{self.tail()}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # warm shutdown: the task in hand finishes
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self.purge()
        self.redis.delete(*self.redis.scan_iter(match="_kombu.binding*"), "unacked_mutex")  # kombu's routing

    # -- the broker
    def _queue_keys(self) -> list[bytes]:
        # kombu's Redis transport keeps a queue as a list (one more per priority step) and the messages a worker
        # holds but has not acknowledged in the "unacked" hash.
        return [key for key in self.redis.scan_iter(match=f"{self.QUEUE}*") if self.redis.type(key) == b"list"]

    def outstanding(self) -> int:
        """Messages held by a worker (not yet acknowledged), then those still waiting: 0 once all work is done."""
        unacked = self.redis.hlen("unacked")
        return unacked + sum(self.redis.llen(key) for key in self._queue_keys())

    def purge(self) -> None:
        keys = self._queue_keys() + [b"unacked", b"unacked_index"]
        self.redis.delete(*keys)

    def drain(self, timeout: float = WAIT_SECONDS) -> None:
        """Wait until no task waits or runs (seen three times in a row: a task may queue another as it ends)."""
        deadline, calm = time.monotonic() + timeout, 0
        while time.monotonic() < deadline:
            calm = calm + 1 if self.outstanding() == 0 else 0
            if calm >= 3:
                return
            time.sleep(0.1)
        raise AssertionError(f"The workers still had {self.outstanding()} task(s) after {timeout:.0f} s.{self.tail()}")

    # -- waiting for outcomes
    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS,
                 state: Callable[[], object] | None = None) -> None:
        """Poll the database until ``condition()`` holds; fail with the state and the workers' logs if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        shown = f"\nState: {state()!r}" if state else ""
        raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.{shown}{self.tail()}")

    def mark(self) -> None:
        """Start counting ``handled`` tasks from here (a test's own)."""
        self.marks = [log.stat().st_size for log in self.logs]

    def handled(self, task_name: str) -> list[int]:
        """How many ``task_name`` messages each worker received since the mark (its log says so once per message)."""
        pattern = re.compile(rf"Task {re.escape(task_name)}\[[^\]]+\] received")
        counts = []
        for log, start in zip(self.logs, self.marks, strict=True):
            with log.open("rb") as stream:
                stream.seek(start)
                counts.append(len(pattern.findall(stream.read().decode(errors="replace"))))
        return counts

    def tail(self, lines: int = 40) -> str:
        parts = []
        for log, proc in zip(self.logs, self.procs, strict=False):
            text = log.read_text(errors="replace").splitlines() if log.exists() else []
            alive = "running" if proc.poll() is None else f"exited {proc.returncode}"
            parts.append(f"\n--- {log.name} ({alive}), last {lines} lines ---\n" + "\n".join(text[-lines:]))
        return "".join(parts)


def _configure_celery(app, **conf) -> None:
    """
    Change this process's Celery configuration, dropping the connection pools made for the old broker address:
    even in eager mode ``apply_async`` takes a producer from them, so earlier tests have made them.
    """
    if app._pool is not None:  # pylint: disable=protected-access
        app._pool.force_close_all()  # pylint: disable=protected-access
    app._pool = None  # pylint: disable=protected-access
    app.amqp._producer_pool = None  # pylint: disable=protected-access
    configure(app, **conf)


@pytest.fixture(scope="package")
def realparts_services():
    """Redis and MariaDB, or skip (fail under CI=true) saying which is missing."""
    require_service(connection.vendor == "mysql",
                    "real-parts tests need MariaDB: run them with CITIES_NETWORK_TEST_DB=mysql")
    require_service(_redis_up(), f"real-parts tests need Redis at {REDIS_URL}; start Redis to run them")


@pytest.fixture(scope="package")
def topic_prefix():
    """The event bus topic prefix of this run, so runs never read each other's streams."""
    prefix = f"cities-realparts-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = _redis()
    keys = list(client.scan_iter(match=f"{prefix}-*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="package")
def worker_pool(realparts_services, django_db_setup, topic_prefix, tmp_path_factory):  # pylint: disable=unused-argument
    """
    ``WORKERS`` real Celery workers on the session's test database, for the tests of this package; meanwhile this
    process queues to the same broker with eager mode off, so what the receivers queue after commit really travels
    through Redis. Eager mode and the broker are given back afterwards, for any test that runs later.
    """
    from tests.host.celery_app import app  # pylint: disable=import-outside-toplevel

    database = connection.settings_dict["NAME"]  # pytest-django's test database, e.g. test_cities_network
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.realparts.worker_settings",
        "CITIES_NETWORK_TEST_DB": "mysql",
        "CITIES_NETWORK_MYSQL_DB": database,
        "CITIES_NETWORK_CELERY_EAGER": "0",
        "CITIES_NETWORK_CELERY_BROKER": REDIS_URL,
        "CITIES_NETWORK_EVENT_BUS_REDIS_URL": REDIS_URL,
        "CITIES_NETWORK_EVENT_BUS_TOPIC_PREFIX": topic_prefix,
        "PYTHONUNBUFFERED": "1",
    }
    # The same for this process, whose settings were read before this fixture ran.
    before = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    _configure_celery(app, broker_url=REDIS_URL, task_always_eager=False)
    pool = WorkerPool(WORKERS, tmp_path_factory.mktemp("celery-workers"), env)
    try:
        pool.start()
        yield pool
    finally:
        pool.stop()
        _configure_celery(app, **before)


@pytest.fixture
def workers(worker_pool, transactional_db):  # pylint: disable=unused-argument
    """The session's workers, idle again before the test's database is flushed (no task outlives its test)."""
    worker_pool.drain()
    worker_pool.mark()
    yield worker_pool
    worker_pool.drain()


@pytest.fixture
def make_class(city_a):
    """An active badge class of city_a with the given requirement groups."""
    def _make(groups, **fields):
        data = {"name": fields.pop("name", "Bike mechanic"), "description": "Can fix a bicycle.",
                "criteria_narrative": "Pass the bike repair course.", "status": "active", "groups": groups, **fields}
        return badges_api.create_class(fields.pop("issuer", city_a), data)
    return _make
