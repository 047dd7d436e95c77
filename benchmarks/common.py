"""
What every benchmark module shares: a fresh database, fast bulk data, a statement counter, timing and progress.

Figures are measured, never estimated: each module builds its data, times the operation with
``time.perf_counter`` and counts the SQL statements the operation sends through Django's connection.
"""
from __future__ import annotations

import contextlib
import datetime
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

from django.db import connection, transaction

TX_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """A line on standard error, with the time since the run started: building a million rows takes a while."""
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def vendor() -> str:
    return "mariadb" if connection.vendor == "mysql" else connection.vendor


# --- The database ---------------------------------------------------------------------------------------------------

def fresh_database() -> None:
    """An empty database with every migration applied (the SQLite file removed, the MariaDB database re-created)."""
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    settings_dict = connection.settings_dict
    connection.close()
    if connection.vendor == "sqlite":
        path = settings_dict["NAME"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path + suffix)
    else:
        import MySQLdb  # pylint: disable=import-outside-toplevel

        server = MySQLdb.connect(host=settings_dict["HOST"], user=settings_dict["USER"],
                                 passwd=settings_dict["PASSWORD"], port=int(settings_dict["PORT"] or 3306))
        name = settings_dict["NAME"]
        with server.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        server.close()
    call_command("migrate", verbosity=0, interactive=False)


# Badge and learner data every benchmark makes and the next one removes, children first.
DATA_TABLES = (
    "cities_network_plugin_credentialstatus", "cities_network_plugin_webhookdelivery",
    "cities_network_plugin_award", "cities_network_plugin_badgeprogress", "cities_network_plugin_coursestanding",
    "cities_network_plugin_learnerevent", "cities_network_plugin_requirement",
    "cities_network_plugin_requirementgroup", "cities_network_plugin_badgeclass",
    "cities_network_plugin_playlistprogress", "cities_network_plugin_opportunitycompletion",
    "cities_network_plugin_playlistitem", "cities_network_plugin_playlist", "cities_network_plugin_claimcode",
    "cities_network_plugin_opportunity_cities", "cities_network_plugin_opportunity",
    "cities_network_plugin_statuslist", "cities_network_plugin_signingkey", "cities_network_plugin_issuerprofile",
    "cities_network_plugin_citywebhook", "cities_network_plugin_cityrole", "cities_network_plugin_cityorganization",
    "cities_network_plugin_citystepprogress", "cities_network_plugin_stepprogresshistory",
    "cities_network_plugin_cityonboarding", "cities_network_plugin_city", "platform_standin_standincoursegrade",
    "platform_standin_standincertificate",
    "cities_network_plugin_awardmonthtally", "cities_network_plugin_learnerreach", "cities_network_plugin_reachcount",
    "auth_user",
)


def wipe() -> None:
    """Remove the data of the previous benchmark (not the migrations' catalogue)."""
    existing = set(connection.introspection.table_names())
    tables = [t for t in DATA_TABLES if t in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS=0")
            for table in tables:
                cursor.execute(f"TRUNCATE TABLE `{table}`")
            cursor.execute("SET FOREIGN_KEY_CHECKS=1")
        else:
            cursor.execute("PRAGMA foreign_keys=OFF")
            with transaction.atomic():
                for table in tables:
                    cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - our own table names
            cursor.execute("PRAGMA foreign_keys=ON")


def empty(*models) -> None:
    """Remove every row of these tables, below the ORM (no signals: nothing else is to notice)."""
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)  # pylint: disable=protected-access
            if connection.vendor == "mysql":
                cursor.execute("SET FOREIGN_KEY_CHECKS=0")
                cursor.execute(f"TRUNCATE TABLE {table}")
                cursor.execute("SET FOREIGN_KEY_CHECKS=1")
            else:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names


