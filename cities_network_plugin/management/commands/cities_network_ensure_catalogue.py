"""Add any onboarding stage or step of the shipped catalogue that is missing (edits are kept)."""
from django.core.management.base import BaseCommand

from ...onboarding import catalogue
from ...onboarding.models import OnboardingStage, OnboardingStep


class Command(BaseCommand):
    """``python manage.py cities_network_ensure_catalogue``."""

    help = "Add the onboarding stages and steps that are missing from the catalogue; existing ones are kept."

    def handle(self, *args, **options):
        added = catalogue.install(OnboardingStage, OnboardingStep)
        self.stdout.write(self.style.SUCCESS(
            f"Catalogue has {OnboardingStage.objects.count()} stages and {OnboardingStep.objects.count()} steps "
            f"({added} added)."
        ))
