"""
The city is the unit of tenancy: every other record of the plugin belongs to one (or to the whole network).

Roles live in the plugin's own tables rather than in Django groups or course roles, so that one
permissions module (``tenancy.permissions``) can answer every "may this user act for this city?" question.
"""
import zoneinfo

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ORG_SHORT_NAME_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9_.\-~]+$",
    _("An organisation short name may hold only letters, digits and the characters _ . - ~ "
      "(it is the 'org' part of a course key)."),
)
COUNTRY_VALIDATOR = RegexValidator(
    r"^[A-Z]{2}$", _("Use the two-letter ISO 3166 country code in capitals, for example LT or NL.")
)
LANGUAGE_VALIDATOR = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", _("Use language codes such as 'lt', 'en' or 'pt-br'.")
)


def validate_timezone(value: str) -> None:
    """Reject names that the IANA time zone database does not know."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("'%(value)s' is not a known time zone; use an IANA name such as Europe/Vilnius."),
            params={"value": value},
        )


def validate_languages(value) -> None:
    """A city's languages are a list of language codes, most used first."""
    # A code other than "invalid": JSONField would replace an "invalid" message with its own.
    message = _("Languages must be a list of language codes such as 'lt', 'en' or 'pt-br'; '%(value)s' is not one.")
    if not isinstance(value, list):
        raise ValidationError(message, code="languages", params={"value": value})
    for code in value:
        if not isinstance(code, str) or not LANGUAGE_VALIDATOR.regex.match(code):
            raise ValidationError(message, code="languages", params={"value": code})


class CityStatus(models.TextChoices):
    """Where a city stands in its relationship with the network."""

    PROSPECT = "prospect", _("Prospect")
    ONBOARDING = "onboarding", _("Onboarding")
    MEMBER = "member", _("Member")
    PAUSED = "paused", _("Paused")


class CityQuerySet(models.QuerySet):
    """Queries over cities."""

    def active(self):
        """Cities that run a platform for learners (onboarding or member)."""
        return self.filter(status__in=[CityStatus.ONBOARDING, CityStatus.MEMBER])


class City(models.Model):
    """
    A city of the network, its profile and, optionally, the Django site that serves its learners.

    .. pii: The contact name and email of the city's coordinator.
    .. pii_types: name, email_address
    .. pii_retirement: retained
    """

    slug = models.SlugField(max_length=64, unique=True, help_text=_("Short name used in URLs, e.g. 'vilnius'."))
    name = models.CharField(max_length=128)
    country = models.CharField(max_length=2, validators=[COUNTRY_VALIDATOR], help_text=_("ISO 3166 code, e.g. LT."))
    status = models.CharField(max_length=16, choices=CityStatus.choices, default=CityStatus.PROSPECT, db_index=True)
    timezone = models.CharField(max_length=64, default="Europe/Brussels", validators=[validate_timezone])
    languages = models.JSONField(
        default=list, blank=True, validators=[validate_languages],
        help_text=_("Language codes of the city's platform, most used first, e.g. [\"lt\", \"en\"]."),
    )
    contact_name = models.CharField(max_length=128, blank=True)
    contact_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    site = models.OneToOneField(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="cities_network_city",
        help_text=_("The site (domain) that serves this city's learners, if it has its own."),
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name


class CityOrganization(models.Model):
    """
    An Open edX organisation (the ``org`` of a course key) that belongs to a city.

    Stored as the organisation's short name so that the plugin runs without the ``organizations`` app.

    .. no_pii:
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="organizations")
    org = models.CharField(
        max_length=255, unique=True, validators=[ORG_SHORT_NAME_VALIDATOR],
        help_text=_("Organisation short name as it appears in course keys, e.g. 'VilniusX'."),
    )
    name = models.CharField(max_length=255, blank=True, help_text=_("Display name of the organisation."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org"]
        verbose_name = _("city organisation")

    def __str__(self) -> str:
        return f"{self.org} ({self.city.slug})"


class CityRoleName(models.TextChoices):
    """The roles a person can hold in one city."""

    ADMIN = "admin", _("City admin")
    CORE_TEAM = "core_team", _("Core-team member")


class CityRole(models.Model):
    """
    A person's role in one city. A person may hold roles in several cities.

    .. no_pii: The row links a user to a city; the user's own data stays in the user table.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cities_network_roles")
    role = models.CharField(max_length=16, choices=CityRoleName.choices)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["city", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="cities_network_one_role_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.city}"


class NetworkManager(models.Model):
    """
    A person who manages the whole network (every city). Django superusers count as network managers too.

    .. no_pii: The row links a user to the role; the user's own data stays in the user table.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cities_network_manager"
    )
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} (network manager)"


class StakeholderKind(models.TextChoices):
    """The kinds of stakeholder the journey asks cities to engage."""

    EDUCATION = "education", _("Educational institution")
    GOVERNMENT = "government", _("Local government")
    BUSINESS = "business", _("Business")
    COMMUNITY = "community", _("Community organisation")
    OTHER = "other", _("Other")


class EngagementStatus(models.TextChoices):
    """How far the relationship with a stakeholder has come."""

    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    ENGAGED = "engaged", _("Engaged")
    PARTNER = "partner", _("Partner")
    DECLINED = "declined", _("Declined")


ENGAGED_STATUSES = (EngagementStatus.ENGAGED, EngagementStatus.PARTNER)


class Stakeholder(models.Model):
    """
    An organisation a city works with: school, university, municipality, business, NGO.

    .. pii: The name, email and phone of the stakeholder's contact person.
    .. pii_types: name, email_address, phone_number
    .. pii_retirement: retained
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=StakeholderKind.choices)
    engagement = models.CharField(max_length=16, choices=EngagementStatus.choices, default=EngagementStatus.IDENTIFIED)
    contact_name = models.CharField(max_length=128, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="cities_network_unique_stakeholder_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city.slug})"
