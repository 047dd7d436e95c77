"""Serializers of the opportunity and playlist endpoints. Writes go through ``opportunities.api``."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from ....opportunities import api as opportunities_api
from ....opportunities.models import Opportunity, OpportunityKind, Playlist, PlaylistItem, PublicationStatus
from ....tenancy.models import Stakeholder
from .base import IdRelatedField, ModelSerializer


class SkillSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An ESCO skill: its URI and a label."""

    uri = serializers.CharField(max_length=500)
    label = serializers.CharField(max_length=255)


class CitySlugsField(serializers.ListField):
    """Cities as a list of slugs: written as slugs, read from the related manager."""

    child = serializers.SlugField()

    def to_representation(self, data):
        return sorted(city.slug for city in data.all())


class OpportunitySerializer(ModelSerializer):
    """
    A learning opportunity. ``cities`` are the slugs of the cities that show it (its own city always among
    them); ``organiser`` is the id of one of the city's stakeholders.
    """

    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    cities = CitySlugsField(required=False, help_text="Slugs of the cities that show the opportunity.")
    skills = SkillSerializer(many=True, required=False)
    organiser = IdRelatedField(
        queryset=Stakeholder.objects.none(), required=False, allow_null=True,
        help_text="Id of one of the city's stakeholders.",
    )
    organiser_name = serializers.CharField(source="organiser.name", read_only=True, default=None)
    kind = serializers.ChoiceField(choices=OpportunityKind.choices, required=False)
    status = serializers.ChoiceField(choices=PublicationStatus.choices, required=False)
    course_key = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=255,
        help_text="The course of a course-backed opportunity: one of the city's organisations'. It is given when the "
                  "opportunity is made and cannot be changed.")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                        min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                         min_value=-180, max_value=180)

    class Meta:
        model = Opportunity
        fields = ["uuid", "city", "cities", "kind", "title", "description", "course_key", "start", "end", "online",
                  "place_name", "address", "latitude", "longitude", "url", "organiser", "organiser_name",
                  "language", "skills", "status", "created", "modified"]
        read_only_fields = ["uuid", "created", "modified"]

    def get_fields(self):
        fields = super().get_fields()
        city = self.context.get("city")
        if city is not None:
            fields["organiser"].queryset = city.stakeholders.all()
        # ``course_key`` stays writable on a change, so that another course is refused by the domain (it is never
        # changed) instead of being ignored, and the same one, read back and sent again, is taken.
        return fields


class CityOpportunityField(serializers.SlugRelatedField):
    """
    An opportunity by uuid, among those shown in the request's city (the serializer's ``city``): an unknown uuid and
    one of an opportunity elsewhere get the same answer, which never names it by its title.
    """

    def __init__(self, **kwargs):
        super().__init__(slug_field="uuid", **kwargs)

    def get_queryset(self):
        city = self.context.get("city")
        return Opportunity.objects.in_city(city) if city is not None else Opportunity.objects.none()

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(uuid=data)
        except (Opportunity.DoesNotExist, DjangoValidationError, TypeError, ValueError):
            city = self.context.get("city")
            if city is None:
                self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
            raise serializers.ValidationError(opportunities_api.not_shown_in(data, city)) from None


class PlaylistItemSerializer(ModelSerializer):
    """One item of a playlist: the opportunity (by uuid) and whether it is mandatory (if left out: mandatory)."""

    opportunity = CityOpportunityField()
    title = serializers.CharField(source="opportunity.title", read_only=True)

    class Meta:
        model = PlaylistItem
        fields = ["opportunity", "title", "mandatory", "position"]
        read_only_fields = ["position"]

    def validate(self, attrs):
        # ``items`` replaces the whole list, so an item is whole in a PATCH too, where DRF asks for no field.
        if "opportunity" not in attrs:
            raise serializers.ValidationError({"opportunity": [self.fields["opportunity"].error_messages["required"]]})
        attrs.setdefault("mandatory", PlaylistItem._meta.get_field("mandatory").default)
        return attrs


class PlaylistSerializer(ModelSerializer):
    """A playlist with its items in order; PUT/PATCH with ``items`` replaces the list."""

    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    items = PlaylistItemSerializer(many=True, required=False)

    class Meta:
        model = Playlist
        fields = ["uuid", "city", "title", "description", "min_optional", "status", "items", "created", "modified"]
        read_only_fields = ["uuid", "created", "modified"]
