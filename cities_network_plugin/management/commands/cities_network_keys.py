"""
Manage the issuers' Open Badges 3.0 signing keys: generate a first key, list keys, rotate.

Rotation is the answer to a suspected leak or an old key: the new key signs from now on, the old one retires but
stays in the issuer's JWKS, so credentials already handed out keep verifying. Only public facts are printed (key
id, algorithm, status, where the private half is kept); private material never reaches the terminal.
"""
from django.core.management.base import BaseCommand, CommandError

from ...openbadges import keys
from ...openbadges.issuers import profile_by_slug
from ...openbadges.models import IssuerProfile, KeyAlgorithm, SigningKey


class Command(BaseCommand):
    """``python manage.py lms cities_network_keys generate|list|rotate [--issuer SLUG] [--algorithm EdDSA|RS256]``."""

    help = "Generate, list and rotate the Open Badges 3.0 signing keys of issuers (a city's slug, or 'network')."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="generate|list|rotate")
        generate = actions.add_parser("generate", help="Give an issuer its first key of an algorithm.")
        generate.add_argument("--issuer", required=True, metavar="SLUG")
        generate.add_argument("--algorithm", choices=KeyAlgorithm.values, default=None,
                              help="Default: the setting CITIES_NETWORK_DEFAULT_KEY_ALGORITHM.")
        generate.add_argument("--if-missing", action="store_true",
                              help="Do nothing when the issuer has an active key already (for init jobs).")
        listing = actions.add_parser("list", help="List keys (every issuer's, or one issuer's).")
        listing.add_argument("--issuer", metavar="SLUG")
        rotate = actions.add_parser("rotate", help="Replace an issuer's signing key; the old one stays published.")
        rotate.add_argument("--issuer", required=True, metavar="SLUG")
        rotate.add_argument("--algorithm", choices=KeyAlgorithm.values, default=None,
                            help="Default: the algorithm of the key that signs now.")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except keys.KeyConfigurationError as exc:
            raise CommandError(str(exc)) from None

    def _issuer(self, slug: str) -> IssuerProfile:
        profile = profile_by_slug(slug)
        if profile is None:
            raise CommandError(f"No issuer {slug!r}: give a city's slug, or 'network'.")
        return profile

    def _describe(self, key: SigningKey) -> str:
        kept = f"file {key.private_key_file}" if key.private_key_file else "database (encrypted)"
        retired = f", retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else ""
        return (f"{key.issuer.slug:<20} {key.algorithm:<6} {key.status:<8} {key.kid}  "
                f"created {key.created:%Y-%m-%d %H:%M}{retired}, private key in {kept}")

    def _generate(self, options):
        profile = self._issuer(options["issuer"])
        algorithm = options["algorithm"] or keys.default_algorithm()
        if options.get("if_missing"):
            active = SigningKey.objects.filter(issuer=profile, status="active").first()
            if active is not None:
                self.stdout.write(f"{profile.slug} has an active key already ({active.algorithm} {active.kid}); "
                                  "nothing to do.")
                return
        self.stdout.write(f"Generating a {algorithm} key for {profile.slug}…")
        try:
            key = keys.generate(profile, algorithm)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"New active key {key.kid}."))
        self.stdout.write(f"Published at {keys.jwks_url(profile)}")

    def _list(self, options):
        found = SigningKey.objects.select_related("issuer").order_by("issuer__slug", "-created", "-pk")
        if options.get("issuer"):
            found = found.filter(issuer=self._issuer(options["issuer"]))
        if not found.exists():
            self.stdout.write("No keys yet. Create one with: cities_network_keys generate --issuer SLUG")
            return
        for key in found:
            self.stdout.write(self._describe(key))

    def _rotate(self, options):
        profile = self._issuer(options["issuer"])
        self.stdout.write(f"Rotating the signing key of {profile.slug}…")
        new, retired = keys.rotate(profile, options["algorithm"])
        for key in retired:
            self.stdout.write(f"Retired {key.kid} ({key.algorithm}): it no longer signs, and stays in the JWKS.")
        self.stdout.write(self.style.SUCCESS(f"New active {new.algorithm} key {new.kid}."))
