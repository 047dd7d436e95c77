"""Serializers of API v1. They validate and shape data; the writes happen in ``tenancy.api``."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from ....tenancy import api as tenancy_api
from ....tenancy.models import COUNTRY_VALIDATOR, City, CityOrganization, CityRole, CityRoleName
from .base import ModelSerializer


class CityOrganizationSerializer(ModelSerializer):
    """An Open edX organisation of a city."""

    class Meta:
        model = CityOrganization
        fields = ["org", "name"]


class CitySerializer(ModelSerializer):
    """A city's profile; ``organizations`` are set by a list of org short names."""

    organizations = CityOrganizationSerializer(many=True, read_only=True)
    # Declared here so that "lt" is accepted and stored as "LT" before the model's check runs.
    country = serializers.CharField(max_length=2, help_text="ISO 3166 two-letter code, e.g. LT.")
    site_domain = serializers.SerializerMethodField()

    class Meta:
        model = City
        fields = [
            "slug", "name", "country", "status", "timezone", "languages", "contact_name", "contact_email",
            "website", "site_domain", "organizations", "created", "modified",
        ]
        read_only_fields = ["created", "modified"]

    def get_site_domain(self, city) -> str | None:
        return city.site.domain if city.site_id else None

    def validate_country(self, value):
        value = value.upper()
        try:
            COUNTRY_VALIDATOR(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate_languages(self, value):
        # The model validator runs too; this keeps the order and drops repeats.
        seen = []
        for code in value or []:
            if code not in seen:
                seen.append(code)
        return seen


class TeamMemberSerializer(ModelSerializer):
    """
    A person's role in a city, by username only: a city admin adds people by username or address, and the answer
    must not hand back the address or the name of whatever account that was.
    """

    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = CityRole
        fields = ["username", "role", "created"]


class TeamMemberWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Add a person to the team, or change their role: ``{"user": "<username or email>", "role": "admin"}``."""

    user = serializers.CharField(help_text="Username or email address of an existing account.")
    role = serializers.ChoiceField(choices=CityRoleName.choices)

    def validate_user(self, value):
        try:
            return tenancy_api.find_user(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class OrganizationWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Claim an Open edX organisation for the city."""

    org = serializers.CharField(max_length=255)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

