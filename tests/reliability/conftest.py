"""
The reliability suite: what must hold when things go wrong — many duplicated, shuffled events across two real
Celery workers; a broker that goes away; faults injected in evaluation and notification; a second city trying every
URL of the plugin; generated bad input.

It runs as the tier "reliability" of ``scripts/test_tiers.sh``, on MariaDB and Redis, with
``CITIES_NETWORK_RELIABILITY=1 CITIES_NETWORK_TEST_DB=mysql``. Like the real-parts tier, a plain ``pytest tests``
does not collect it, and ``pytest tests/reliability`` without the variable reports it skipped with the reason; a
missing MariaDB or Redis skips it locally and fails it under ``CI=true``.

Sizes are bounded by default (the whole suite in well under two minutes); ``CITIES_NETWORK_RELIABILITY_FULL=1``
runs the heavy variants (10,000 events instead of 1,000, more generated examples).

The broker of the workers is a Redis database of its own (``CITIES_NETWORK_RELIABILITY_REDIS``, default
``redis://127.0.0.1:6379/6``). The outage test never stops that shared server: it starts a redis-server of its own
on another port (``CITIES_NETWORK_RELIABILITY_OUTAGE_PORT``, default 6390) and stops and starts that one.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import require_service
from tests.realparts.conftest import (
    WorkerPool,
    _redis,
    _redis_up,
    workers,  # noqa: F401 - the same fixture, on this tier's worker_pool
)
from tests.realparts.conftest import _configure_celery as _configure_app

HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("CITIES_NETWORK_RELIABILITY") == "1"
FULL = os.environ.get("CITIES_NETWORK_RELIABILITY_FULL") == "1"
REDIS_URL = os.environ.get("CITIES_NETWORK_RELIABILITY_REDIS", "redis://127.0.0.1:6379/6")
OUTAGE_PORT = int(os.environ.get("CITIES_NETWORK_RELIABILITY_OUTAGE_PORT", "6390"))
SKIP_REASON = ("the reliability suite (real Celery workers on Redis, MariaDB) runs only with "
               "CITIES_NETWORK_RELIABILITY=1 CITIES_NETWORK_TEST_DB=mysql; see the tier in scripts/test_tiers.sh")
# Events of the duplicates test: deliveries in all, a fifth of them redeliveries of an event sent already.
EVENTS = 10_000 if FULL else 1_000
EXAMPLES = 300 if FULL else 25  # hypothesis examples per property


def pytest_ignore_collect(collection_path, config):
    """Not collected by a plain ``pytest tests`` unless enabled; asked for by path, it reports itself skipped."""
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


def _configure_celery(app, **conf) -> None:
    """
    As the real-parts tier does, and also empty kombu's own registry of producer pools, which is keyed by broker
    address: it still holds the pool closed when we left an address, and going back to it would find it closed.
    """
    from kombu import pools  # pylint: disable=import-outside-toplevel

    _configure_app(app, **conf)
    pools.reset()


class Pool(WorkerPool):
    """The real-parts worker pool on a broker of our choosing (the tier's Redis database, or our own server)."""

    def __init__(self, count: int, log_dir: Path, env: dict[str, str], broker: str):
        super().__init__(count, log_dir, env)
        self.broker = broker
        self.redis = _redis(broker)


def worker_env(database: str, broker: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.host.lms_settings",
        "CITIES_NETWORK_TEST_DB": "mysql",
        "CITIES_NETWORK_MYSQL_DB": database,
        "CITIES_NETWORK_CELERY_EAGER": "0",
        "CITIES_NETWORK_CELERY_BROKER": broker,
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="package")
def reliability_services():
    require_service(connection.vendor == "mysql",
                    "the reliability suite needs MariaDB: run it with CITIES_NETWORK_TEST_DB=mysql")
    require_service(_redis_up(REDIS_URL), f"the reliability suite needs Redis at {REDIS_URL}; start Redis to run it")


@pytest.fixture(scope="package")
def celery_app():
    from tests.host.celery_app import app  # pylint: disable=import-outside-toplevel

    return app


@pytest.fixture(scope="module")
def worker_pool(reliability_services, django_db_setup, celery_app, tmp_path_factory):  # pylint: disable=unused-argument
    """
    Two real workers on the session's test database and the tier's broker; this process queues to it too, until
    the module's tests end (the other modules run their tasks eagerly, in this process).
    """
    before = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    _configure_celery(celery_app, broker_url=REDIS_URL, task_always_eager=False)
    pool = Pool(2, tmp_path_factory.mktemp("reliability-workers"),
                worker_env(connection.settings_dict["NAME"], REDIS_URL), REDIS_URL)
    try:
        pool.start()
        yield pool
    finally:
        pool.stop()
        _configure_celery(celery_app, **before)


class OwnRedis:
    """A redis-server of this test's own (no persistence), which the test may stop and start again."""

    def __init__(self, port: int, log: Path):
        self.port, self.log = port, log
        self.proc: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self, timeout: float = 10.0) -> None:
        binary = shutil.which("redis-server")
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - the system's redis-server with our own arguments
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _redis_up(self.url):
                return
            time.sleep(0.05)
        raise AssertionError(f"our redis-server on port {self.port} did not start; see {self.log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def own_redis(reliability_services, tmp_path):  # pylint: disable=unused-argument
    require_service(shutil.which("redis-server") is not None, "the outage test needs the redis-server program")
    if not _port_free(OUTAGE_PORT):
        pytest.fail(f"port {OUTAGE_PORT} is taken; set CITIES_NETWORK_RELIABILITY_OUTAGE_PORT to a free one")
    server = OwnRedis(OUTAGE_PORT, tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def events(django_capture_on_commit_callbacks):
    """Run what the receivers queue after commit (the task runs eagerly in the host)."""
    def _run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = func(*args, **kwargs)
        return result, callbacks
    return _run