def analyze(*tables: str) -> None:
    """Fresh optimiser statistics after a bulk load, as a production database keeps them."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"ANALYZE TABLE {', '.join(f'`{t}`' for t in tables)}")
            cursor.fetchall()
        else:
            cursor.execute("ANALYZE")


def insert_rows(table: str, columns: tuple[str, ...], rows: Iterator[tuple], batch: int = 5000,
                label: str = "", total: int | None = None) -> int:
    """
    Multi-row INSERTs in batches, one transaction per batch (``executemany``: MySQLdb turns it into multi-row
    ``INSERT … VALUES (…), (…)``; SQLite runs it as one prepared statement).
    """
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - our own names
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    done, chunk, step = 0, [], max(total // 10, 1) if total else 0
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                with transaction.atomic():
                    cursor.executemany(sql, chunk)
                done += len(chunk)
                chunk = []
                if step and done % step < batch:
                    progress(f"  {label or table}: {done:,} / {total:,} rows")
        if chunk:
            with transaction.atomic():
                cursor.executemany(sql, chunk)
            done += len(chunk)
    return done


def make_users(count: int, prefix: str) -> list[int]:
    """``count`` learners (unusable passwords: nobody signs in here), their ids in creation order."""
    now = datetime.datetime.now(datetime.UTC)
    start = _max_id("auth_user")
    columns = ("id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
               "is_active", "date_joined")
    rows = ((start + n, "!", False, f"{prefix}{n}", "Learner", str(n), f"{prefix}{n}@example.com", False, True, now)
            for n in range(1, count + 1))
    insert_rows("auth_user", columns, rows, label="learners", total=count if count >= 50_000 else None)
    return list(range(start + 1, start + count + 1))


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


# --- Counting statements --------------------------------------------------------------------------------------------

class StatementCounter:
    """
    Counts what goes through Django's connection, split into data statements and transaction control
    (BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO), and attributed to the phase ``phase()`` names at the time.
    """

    def __init__(self):
        self.data = Counter()
        self.control = Counter()
        self.seconds: Counter = Counter()  # time spent in each phase, nested phases not counted in their parent
        self.samples: dict[str, list[str]] = {}
        self._phase = threading.local()

    def _charge(self) -> None:
        """Add the time since the last change of phase to the phase that was running."""
        now = time.perf_counter()
        mark = getattr(self._phase, "mark", None)
        if mark is not None:
            self.seconds[getattr(self._phase, "name", "other")] += now - mark
        self._phase.mark = now

    @contextlib.contextmanager
    def phase(self, name: str):
        self._charge()
        previous = getattr(self._phase, "name", "other")
        self._phase.name = name
        try:
            yield
        finally:
            self._charge()
            self._phase.name = previous
            if previous == "other":
                self._phase.mark = None  # time outside every phase is not charged here

    def __call__(self, execute, sql, params, many, context):
        phase = getattr(self._phase, "name", "other")
        statement = sql.lstrip().upper()
        if statement.startswith(TX_CONTROL):
            self.control[phase] += 1
        else:
            self.data[phase] += 1
            self.samples.setdefault(phase, [])
            if len(self.samples[phase]) < 40:
                self.samples[phase].append(sql[:160])
        return execute(sql, params, many, context)

    @contextlib.contextmanager
    def counting(self):
        with connection.execute_wrapper(self):
            yield self

    @property
    def total_data(self) -> int:
        return sum(self.data.values())

    @property
    def total_control(self) -> int:
        return sum(self.control.values())


def wrap_phase(counter: StatementCounter, module, name: str, phase: str) -> Callable[[], None]:
    """Attribute what ``module.name`` runs to ``phase``; returns the function that undoes it."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        with counter.phase(phase):
            return original(*args, **kwargs)

    setattr(module, name, wrapper)
    return lambda: setattr(module, name, original)


# --- Timing ---------------------------------------------------------------------------------------------------------

def timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def repeat_timing(func: Callable[[], object], times: int) -> dict:
    """Run ``func`` ``times`` times: every duration in ms, the median, the best and the first (cold)."""
    durations = []
    for _ in range(times):
        elapsed, _ = timed(func)
        durations.append(elapsed * 1000)
    return {"runs_ms": [round(d, 1) for d in durations], "median_ms": round(statistics.median(durations), 1),
            "best_ms": round(min(durations), 1), "first_ms": round(durations[0], 1)}


# --- The environment ------------------------------------------------------------------------------------------------

def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SELECT VERSION()")
            return f"MariaDB {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def environment() -> dict:
    import django  # pylint: disable=import-outside-toplevel

    return {
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
        "database": database_version(),
        # Other work on the machine skews the figures: the load when this database's run started.
        "load_average_at_start": _load_average(),
    }


def _load_average() -> str:
    try:
        with open("/proc/loadavg", encoding="utf-8") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return ""


def _cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()
