"""
The network report from the command line, for scheduled exports and spreadsheets: the same figures as the
admin page and ``GET /cities-network/api/v1/reports/network/``.
"""
import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from ...badges.models import Award
from ...opportunities.models import OpportunityCompletion
from ...reporting import api as reporting_api
from ...reporting import csv as reporting_csv
from ...reporting import summaries


class Command(BaseCommand):
    """
    ``cities_network_report [--format json|csv] [--table] [--from] [--to] [--country] [--status] [--output]``;
    ``cities_network_report --rebuild-summaries``.
    """

    help = (
        "Print the network report. JSON (the default): every table, or the one named by --table, to standard "
        "output or to the file --output. CSV: with --table, that table to standard output or to the file "
        "--output; without --table, --output names a directory that receives one file per table "
        f"({', '.join(name + '.csv' for name in reporting_api.TABLE_NAMES)}). Dates are whole UTC days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--table", choices=reporting_api.TABLE_NAMES, help="Only this table.")
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="First day of the range.")
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="Last day of the range (included).")
        parser.add_argument("--country", nargs="+", action="extend", default=[], metavar="CODE",
                            help="Only cities of these countries, e.g. --country LT NL.")
        parser.add_argument("--status", nargs="+", action="extend", default=[], metavar="STATUS",
                            help="Only cities of these statuses, e.g. --status member onboarding.")
        parser.add_argument("--output", metavar="PATH",
                            help="A file (JSON, or CSV of one table) or a directory (CSV of every table).")
        parser.add_argument("--rebuild-summaries", action="store_true",
                            help="Count every award and completion again into the report's summary tables "
                                 "(after an upgrade, a restore, or moving badges between cities), then stop.")

    def handle(self, *args, **options):
        if options["rebuild_summaries"]:
            self._rebuild()
            return
        params = {name: options[name] for name in ("date_from", "date_to") if options[name]}
        params.update(country=options["country"], status=options["status"])
        try:
            filters = reporting_api.ReportFilters.from_params(params)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        table, output = options["table"], options["output"]
        if options["format"] == "json":
            if table:
                data = {"filters": filters.as_dict(), "tables": {
                    table: reporting_api.build_table(table, filters).as_dict()}}
            else:
                data = reporting_api.network_report(filters).as_dict()
            self._write(json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False) + "\n", output)
        elif table:
            self._write(reporting_csv.write_table(reporting_api.build_table(table, filters)), output)
        else:
            self._write_directory(filters, output)

    def _rebuild(self) -> None:
        pending = summaries.pending_awards().count() + summaries.pending_completions().count()
        total = Award.objects.count() + OpportunityCompletion.objects.count()
        self.stdout.write(f"Counting {total:,} awards and completions into the report's summary tables "
                          f"({pending:,} were not counted yet).")
        started = time.monotonic()

        def progress(counted, _total):
            share = f" ({100 * counted / total:.0f} %)" if total else ""
            self.stdout.write(f"  {counted:,} counted{share}, {time.monotonic() - started:.0f} s")

        counted = summaries.rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the summaries: {counted:,} rows counted in "
                                             f"{time.monotonic() - started:.1f} s."))

    def _write(self, text: str, output: str | None) -> None:
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            # CSV already ends its lines with CRLF; no translation on the way out.
            Path(output).write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))

    def _write_directory(self, filters: reporting_api.ReportFilters, output: str | None) -> None:
        if not output:
            raise CommandError("CSV of every table needs --output DIRECTORY (one file per table); "
                               "or name one table with --table to print it.")
        directory = Path(output)
        report = reporting_api.network_report(filters)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for name in reporting_api.TABLE_NAMES:
                (directory / f"{name}.csv").write_text(reporting_csv.table_csv(report, name), encoding="utf-8",
                                                       newline="")
        except OSError as exc:
            raise CommandError(f"Cannot write to {directory}: {exc.strerror}.") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(reporting_api.TABLE_NAMES)} tables to {directory}."))
