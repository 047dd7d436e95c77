"""The city console in Studio for a team that reads Lithuanian: pages, the journey's texts, form errors, messages."""
import pytest
from django.test import Client
from django.utils import translation

from cities_network_plugin.opportunities.models import Opportunity

from .console_data import badge, errors_of, opportunity, url

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

EVENT = {"title": "Dviračių taisymo vakaras", "kind": "workshop", "status": "published", "start": "2026-05-02T18:00",
         "end": "2026-05-01T10:00", "place_name": "Alfa biblioteka", "latitude": "54.687157", "longitude": ""}


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """LocaleMiddleware leaves the request's language active in the test's thread; later tests expect English."""
    yield
    translation.deactivate()


@pytest.fixture
def lt_admin(admin_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="lt")
    client.force_login(admin_a)
    return client


def test_the_dashboard_in_lithuanian(lt_admin, city_a):
    opportunity(city_a)
    badge(city_a)
    page = lt_admin.get(url("console-dashboard", "alpha")).content.decode()
    assert '<html lang="lt">' in page
    assert "<title>Apžvalga · Alpha · Studio</title>" in page and "Suinteresuotosios šalys" in page  # the frame
    assert "Prisijungimo prie tinklo kontrolinis sąrašas" in page and "Tolesni žingsniai" in page
    # The shipped journey's stages and steps, and their evidence, in Lithuanian too.
    assert "1. Pirmoji pažintis" in page and "Pareikšti susidomėjimą" in page and "Planavimas ir pasirengimas" in page
    assert "Pirmojo kontakto data ir kanalas bei išsiųstas prisistatymas." in page
    assert "Per paskutinius 12 mėnesių suteikta 0 ženklelių." in page and "Gauti ženklelį iš miesto komandos" in page
    for english in ("Onboarding checklist", "Next steps to take", "Initial engagement", "Express interest",
                    "Dashboard", "badges awarded in the last 12 months", "Be awarded the badge by the city team"):
        assert english not in page


def test_a_step_page_in_lithuanian(lt_admin, city_a):
    page = lt_admin.get(url("console-step", "alpha", "core-team")).content.decode()
    assert "<h1>Suburti pagrindinę komandą</h1>" in page and "4 etapas: Savo tinklo kūrimas" in page
    assert "Šis žingsnis pažymimas atliktu automatiškai pagal miesto duomenis." in page
    assert "Form a core team" not in page and "Building your network" not in page


def test_form_errors_in_lithuanian(lt_admin, city_a):
    response = lt_admin.post(url("console-opportunity-new", "alpha"), EVENT)
    assert response.status_code == 400
    assert errors_of(response, "id_end") == ["Pabaiga yra anksčiau už pradžią."]  # from the domain
    assert errors_of(response, "id_latitude") == ["Nurodykite ir platumą, ir ilgumą arba nė vienos."]
    assert "Niekas neišsaugota: pataisykite toliau pažymėtus laukus." in response.content.decode()
    response = lt_admin.post(url("console-opportunity-new", "alpha"), {**EVENT, "title": "", "url": "ne nuoroda"})
    assert errors_of(response, "id_title") == ["Šis laukas yra privalomas."]  # Django's own catalogue
    assert errors_of(response, "id_url") == ["Įveskite tinkamą URL adresą."]
    assert not Opportunity.objects.exists()


def test_success_messages_in_lithuanian(lt_admin, city_a):
    response = lt_admin.post(url("console-stakeholders", "alpha"),
                             {"name": "Alfa biblioteka", "kind": "community", "engagement": "engaged"}, follow=True)
    page = response.content.decode()
    assert "Suinteresuotoji šalis „Alfa biblioteka“ pridėta." in page
    assert "Bendruomenės organizacija" in page and "Įsitraukusi" in page  # the choices' labels
    response = lt_admin.post(url("console-team", "alpha"), {"user": "nobody@example.com", "role": "core_team"})
    assert errors_of(response, "id_user") == [
        "„nobody@example.com“ neatitinka vienos paskyros. Pasitikslinkite pas asmenį arba nurodykite jo naudotojo "
        "vardą."]
