"""
Award badges retroactively: from the platform's passing grades and certificates, or from a CSV of
``user,course_key,status``. Prints progress; ``--dry-run`` says what would be awarded and writes nothing.
"""
from django.core.management.base import BaseCommand, CommandError

from ...badges import backfill


class Command(BaseCommand):
    """``python manage.py lms cities_network_backfill [--course KEY ...] [--csv FILE] [--dry-run]``."""

    help = "Award badges from existing passing grades and certificates (or a CSV), with a dry run."

    def add_arguments(self, parser):
        parser.add_argument("--course", action="append", default=[], metavar="COURSE_KEY",
                            help="Only this course (repeat for several). Default: every course.")
        parser.add_argument("--csv", metavar="FILE", help="Read user,course_key,status rows from this file instead.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be awarded; write nothing.")
        parser.add_argument("--notify", action="store_true",
                            help="Email learners and send badge events and webhooks for the new awards "
                                 "(off by default: old achievements should not flood inboxes).")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, **options):
        if options["csv"]:
            try:
                with open(options["csv"], encoding="utf-8") as handle:
                    outcomes, errors = backfill.read_csv(handle.read())
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {options['csv']}: {exc}") from exc
            if errors:
                for line, message in errors:
                    self.stderr.write(f"line {line}: {message}")
                raise CommandError(f"{len(errors)} bad lines; nothing was done. Fix them and run again.")
            total = len(outcomes)
        else:
            outcomes, total = backfill.platform_outcomes(options["course"] or None), None

        def progress(result):
            of = f"/{total}" if total else ""
            self.stdout.write(f"  {result.outcomes}{of} records, {result.awards} badges "
                              f"{'would be ' if result.dry_run else ''}awarded")

        result = backfill.run(outcomes, dry_run=options["dry_run"], announce=options["notify"],
                              batch_size=options["batch_size"], progress=progress)
        verb = "would award" if result.dry_run else "awarded"
        self.stdout.write(self.style.SUCCESS(
            f"Done: {result.outcomes} records read; {verb} {result.awards} badges to {len(result.learners)} learners."
            + (" (dry run: nothing was written)" if result.dry_run else "")))
