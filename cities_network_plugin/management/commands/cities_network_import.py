"""
Import a city's learning opportunities from a CSV file, for operators loading a programme in bulk.

The whole file is checked first and nothing is written unless every row is good; each problem is printed with
its line number. ``--dry-run`` stops after the check. The columns are those of ``cities_network_export``.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...opportunities import csv_io
from ...tenancy.models import City


class Command(BaseCommand):
    """``python manage.py cities_network_import <city_slug> <path> [--dry-run] [--user USERNAME]``."""

    help = "Import a city's opportunities from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("city", metavar="city_slug", help="The city that owns the imported opportunities.")
        parser.add_argument("path", help="The CSV file (UTF-8, header on line 1).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")
        parser.add_argument("--user", metavar="USERNAME", help="Recorded as the creator of new opportunities.")

    def handle(self, *args, **options):
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with the slug '{options['city']}'.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user with the username '{options['user']}'.")
        mode = " (dry run)" if options["dry_run"] else ""
        self.stdout.write(f"Checking {options['path']} for {city.name}{mode}…")
        try:
            with open(options["path"], "rb") as handle:
                result = csv_io.import_opportunities(city, handle, user, dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(f"Cannot read {options['path']}: {exc.strerror}.") from exc
        for line in result.error_lines():
            self.stderr.write(line)
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
