"""
Export a city's own learning opportunities as CSV, to edit in a spreadsheet and bring back with
``cities_network_import`` (rows keep their uuid, so the same file updates the same opportunities).
"""
from django.core.management.base import BaseCommand, CommandError

from ...opportunities import csv_io
from ...tenancy.models import City


class Command(BaseCommand):
    """``python manage.py cities_network_export <city_slug> [--output PATH]``."""

    help = "Export a city's opportunities as CSV (to standard output unless --output is given)."

    def add_arguments(self, parser):
        parser.add_argument("city", metavar="city_slug", help="The city whose opportunities to export.")
        parser.add_argument("--output", metavar="PATH", help="Write the CSV to this file instead of standard output.")

    def handle(self, *args, **options):
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with the slug '{options['city']}'.")
        text = csv_io.export_opportunities(city)
        if not options["output"]:
            self.stdout.write(text, ending="")
            return
        try:
            # The text already ends its lines with CRLF, as CSV does; no translation on the way out.
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as exc:
            raise CommandError(f"Cannot write {options['output']}: {exc.strerror}.") from exc
        count = city.owned_opportunities.count()
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} opportunities of {city.name} to {options['output']}."))
