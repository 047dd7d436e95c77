"""
Delete inbox rows of learning events applied long ago and webhook deliveries finished long ago
(``CITIES_NETWORK_INBOX_RETENTION_DAYS``, ``CITIES_NETWORK_WEBHOOK_LOG_RETENTION_DAYS``). The ``sweep_inbox``
task prunes a bounded number of rows on each run; this command clears a backlog, with progress.
"""
from django.conf import settings
from django.core.management.base import BaseCommand

from ... import pruning


class Command(BaseCommand):
    """``python manage.py lms cities_network_prune [--dry-run]``."""

    help = ("Delete learning events applied (or ignored) and webhook deliveries finished longer ago than the "
            "retention settings. Waiting and failed events, pending deliveries, awards and progress are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say how many rows would be deleted.")

    def handle(self, *args, **options):
        inbox_days = settings.CITIES_NETWORK_INBOX_RETENTION_DAYS
        log_days = settings.CITIES_NETWORK_WEBHOOK_LOG_RETENTION_DAYS
        self.stdout.write(
            f"Keeping learning events for {inbox_days} days and webhook deliveries for {log_days} days"
            " (0: for ever).")
        if options["dry_run"]:
            result = pruning.prune(dry_run=True)
            self.stdout.write(f"Would delete {result.events:,} learning events and {result.deliveries:,} webhook "
                              "deliveries. Nothing was deleted.")
            return

        def progress(kind, deleted):
            self.stdout.write(f"  {deleted:,} {'learning events' if kind == 'events' else 'webhook deliveries'}"
                              " deleted")

        result = pruning.prune(progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"Deleted {result.events:,} learning events and {result.deliveries:,} webhook deliveries."))
