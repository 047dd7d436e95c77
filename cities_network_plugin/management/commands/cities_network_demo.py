"""
Seed a believable demo network: cities at different stages, their organisations, teams and learners.

Idempotent: running it again updates the same records instead of adding copies. Passwords are reset to the
printed demo passwords on each run, so the printed logins always work. Refuses to run unless DEBUG is on or
``--force`` is given, so that it never seeds a production platform by accident.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...tenancy import api as tenancy_api
from ...tenancy.models import City, CityRoleName, CityStatus, NetworkManager

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the demo logins on purpose

CITIES = [
    {
        "slug": "vilnius", "name": "Vilnius", "country": "LT", "status": CityStatus.MEMBER,
        "timezone": "Europe/Vilnius", "languages": ["lt", "en"], "contact_name": "Rūta Kazlauskienė",
        "contact_email": "coordinator@vilnius.example", "website": "https://vilnius.example",
        "site": "vilnius.learning.example", "orgs": [("VilniusX", "Vilnius City Municipality"),
                                                       ("VilniusTechHub", "Vilnius Tech Hub")],
        "admin": ("ruta", "Rūta", "Kazlauskienė"), "team": [("jonas", "Jonas", "Petraitis")],
    },
    {
        "slug": "rotterdam", "name": "Rotterdam", "country": "NL", "status": CityStatus.ONBOARDING,
        "timezone": "Europe/Amsterdam", "languages": ["nl", "en"], "contact_name": "Sanne de Vries",
        "contact_email": "leren@rotterdam.example", "website": "https://rotterdam.example",
        "site": None, "orgs": [("RotterdamLeert", "Rotterdam Leert")],
        "admin": ("sanne", "Sanne", "de Vries"), "team": [("daan", "Daan", "Bakker")],
    },
    {
        "slug": "fermo", "name": "Fermo", "country": "IT", "status": CityStatus.ONBOARDING,
        "timezone": "Europe/Rome", "languages": ["it", "en"], "contact_name": "Giulia Rossi",
        "contact_email": "apprendimento@fermo.example", "website": "https://fermo.example",
        "site": None, "orgs": [("FermoLearns", "Comune di Fermo")],
        "admin": ("giulia", "Giulia", "Rossi"), "team": [],
    },
    {
        "slug": "novi-sad", "name": "Novi Sad", "country": "RS", "status": CityStatus.PROSPECT,
        "timezone": "Europe/Belgrade", "languages": ["sr", "en"], "contact_name": "Milica Jovanović",
        "contact_email": "milica@novisad.example", "website": "",
        "site": None, "orgs": [], "admin": ("milica", "Milica", "Jovanović"), "team": [],
    },
]

NETWORK_MANAGER = ("nina", "Nina", "Network")
LEARNERS = [("learner", "Lina", "Learner"), ("tomas", "Tomas", "Kairys"), ("eva", "Eva", "Jansen")]


class Command(BaseCommand):
    """``python manage.py cities_network_demo``: seed the demo network."""

    help = "Seed a demo network of cities, organisations, teams and learners (idempotent)."

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
        with transaction.atomic():
            manager = self._user(*NETWORK_MANAGER, is_staff=True)
            NetworkManager.objects.get_or_create(user=manager)
            for spec in CITIES:
                self._city(spec, manager)
                self.stdout.write(f"  city {spec['name']} ({spec['status']})")
            for username, first, last in LEARNERS:
                self._user(username, first, last)
        self._print_logins()

    def _user(self, username, first_name, last_name, is_staff=False):
        user, _ = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name, "last_name": last_name, "email": f"{username}@example.com",
                "is_staff": is_staff, "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        return user

    def _city(self, spec, manager):
        site = None
        if spec["site"]:
            site, _ = Site.objects.get_or_create(domain=spec["site"], defaults={"name": spec["name"]})
        city, _ = City.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                key: spec[key] for key in (
                    "name", "country", "status", "timezone", "languages", "contact_name", "contact_email", "website"
                )
            } | {"site": site},
        )
        for org, name in spec["orgs"]:
            tenancy_api.add_organization(city, org, name)
        admin = self._user(*spec["admin"], is_staff=True)
        tenancy_api.set_member(city, admin, CityRoleName.ADMIN, acting_user=manager)
        for member in spec["team"]:
            member_user = self._user(*member, is_staff=True)
            tenancy_api.set_member(city, member_user, CityRoleName.CORE_TEAM, acting_user=manager)
        return city

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS(f"Demo network ready. Logins (password for all: {DEMO_PASSWORD}):"))
        self.stdout.write(f"  network manager : {NETWORK_MANAGER[0]}")
        for spec in CITIES:
            self.stdout.write(f"  city admin      : {spec['admin'][0]} ({spec['name']})")
        self.stdout.write(f"  learner         : {LEARNERS[0][0]}")
