"""
Seed a believable demo network: cities at different onboarding stages, their organisations, teams and
learners, their records and courses.

Idempotent: running it again updates the same records instead of adding copies. Passwords are reset to the
printed demo password on each run, so the printed logins always work. Refuses to run unless DEBUG is on or
``--force`` is given, so that it never seeds a production platform by accident.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...demo import badges, onboarding, opportunities, tenancy


class Command(BaseCommand):
    """``python manage.py cities_network_demo``: seed the demo network."""

    help = "Seed a demo network of cities, organisations, teams, learners and onboarding progress (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even when DEBUG is off (never on a production platform)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "The demo seeds well-known passwords, so it runs only with DEBUG on. "
                "Pass --force if this really is a throwaway platform."
            )
        self.stdout.write("Seeding cities, teams and learners")
        with transaction.atomic():
            accounts = tenancy.seed(self.stdout)
        self.stdout.write("Seeding learning opportunities and playlists")
        with transaction.atomic():
            opportunities.seed(self.stdout, accounts)
        self.stdout.write("Seeding badges; learners earn them through the event pipeline")
        badges.seed(self.stdout, accounts)
        self.stdout.write("Seeding onboarding journeys")
        with transaction.atomic():
            onboarding.seed(self.stdout, accounts)
        tenancy.print_logins(self.stdout, self.style)
