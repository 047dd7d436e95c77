"""
Run the onboarding detectors: recurring steps whose period passed fall due, then every city's (or the named
cities') detectors run. Schedule it daily (cron or Celery beat with the ``evaluate_all_cities`` task).
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...onboarding import api as onboarding_api
from ...onboarding.detectors import evaluate_city
from ...onboarding.models import CityOnboarding
from ...tenancy.models import City


class Command(BaseCommand):
    """``python manage.py cities_network_detect [--city SLUG ...]``."""

    help = "Let recurring onboarding steps fall due and run every city's detectors."

    def add_arguments(self, parser):
        parser.add_argument("--city", action="append", default=[], metavar="SLUG",
                            help="Only this city (repeat for several).")

    def handle(self, *args, **options):
        now = timezone.now()
        cities = City.objects.order_by("name")
        if options["city"]:
            cities = cities.filter(slug__in=options["city"])
            missing = set(options["city"]) - set(cities.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No city with the slug: {', '.join(sorted(missing))}.")
        fell_due = onboarding_api.fall_due(now)
        self.stdout.write(f"{fell_due} recurring step(s) fell due again.")
        total = cities.count()
        for number, city in enumerate(cities, start=1):
            completed = evaluate_city(city, now)
            summary = CityOnboarding.objects.select_related("current_stage").get(city=city)
            done = f"completed {', '.join(completed)}" if completed else "nothing new"
            stage = summary.current_stage.number if summary.current_stage_id else "-"
            self.stdout.write(
                f"[{number}/{total}] {city.name}: {done}; stage {stage} ({summary.steps_done}/{summary.steps_total})"
            )
        self.stdout.write(self.style.SUCCESS(f"Checked {total} cities."))
