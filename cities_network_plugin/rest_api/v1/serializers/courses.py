"""What Studio's course outline shows of a course: its cities, the badges it counts towards, the console's links."""
from rest_framework import serializers


class CourseCitySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A city the course is shown in, with its console dashboard."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    owner = serializers.BooleanField(help_text="The city owns the course's organisation: it always shows it.")
    console_url = serializers.URLField()


class CourseBadgeSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An active badge the course counts towards."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()
    issuer = serializers.CharField(help_text="The issuing city's name, or the network's.")
    console_url = serializers.URLField(allow_null=True, help_text="The badge's console page; null for the network's "
                                                                  "badges, which have none.")


class CourseSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A course as the caller may see it in the console."""

    course_key = serializers.CharField()
    title = serializers.CharField()
    cities = CourseCitySerializer(many=True)
    badges = CourseBadgeSerializer(many=True)
    console_url = serializers.URLField(help_text="The course's page in the console.")
    can_tag = serializers.BooleanField(help_text="The caller may change the cities the course is shown in.")
    tag_url = serializers.URLField(allow_null=True, help_text="Where to do it; null when the caller may not.")
