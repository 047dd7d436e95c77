"""
Fetch the JSON-LD contexts that Open Badges 3.0 Data Integrity proofs are computed with, into the directory named
by ``CITIES_NETWORK_JSONLD_CONTEXTS_DIR``. Run it once when installing (and after upgrading the plugin): the LMS
never fetches a context while answering a request, so until then credentials are served as VC-JWT only.
"""
import json
import os
import tempfile
from pathlib import Path

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...openbadges.dataintegrity import REQUIRED_CONTEXTS, context_filename

TIMEOUT = 20


class Command(BaseCommand):
    """``python manage.py lms cities_network_contexts [--dir DIR] [--force]``."""

    help = "Download the JSON-LD contexts of Open Badges 3.0 proofs into CITIES_NETWORK_JSONLD_CONTEXTS_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="Where to write (default: the setting).")
        parser.add_argument("--force", action="store_true", help="Download again the contexts already there.")

    def handle(self, *args, **options):
        directory = options["dir"] or settings.CITIES_NETWORK_JSONLD_CONTEXTS_DIR
        if not directory:
            raise CommandError("Set CITIES_NETWORK_JSONLD_CONTEXTS_DIR (or give --dir) to a directory the LMS reads.")
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        failures = 0
        for url in REQUIRED_CONTEXTS:
            path = target / context_filename(url)
            if path.is_file() and not options["force"]:
                self.stdout.write(f"  kept        {url}")
                continue
            try:
                document = self._fetch(url)
            except (requests.RequestException, ValueError) as exc:
                failures += 1
                self.stderr.write(f"  FAILED      {url}: {exc}")
                continue
            self._write(path, document)
            self.stdout.write(f"  downloaded  {url}")
        if failures:
            raise CommandError(f"{failures} context(s) could not be downloaded; run the command again.")
        self.stdout.write(self.style.SUCCESS(f"All {len(REQUIRED_CONTEXTS)} contexts are in {target}."))

    def _fetch(self, url: str) -> dict:
        response = requests.get(url, timeout=TIMEOUT, headers={"Accept": "application/ld+json, application/json"})
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict) or "@context" not in document:
            raise ValueError("the answer is not a JSON-LD context")
        return document

    def _write(self, path: Path, document: dict) -> None:
        """Write beside the target, then rename: a reader never sees half a file."""
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
        os.replace(temporary, path)
