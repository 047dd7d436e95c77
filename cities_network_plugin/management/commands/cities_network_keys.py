"""
Manage the issuers' Open Badges 3.0 signing keys: generate a first key, list keys, rotate.

An issuer gets its first keys when one of its badge classes becomes active; ``generate --all`` gives them to every
issuer that issues and has none yet (after an upgrade, or once a key storage is configured). Public documents
never make keys (a GET writes nothing).

Rotation is the answer to a suspected leak or an old key: the new key signs from now on, the old one retires but
stays in the issuer's JWKS, so credentials already handed out keep verifying. Only public facts are printed (key
id, algorithm, status, where the private half is kept); private material never reaches the terminal.
"""
from django.core.management.base import BaseCommand, CommandError

from ...badges.models import BadgeClass, BadgeStatus
from ...openbadges import keys
from ...openbadges.issuers import NETWORK_SLUG, ensure_profile
from ...openbadges.issuing import start_issuing
from ...openbadges.models import IssuerProfile, KeyAlgorithm, SigningKey
from ...tenancy.models import City


class Command(BaseCommand):
    """
    ``python manage.py lms cities_network_keys generate|list|rotate [--issuer SLUG | --all] [--algorithm EdDSA|RS256]``.
    """

    help = "Generate, list and rotate the Open Badges 3.0 signing keys of issuers (a city's slug, or 'network')."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="generate|list|rotate")
        generate = actions.add_parser("generate", help="Give an issuer its first key of an algorithm.")
        which = generate.add_mutually_exclusive_group(required=True)
        which.add_argument("--issuer", metavar="SLUG")
        which.add_argument("--all", action="store_true",
                           help="Every issuer that issues (an active or archived badge class) and has no key yet: "
                                "a key of the default algorithm and an Ed25519 one.")
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
        profile = ensure_profile(slug)
        if profile is None:
            raise CommandError(f"No issuer {slug!r}: give a city's slug, or 'network'.")
        return profile

    def _describe(self, key: SigningKey) -> str:
        kept = f"file {key.private_key_file}" if key.private_key_file else "database (encrypted)"
        retired = f", retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else ""
        return (f"{key.issuer.slug:<20} {key.algorithm:<6} {key.status:<8} {key.kid}  "
                f"created {key.created:%Y-%m-%d %H:%M}{retired}, private key in {kept}")

    def _generate(self, options):
        if options.get("all"):
            self._generate_all()
            return
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

    def _generate_all(self):
        if not keys.storage_mode():
            raise CommandError(keys.NO_STORAGE_MESSAGE)
        issuing = BadgeClass.objects.exclude(status=BadgeStatus.DRAFT)
        cities = list(City.objects.filter(pk__in=issuing.values("issuer_city_id")).order_by("slug"))
        issuers = [*cities, *([None] if issuing.filter(issuer_city__isnull=True).exists() else [])]
        for city in issuers:
            profiles = (IssuerProfile.objects.filter(city=city) if city else
                        IssuerProfile.objects.filter(city__isnull=True, slug=NETWORK_SLUG))
            before = set(SigningKey.objects.filter(issuer__in=profiles).values_list("pk", flat=True))
            profile = start_issuing(city)
            made = profile.keys.exclude(pk__in=before)
            for key in made:
                self.stdout.write(f"{profile.slug}: new active {key.algorithm} key {key.kid}.")
            if not made:
                self.stdout.write(f"{profile.slug} has its keys already; nothing to do.")
        self.stdout.write(self.style.SUCCESS(f"{len(issuers)} issuers checked."))

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
