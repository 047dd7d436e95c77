"""
Re-drive learning events left in the inbox (the broker was down, or processing failed) and webhook deliveries no
worker took up, give Open Badges 3.0 status list positions to awards still without one, then bring the network
report's summary tables up to date. Schedule it every few minutes (cron,
or Celery beat with the ``sweep_inbox`` task), or run it by hand after an outage.
"""
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from ... import queueing
from ...badges import sweeper
from ...openbadges import statuslists
from ...reporting import summaries
from ...webhooks import api as webhooks_api


class Command(BaseCommand):
    """``python manage.py lms cities_network_sweep [--inline] [--older-than MINUTES]``."""

    help = "Queue again (or process here, with --inline) the learning events still waiting or failed."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None, metavar="MINUTES",
                            help="Only events received at least this long ago (default: the setting "
                                 "CITIES_NETWORK_SWEEP_AFTER_MINUTES).")
        parser.add_argument("--inline", action="store_true",
                            help="Process the events in this process instead of queueing them (no worker needed).")
        parser.add_argument("--limit", type=int, default=10_000)

    def handle(self, *args, **options):
        minutes = options["older_than"]
        if minutes is None:
            minutes = settings.CITIES_NETWORK_SWEEP_AFTER_MINUTES
        every = max(1, options["limit"] // 20)

        def progress(done, total):
            if done % every == 0 or done == total:
                self.stdout.write(f"  {done}/{total}")

        count = sweeper.sweep(datetime.timedelta(minutes=minutes), inline=options["inline"], limit=options["limit"],
                              progress=progress)
        verb = "processed" if options["inline"] else "queued"
        self.stdout.write(self.style.SUCCESS(f"{count} waiting or failed events {verb}."))
        if not options["inline"] and queueing.broker_paused():
            self.stdout.write(self.style.WARNING(
                "The Celery broker could not be reached, so the other events were not queued. Start the broker and "
                "run this again, or process them here with --inline."))
        elif not queueing.broker_paused():
            redriven = webhooks_api.redrive(datetime.timedelta(minutes=minutes), limit=options["limit"])
            self.stdout.write(f"Webhook deliveries no worker took up, queued again: {redriven}.")
        given = statuslists.allocate_missing(limit=options["limit"])
        self.stdout.write(f"Open Badges 3.0 status list positions given to awards without one: {given}.")
        counted = summaries.catch_up()
        self.stdout.write(f"Network report summaries: {counted} new awards, revocations and completions counted.")
