"""
Who issues the credentials and with which keys, and the revocation status lists of Open Badges 3.0.

An issuer profile exists for each city that issues badges and one for the network (``city`` empty, slug
``network``). Private keys are stored encrypted with a secret from settings (or kept in files named by
settings) and never served; retired keys stay published so old credentials still verify.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..tenancy.models import City


class IssuerProfile(models.Model):
    """
    The public face of an issuer in Open Badges documents.

    .. no_pii: Organisation contact details only.
    """

    slug = models.SlugField(max_length=64, unique=True, help_text=_("Used in URLs; 'network' for the network."))
    city = models.OneToOneField(City, null=True, blank=True, on_delete=models.CASCADE, related_name="issuer_profile")
    name = models.CharField(max_length=255)
    url = models.URLField(help_text=_("The issuer's website."))
    email = models.EmailField()
    description = models.TextField(blank=True)
    image = models.BinaryField(blank=True, default=b"", editable=False)
    image_type = models.CharField(max_length=32, blank=True, editable=False)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KeyAlgorithm(models.TextChoices):
    """Signature algorithms of VC-JWT (JOSE names)."""

    EDDSA = "EdDSA", _("EdDSA with Ed25519")
    RS256 = "RS256", _("RSASSA-PKCS1-v1_5 with SHA-256")


class KeyStatus(models.TextChoices):
    """Only the active key signs; retired keys only verify."""

    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class SigningKey(models.Model):
    """
    A key pair of an issuer. ``private_key`` holds the PEM encrypted with the setting
    ``CITIES_NETWORK_KEY_ENCRYPTION_SECRET`` — or is empty when ``private_key_file`` names a file instead.

    .. no_pii:
    """

    issuer = models.ForeignKey(IssuerProfile, on_delete=models.CASCADE, related_name="keys")
    kid = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(max_length=8, choices=KeyAlgorithm.choices)
    public_jwk = models.JSONField()
    private_key = models.BinaryField(blank=True, default=b"", editable=False)
    private_key_file = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=8, choices=KeyStatus.choices, default=KeyStatus.ACTIVE, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.issuer.slug} {self.algorithm} {self.kid} ({self.status})"


class StatusList(models.Model):
    """
    A W3C Bitstring Status List of an issuer (purpose: revocation). Each OB 3.0 credential gets an index in
    one list; revoking the award sets its bit. ``size`` is the number of bits (at least 131,072, as the
    specification asks, so that a list does not reveal much about any one learner).

    .. no_pii:
    """

    issuer = models.ForeignKey(IssuerProfile, on_delete=models.CASCADE, related_name="status_lists")
    slug = models.SlugField(max_length=64, unique=True)
    purpose = models.CharField(max_length=16, default="revocation")
    size = models.PositiveIntegerField(default=131072)
    next_index = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class CredentialStatus(models.Model):
    """
    The place of one award in a status list. Positions are handed out at random from the free ones (not in
    order), so neighbours in a list are not neighbours in time.

    .. no_pii:
    """

    award = models.OneToOneField("cities_network_plugin.Award", on_delete=models.CASCADE, related_name="status_entry")
    status_list = models.ForeignKey(StatusList, on_delete=models.CASCADE, related_name="entries")
    index = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status_list", "index"], name="cities_network_one_index_per_list"),
        ]

    def __str__(self) -> str:
        return f"{self.status_list.slug}#{self.index}"
