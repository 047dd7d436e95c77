"""
Create the "Cities" taxonomy of Open edX content tagging (once) and give it one tag per city; renamed cities
get their tag renamed. Safe to run at every deploy (Tutor runs it as an init task).
"""
from django.core.management.base import BaseCommand

from ...opportunities import tagging


class Command(BaseCommand):
    """``python manage.py cities_network_ensure_taxonomy``."""

    help = "Create or update the Cities taxonomy of Open edX content tagging (idempotent)."

    def handle(self, *args, **options):
        if not tagging.available():
            self.stdout.write(self.style.WARNING(
                "Open edX content tagging (openedx_tagging) is not installed here; nothing to do."))
            return
        taxonomy, changed = tagging.ensure_taxonomy()
        tags = taxonomy.tag_set.count()
        self.stdout.write(self.style.SUCCESS(
            f"Taxonomy '{taxonomy.name}' (export id {tagging.TAXONOMY_EXPORT_ID}) has {tags} city tags; "
            f"{changed} added or renamed."
        ))
