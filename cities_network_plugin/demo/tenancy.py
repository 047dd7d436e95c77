"""Demo cities, their organisations, sites and teams, the network manager and the learners."""
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site

from ..tenancy import api as tenancy_api
from ..tenancy.models import (
    City,
    CityRoleName,
    CityStatus,
    EngagementStatus,
    NetworkManager,
    Stakeholder,
    StakeholderKind,
)

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the demo logins on purpose

CITIES = [
    {
        "slug": "vilnius", "name": "Vilnius", "country": "LT", "status": CityStatus.MEMBER,
        "timezone": "Europe/Vilnius", "languages": ["lt", "en"], "contact_name": "Rūta Kazlauskienė",
        "contact_email": "coordinator@vilnius.example", "website": "https://vilnius.example",
        "site": "vilnius.learning.example", "orgs": [("VilniusX", "Vilnius City Municipality"),
                                                       ("VilniusTechHub", "Vilnius Tech Hub")],
        "admin": ("ruta", "Rūta", "Kazlauskienė"), "team": [("jonas", "Jonas", "Petraitis"),
                                                                   ("egle", "Eglė", "Vaitkutė")],
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


def user(username, first_name, last_name, is_staff=False):
    """Create or refresh a demo account with the demo password."""
    account, _ = get_user_model().objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name, "last_name": last_name, "email": f"{username}@example.com",
            "is_staff": is_staff, "is_active": True,
        },
    )
    account.set_password(DEMO_PASSWORD)
    account.save(update_fields=["password"])
    return account


def seed(stdout) -> dict:
    """Seed the cities, teams and learners; returns the accounts and cities by name for the other modules."""
    manager = user(*NETWORK_MANAGER, is_staff=True)
    NetworkManager.objects.get_or_create(user=manager)
    cities = {}
    for spec in CITIES:
        cities[spec["slug"]] = _city(spec, manager)
        stdout.write(f"  city {spec['name']} ({spec['status']})")
    learners = [user(*spec) for spec in LEARNERS]
    _stakeholders(cities)
    return {"manager": manager, "cities": cities, "learners": learners}


def _city(spec, manager):
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
    admin = user(*spec["admin"], is_staff=True)
    tenancy_api.set_member(city, admin, CityRoleName.ADMIN, acting_user=manager)
    for member in spec["team"]:
        tenancy_api.set_member(city, user(*member, is_staff=True), CityRoleName.CORE_TEAM, acting_user=manager)
    return city


def print_logins(stdout, style) -> None:
    """The logins the demo prints at the end."""
    stdout.write(style.SUCCESS(f"Demo network ready. Logins (password for all: {DEMO_PASSWORD}):"))
    stdout.write(f"  network manager : {NETWORK_MANAGER[0]}")
    for spec in CITIES:
        stdout.write(f"  city admin      : {spec['admin'][0]} ({spec['name']})")
    stdout.write(f"  learner         : {LEARNERS[0][0]}")


def _stakeholders(cities) -> None:
    """The organisations the cities work with (organisers of events, partners for onboarding)."""
    for name, kind in (("Vilnius University", StakeholderKind.EDUCATION),
                       ("Vilnius City Municipality", StakeholderKind.GOVERNMENT),
                       ("Tech Hub Employers' Club", StakeholderKind.BUSINESS)):
        Stakeholder.objects.update_or_create(
            city=cities["vilnius"], name=name, defaults={"kind": kind, "engagement": EngagementStatus.PARTNER},
        )
    Stakeholder.objects.update_or_create(
        city=cities["rotterdam"], name="Port of Rotterdam Academy",
        defaults={"kind": StakeholderKind.BUSINESS, "engagement": EngagementStatus.CONTACTED},
    )
