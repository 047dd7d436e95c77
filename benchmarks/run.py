"""
``make bench``: every figure of the benchmark, measured in one run, printed as a table and written to
``benchmarks/results.json`` with the environment and the date.

    python -m benchmarks.run                      # SQLite, then MariaDB (when reachable), every figure
    python -m benchmarks.run --db sqlite          # one database
    python -m benchmarks.run --only pipeline report --quick

Each database runs in a child process of its own (Django's settings are per process), on the bench host
settings (``benchmarks/settings.py``): SQLite in ``.cache/bench.sqlite3``, MariaDB in the database
``cities_network_bench``. See docs/performance.md for what each figure means and the targets.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
RESULTS = HERE / "results.json"
FIGURES = ("openbadges", "pipeline", "backfill", "report")
DATABASES = ("sqlite", "mysql")
# Full sizes; --quick divides them (for a try-out, never for the recorded figures).
SIZES = {"events": 500, "completions": 100_000, "report_awards": 1_000_000, "ob_requests": 500}
TARGETS = {
    "queries_per_event": 6, "ratio_to_floor": 0.3, "backfill_awards_per_s": 10_000, "report_ms_mariadb": 300,
}


def _mariadb_up() -> bool:
    import socket  # pylint: disable=import-outside-toplevel

    try:
        socket.create_connection(("127.0.0.1", int(os.environ.get("CITIES_NETWORK_MYSQL_PORT", "3306"))), 2).close()
        return True
    except OSError:
        return False


# --- The child: one database ----------------------------------------------------------------------------------------

def measure(db: str, figures: list[str], sizes: dict) -> dict:
    """Run the figures on one database (in this process, whose settings name it)."""
    import django  # pylint: disable=import-outside-toplevel

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    django.setup()
    from . import common  # pylint: disable=import-outside-toplevel

    common.progress(f"=== {db}: migrating a fresh database")
    common.fresh_database()
    result = {"environment": common.environment(), "figures": {}}
    for figure in figures:
        module = __import__(f"benchmarks.bench_{figure}", fromlist=["run"])
        if figure == "pipeline":
            result["figures"][figure] = module.run(events=sizes["events"])
        elif figure == "backfill":
            result["figures"][figure] = module.run(completions=sizes["completions"])
        elif figure == "report":
            result["figures"][figure] = module.run(awards=sizes["report_awards"])
        else:
            result["figures"][figure] = module.run(requests=sizes["ob_requests"])
    return result


# --- The parent: every database, the table, the file ----------------------------------------------------------------

def run_child(db: str, figures: list[str], quick: bool) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = Path(out.name)
    command = [sys.executable, "-m", "benchmarks.run", "--child", "--db", db, "--out", str(path), "--only", *figures]
    if quick:
        command.append("--quick")
    env = {**os.environ, "CITIES_NETWORK_BENCH_DB": db, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    env.setdefault("CITIES_NETWORK_MYSQL_DB", "cities_network_bench")
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, check=False)  # noqa: S603 - our own interpreter
    if completed.returncode != 0:
        raise SystemExit(f"The {db} benchmark failed (exit {completed.returncode}).")
    data = json.loads(path.read_text())
    path.unlink()
    return data


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}" if value < 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def rows_of(results: dict) -> list[tuple[str, str, str, str]]:
    """(figure, database, value, note) rows of the table."""
    rows = []
    for db, data in results["databases"].items():
        figures = data["figures"]
        name = "MariaDB" if db == "mysql" else "SQLite"
        for scenario in figures.get("pipeline", {}).get("scenarios", []):
            cities = f"{scenario['cities']} {'city' if scenario['cities'] == 1 else 'cities'}"
            label = f"(a) pipeline {scenario['classes']:,} classes / {cities}"
            rows.append((label, name, _fmt(scenario["events_per_s"], "events/s"),
                         f"{_fmt(scenario['queries_per_event'])} queries/event "
                         f"({', '.join(f'{k} {v}' for k, v in scenario['queries_per_event_by_phase'].items())}); "
                         f"floor {_fmt(scenario['floor_rows_per_s'], 'rows/s')}; "
                         f"ratio {scenario['ratio_to_floor']:.2f}; the six statements alone "
                         f"{_fmt(scenario['statements_alone_per_s'], 'events/s')} "
                         f"(ratio {scenario['statements_alone_ratio_to_floor']:.2f})"))
        backfill = figures.get("backfill")
        if backfill:
            rows.append((f"(b) backfill {backfill['completions']:,} completions", name,
                         _fmt(backfill["awards_per_s"], "awards/s"),
                         f"{backfill['awards']:,} awards in {backfill['seconds']:.1f} s; the rows alone "
                         f"{_fmt(backfill.get('rows_alone_awards_per_s'), 'awards/s')}"))
        report = figures.get("report")
        if report:
            rows.append((f"(c) report, {report['awards']:,} awards / {report['cities']} cities", name,
                         _fmt(report["median_ms"], "ms"),
                         f"median of {len(report['runs_ms'])}; first {report['first_ms']} ms, "
                         f"best {report['best_ms']} ms; {report['queries']} queries; data built in "
                         f"{report['build_seconds']:.0f} s"))
        ob = figures.get("openbadges")
        if ob:
            rows.append(("(d) OB 2.0 assertions served", name, _fmt(ob["assertions_per_s"], "/s"),
                         f"GET …/ob/v2/assertions/<uuid>, {ob['requests']} requests"))
            for algorithm, figure in ob["credentials"].items():
                rows.append((f"(d) OB 3.0 credentials signed ({algorithm})", name,
                             _fmt(figure["credentials_per_s"], "/s"),
                             f"credential_jwt(award); raw {algorithm} signing "
                             f"{_fmt(figure['raw_signatures_per_s'], '/s')}"))
    return rows


def print_table(results: dict) -> None:
    for data in results["databases"].values():
        env = data["environment"]
        print(f"{env['database']}: {env['cpu_count']} CPUs ({env['cpu']}), Python {env['python']}, Django "
              f"{env['django']}; load average at start {env['load_average_at_start']}")
    print(f"{results['date']}, sizes {results['sizes']}")
    print()
    rows = rows_of(results)
    headers = ("figure", "database", "measured", "detail")
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(3)]
    line = f"{headers[0]:<{widths[0]}}  {headers[1]:<{widths[1]}}  {headers[2]:>{widths[2]}}  {headers[3]}"
    print(line)
    print("-" * min(len(line) + 60, 160))
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}")
    print()
    for name, verdict in results["targets"].items():
        print(f"target {name}: {verdict}")


def judge(results: dict) -> dict:
    """Each target, met or not, with the figures it rests on."""
    verdicts = {}
    per_event, ratios = [], []
    for db, data in results["databases"].items():
        for scenario in data["figures"].get("pipeline", {}).get("scenarios", []):
            per_event.append((db, scenario["classes"], scenario["cities"], scenario["queries_per_event"]))
            ratios.append((db, scenario["classes"], scenario["cities"], scenario["ratio_to_floor"]))
    if per_event:
        worst = max(q for *_, q in per_event)
        by_db: dict[str, list[float]] = {}
        for db, _classes, _cities, q in per_event:
            by_db.setdefault(db, []).append(q)
        flat = all(max(v) - min(v) < 0.5 for v in by_db.values())
        verdicts["queries_per_event <= 6, flat 10 -> 5,000 classes"] = (
            f"{'MET' if worst <= TARGETS['queries_per_event'] and flat else 'NOT MET'} "
            f"(worst {worst}; flat: {'yes' if flat else 'no'})")
        low = min(r for *_, r in ratios)
        met = "MET" if low >= TARGETS["ratio_to_floor"] else "NOT MET"
        ceilings = {db: min(s["statements_alone_ratio_to_floor"] for s in d["figures"]["pipeline"]["scenarios"])
                    for db, d in results["databases"].items() if d["figures"].get("pipeline")}
        verdicts["pipeline >= 0.3 x floor"] = (
            f"{met} (lowest {low}; the statements alone reach at most "
            + ", ".join(f"{db} {ratio}" for db, ratio in ceilings.items()) + ")")
    backfills = [(db, d["figures"]["backfill"]["awards_per_s"]) for db, d in results["databases"].items()
                 if "backfill" in d["figures"]]
    if backfills:
        low = min(rate for _, rate in backfills)
        verdicts["backfill >= 10,000 awards/s"] = (
            f"{'MET' if low >= TARGETS['backfill_awards_per_s'] else 'NOT MET'} "
            f"({', '.join(f'{db} {rate:,.0f}/s' for db, rate in backfills)})")
    mariadb = results["databases"].get("mysql", {}).get("figures", {}).get("report")
    if mariadb:
        verdicts["report <= 300 ms at 1M awards on MariaDB"] = (
            f"{'MET' if mariadb['median_ms'] <= TARGETS['report_ms_mariadb'] else 'NOT MET'} "
            f"(median {mariadb['median_ms']} ms of {mariadb['awards']:,} awards)")
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=DATABASES, action="append", help="Only this database (repeatable).")
    parser.add_argument("--only", nargs="+", choices=FIGURES, default=list(FIGURES), help="Only these figures.")
    parser.add_argument("--quick", action="store_true", help="Smaller sizes, for a try-out (not recorded).")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = {k: max(v // 10, 50) for k, v in SIZES.items()} if args.quick else dict(SIZES)
    if args.child:
        Path(args.out).write_text(json.dumps(measure(args.db[0], args.only, sizes), indent=2))
        return 0
    databases = args.db or [db for db in DATABASES if db == "sqlite" or _mariadb_up()]
    if "mysql" not in databases and not args.db:
        print("MariaDB is not reachable on 127.0.0.1:3306: its figures are left out.", file=sys.stderr)
    started = datetime.datetime.now(datetime.UTC)
    results = {"date": started.isoformat(timespec="seconds"), "command": "python -m benchmarks.run "
               + " ".join(argv if argv is not None else sys.argv[1:]), "sizes": sizes, "quick": args.quick,
               "databases": {}}
    for db in databases:
        results["databases"][db] = run_child(db, args.only, args.quick)
    results["targets"] = judge(results)
    results["seconds"] = round((datetime.datetime.now(datetime.UTC) - started).total_seconds(), 1)
    print()
    print_table(results)
    if not args.quick:
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nWritten to {RESULTS.relative_to(REPO_ROOT)} ({results['seconds']:.0f} s in all).")
    return 0


if __name__ == "__main__":
    if not __package__:  # run as ``python benchmarks/run.py``: import it as the package module it is
        sys.path.insert(0, str(REPO_ROOT))
        from benchmarks.run import main as package_main

        sys.exit(package_main())
    sys.exit(main())
