"""
The public "express interest" form at ``/cities-network/join/``: a city asks to join the network.

It creates a prospective city with the first onboarding step done (the applicant's introduction as its
evidence) and tells the network managers. Validated, CSRF-protected and rate-limited per client address.
"""
import django
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from ..onboarding import api as onboarding_api
from ..onboarding.notifications import join_requested
from ..tenancy.models import COUNTRY_VALIDATOR, City, CityStatus, validate_timezone
from .frame import render_page
from .ratelimit import is_limited

# Django 5 asks forms to say which scheme a bare "example.org" gets; Django 4.2 has no such option.
URL_FIELD_OPTIONS = {"assume_scheme": "https"} if django.VERSION >= (5, 0) else {}


class JoinForm(forms.Form):
    """What the network needs to hear from a city that wants to join."""

    city_name = forms.CharField(label=_("City"), max_length=128)
    country = forms.CharField(
        label=_("Country code"), max_length=2, min_length=2,
        help_text=_("Two letters, for example LT for Lithuania or NL for the Netherlands."),
    )
    organisation = forms.CharField(label=_("Your organisation"), max_length=255)
    contact_name = forms.CharField(label=_("Your name"), max_length=128)
    contact_email = forms.EmailField(label=_("Your email address"))
    website = forms.URLField(label=_("Website (optional)"), required=False, **URL_FIELD_OPTIONS)
    timezone = forms.CharField(label=_("Time zone (optional)"), required=False, max_length=64,
                               help_text=_("For example Europe/Vilnius."))
    vision = forms.CharField(
        label=_("Your vision"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000,
        help_text=_("A few sentences: who you are and what a City of Learning would do for your city."),
    )
    # A field people never see; forms that fill it in are from robots.
    nickname = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def clean_country(self):
        country = self.cleaned_data["country"].upper()
        COUNTRY_VALIDATOR(country)
        return country

    def clean_timezone(self):
        value = self.cleaned_data.get("timezone", "").strip()
        if value:
            validate_timezone(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("nickname"):
            raise forms.ValidationError(_("This form could not be sent."))
        name, country = data.get("city_name"), data.get("country")
        known = City.objects.filter(name__iexact=(name or "").strip(), country=country).first() if country else None
        if known is not None:
            raise forms.ValidationError(
                _("%(city)s is already known to the network. Write to %(email)s and the team will help you."),
                params={"city": known.name, "email": settings.CITIES_NETWORK_CONTACT_EMAIL},
            )
        return data


def _unique_slug(name: str) -> str:
    base = slugify(name)[:56] or "city"
    slug, number = base, 2
    while City.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_prospect(data: dict) -> City:
    """Create the prospective city and complete its first step, in one transaction."""
    with transaction.atomic():
        city = City.objects.create(
            slug=_unique_slug(data["city_name"]), name=data["city_name"].strip(), country=data["country"],
            status=CityStatus.PROSPECT, timezone=data.get("timezone") or "Europe/Brussels",
            contact_name=data["contact_name"], contact_email=data["contact_email"], website=data.get("website", ""),
        )
        note = f"{data['organisation']} — {data['contact_name']} <{data['contact_email']}>\n\n{data['vision']}"
        onboarding_api.record_join_request(city, note)
        join_requested(city)
    return city


@csrf_protect
@require_http_methods(["GET", "POST"])
def join(request):
    """Show the form; on a valid POST create the prospective city and thank the applicant."""
    if request.method == "POST":
        if is_limited(request, "join", settings.CITIES_NETWORK_JOIN_RATE_LIMIT):
            form = JoinForm(request.POST)
            form.is_valid()
            return render_page(request, "cities_network_plugin/join.html", {
                "form": form,
                "limited": True,
            }, status=429)
        form = JoinForm(request.POST)
        if form.is_valid():
            city = create_prospect(form.cleaned_data)
            return render_page(request, "cities_network_plugin/join_thanks.html", {"city": city})
        return render_page(request, "cities_network_plugin/join.html", {"form": form}, status=400)
    return render_page(request, "cities_network_plugin/join.html", {"form": JoinForm()})
