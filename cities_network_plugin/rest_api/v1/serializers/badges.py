"""Serializers of the badge endpoints. Requirements are written as groups, checked by ``badges.api``."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from ....badges import api as badges_api
from ....badges.api import MAX_EXPIRY_DAYS
from ....badges.models import Award, BadgeClass, BadgeProgress, BadgeStatus, ExpiryRule


class RequirementGroupsField(serializers.ListField):
    """Groups of requirements: written as plain data (checked by ``badges.api``), read from the database."""

    child = serializers.DictField()

    def to_representation(self, data):
        from ....badges.api import requirements_data  # pylint: disable=import-outside-toplevel

        return requirements_data(data.instance)


class BadgeClassSerializer(serializers.ModelSerializer):
    """
    A badge class. ``groups``: ``[{"name": "", "min_required": 1, "requirements": [{"kind": "course_passed",
    "target": "course-v1:Org+Course+Run", "certificate_modes": []}]}]``. The image is uploaded separately.
    """

    issuer = serializers.SlugRelatedField(source="issuer_city", slug_field="slug", read_only=True)
    groups = RequirementGroupsField(required=False)
    status = serializers.ChoiceField(choices=BadgeStatus.choices, required=False)
    expiry_rule = serializers.ChoiceField(choices=ExpiryRule.choices, required=False)
    # Declared, not derived from the model: the model's range comes from the database (none on SQLite, MariaDB's
    # own), and the domain's rule (badges.api.MAX_EXPIRY_DAYS) is the same on both.
    expires_after_days = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                  max_value=MAX_EXPIRY_DAYS)
    alignments = serializers.ListField(child=serializers.DictField(), required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    previous_version = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    image_url = serializers.SerializerMethodField()
    locked = serializers.SerializerMethodField()

    class Meta:
        model = BadgeClass
        fields = ["uuid", "issuer", "name", "description", "criteria_narrative", "alignments", "tags", "expiry_rule",
                  "expires_on", "expires_after_days", "status", "allow_reearning", "revoke_when_certificate_revoked",
                  "revoke_when_passing_lost", "version", "previous_version", "image_url", "image_type", "locked",
                  "groups", "created", "modified"]
        read_only_fields = ["uuid", "version", "image_type", "created", "modified"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        body = self.initial_data if isinstance(self.initial_data, dict) else {}
        if self.instance is not None and "issuer" in body:
            self._check_issuer(body["issuer"])
        return attrs

    def _check_issuer(self, given) -> None:
        """
        ``issuer`` is read-only: the issuer is the city in the address. A change that names it again (the answer sent
        back) is taken; one that names another issuer is refused rather than ignored, with the domain's reason for a
        class that has awards (``badges.api.check_issuer``: credentials already issued name its issuer).
        """
        if given == self.instance.issuer_city.slug:  # a class under a city's address is the city's
            return
        try:
            badges_api.check_issuer(self.instance, None)  # None, the network, is another issuer than the city
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"issuer": exc.message_dict["issuer_city"]}) from exc
        raise serializers.ValidationError({"issuer": [_(
            "The API does not move a badge class to another issuer; a network manager can, in the Django admin, "
            "while nobody holds it.")]})

    def get_image_url(self, badge_class) -> str | None:
        if not badge_class.image_type:
            return None
        return f"/cities-network/ob/v2/badges/{badge_class.uuid}/image"

    def get_locked(self, badge_class) -> bool:
        return badge_class.awards.exists()


class AwardSerializer(serializers.ModelSerializer):
    """An award as the city team sees it."""

    badge_class = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    badge_name = serializers.CharField(source="badge_class.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    awarded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Award
        fields = ["uuid", "badge_class", "badge_name", "username", "attempt", "issued_at", "expires_at", "revoked",
                  "revoked_at", "revocation_reason", "evidence", "awarded_by"]


class ManualAwardSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Award a badge by hand: the learner (username or email) and what they did."""

    user = serializers.CharField(help_text="Username or email address of the learner.")
    evidence = serializers.CharField(max_length=5000, help_text="What the learner did to earn the badge.")


class RevokeSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Why the badge is taken back; learners and verifiers will see it."""

    reason = serializers.CharField(max_length=500)


class ImageUploadSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A PNG or SVG image, square, at most 256 KiB."""

    image = serializers.FileField()


class ProgressSerializer(serializers.ModelSerializer):
    """A learner's progress towards a badge ("2 of 3")."""

    badge_class = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    badge_name = serializers.CharField(source="badge_class.name", read_only=True)

    class Meta:
        model = BadgeProgress
        fields = ["badge_class", "badge_name", "groups_met", "groups_total", "requirements_met",
                  "requirements_total", "detail", "updated_at"]


class MyAwardSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One of the caller's awards (``badges.presentation.AwardView``) with its Open Badges documents."""

    uuid = serializers.UUIDField(source="award.uuid")
    badge_class = serializers.UUIDField(source="award.badge_class.uuid")
    badge_name = serializers.CharField(source="award.badge_class.name")
    issuer = serializers.CharField()
    issued_at = serializers.DateTimeField(source="award.issued_at")
    expires_at = serializers.DateTimeField(source="award.expires_at", allow_null=True)
    status = serializers.ChoiceField(choices=["valid", "expired", "revoked"])
    revocation_reason = serializers.CharField(source="award.revocation_reason")
    image_url = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    assertion_url = serializers.SerializerMethodField(help_text="Open Badges 2.0 hosted assertion.")
    credential_url = serializers.SerializerMethodField(help_text="Open Badges 3.0 credential (VC-JWT).")

    def _absolute(self, view, path) -> str | None:
        return view.absolute(path, self.context.get("request"))

    def get_image_url(self, view) -> str | None:
        return self._absolute(view, view.image_path)

    def get_public_url(self, view) -> str:
        return self._absolute(view, view.public_path)

    def get_assertion_url(self, view) -> str:
        return self._absolute(view, view.assertion_path)

    def get_credential_url(self, view) -> str:
        return self._absolute(view, view.credential_path)
