"""
Translations: the shipped catalogues are complete, compiled and in step with the code, and the learner pages, forms,
domain messages and emails come out in Lithuanian for a reader who asks for it (the Studio console: tests/cms).
"""
import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.emails import send_award_email
from cities_network_plugin.badges.models import Award
from cities_network_plugin.onboarding import api as onboarding_api
from cities_network_plugin.onboarding import notifications
from cities_network_plugin.onboarding.models import OnboardingStage, OnboardingStep, StepStatus
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.tenancy import api as tenancy_api

from tests.badges.conftest import COURSE, send_passing
from tests.conftest import require_service
from tests.host.platform_standin.models import StandinUserPreference

PACKAGE = Path(__file__).resolve().parents[1] / "cities_network_plugin"
LOCALE = PACKAGE / "locale"
LT_PO = LOCALE / "lt" / "LC_MESSAGES" / "django.po"
LT_MO = LOCALE / "lt" / "LC_MESSAGES" / "django.mo"
LT_PLURALS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """LocaleMiddleware leaves the request's language active in the test's thread; later tests expect English."""
    yield
    translation.deactivate()


def lt_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="lt")


# --- The catalogues -----------------------------------------------------------------------------------------------

def read_po(path: Path) -> tuple[dict, list[dict]]:
    """A .po file as (header fields, entries); each entry has ctx, id, plural, strs and flags. Stdlib only."""
    entries, entry, field = [], None, None

    def start():
        return {"ctx": None, "id": None, "plural": None, "strs": {}, "flags": set()}

    entry = start()
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip() or line.startswith("#,") and entry["id"] is not None:
            if entry["id"] is not None:
                entries.append(entry)
                entry = start()
            if not line.strip():
                continue
        if line.startswith("#~"):
            raise AssertionError(f"{path} keeps an obsolete entry: {line}")
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["strs"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword, _space, value = line.partition(" ")
            value = ast.literal_eval(value)
            if keyword == "msgctxt":
                field = "ctx"
            elif keyword == "msgid":
                field = "id"
            elif keyword == "msgid_plural":
                field = "plural"
            elif keyword == "msgstr":
                field = ("strs", 0)
            else:
                field = ("strs", int(re.fullmatch(r"msgstr\[(\d+)\]", keyword).group(1)))
            if isinstance(field, tuple):
                entry["strs"][field[1]] = value
            else:
                entry[field] = value
    header_entry, *messages = entries
    assert header_entry["id"] == "", "the first entry of a catalogue is its header"
    header = dict(line.split(": ", 1) for line in header_entry["strs"][0].splitlines() if line)
    header["flags"] = header_entry["flags"]
    return header, messages


def test_the_lithuanian_catalogue_translates_every_message():
    header, messages = read_po(LT_PO)
    assert "fuzzy" not in header["flags"]
    assert header["Language"] == "lt"
    assert header["Plural-Forms"] == LT_PLURALS
    assert len(messages) > 800  # every user-facing string of the plugin
    for message in messages:
        assert "fuzzy" not in message["flags"], f"fuzzy: {message['id']!r}"
        expected = 3 if message["plural"] is not None else 1
        assert sorted(message["strs"]) == list(range(expected)), message["id"]
        assert all(text.strip() for text in message["strs"].values()), f"untranslated: {message['id']!r}"
        if "python-format" in message["flags"]:
            wanted = set(re.findall(r"%\((\w+)\)", message["id"] + (message["plural"] or "")))
            for text in message["strs"].values():
                assert set(re.findall(r"%\((\w+)\)", text)) <= wanted, f"placeholders of {message['id']!r}"


def test_the_compiled_catalogue_is_the_catalogue():
    """The shipped .mo holds exactly what the .po says: nobody forgot to compile after translating."""
    _header, messages = read_po(LT_PO)
    with LT_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = dict(compiled._catalog)  # noqa: SLF001 - the stdlib keeps the parsed .mo here
    catalog.pop("", None)  # the header
    expected = {}
    for message in messages:
        key = f"{message['ctx']}\x04{message['id']}" if message["ctx"] is not None else message["id"]
        if message["plural"] is not None:
            expected.update({(key, n): text for n, text in message["strs"].items()})
        else:
            expected[key] = message["strs"][0]
    assert catalog == expected
    assert compiled.info()["plural-forms"] == LT_PLURALS
    # The compiled plural rule is Lithuanian's: 1, 21 / 2-9, 22 / 0, 10-20, 30.
    assert [compiled.ngettext("%(counter)s item", "%(counter)s items", n) % {"counter": n}
            for n in (1, 21, 2, 9, 22, 0, 11, 15, 30)] == [
        "1 elementas", "21 elementas", "2 elementai", "9 elementai", "22 elementai", "0 elementų", "11 elementų",
        "15 elementų", "30 elementų"]


def test_the_catalogues_are_in_step_with_the_code(tmp_path):
    """Extracting the messages again finds exactly the catalogue's: no string was added without a translation."""
    require_service(shutil.which("xgettext") is not None and shutil.which("msgmerge") is not None,
                    "GNU gettext (xgettext, msgmerge) is not installed; scripts/system_deps.sh installs it")
    copy = tmp_path / "cities_network_plugin"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.pyc"))
    (copy / "locale").mkdir()
    # As `make translations` runs it: without the test host's settings.
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "lt", "--add-location", "file",
                    "--no-obsolete", "--ignore", "migrations/*", "--ignore", "__pycache__/*"],
                   cwd=copy, env=environment, check=True, capture_output=True)

    def keys(path):
        return {(m["ctx"], m["id"], m["plural"]) for m in read_po(path)[1]}

    extracted, shipped = keys(copy / "locale" / "lt" / "LC_MESSAGES" / "django.po"), keys(LT_PO)
    assert extracted - shipped == set(), "new messages: run `make translations` and translate them"
    assert shipped - extracted == set(), "messages the code no longer has: run `make translations`"


def test_open_edx_names_lithuanian_lt_lt_and_finds_the_same_catalogue():
    with translation.override("lt-lt"):
        assert translation.gettext("My badges") == "Mano ženkleliai"


def test_catalogue_texts_are_shown_translated_until_a_network_manager_edits_them(db):
    step = OnboardingStep.objects.get(key="core-team")
    with translation.override("lt"):
        assert step.shown_title == "Suburti pagrindinę komandą"
        assert step.stage.shown_title == "Savo tinklo kūrimas"
        step.title = "Build the team"
        assert step.shown_title == "Build the team"  # an edited text is shown as written
    assert OnboardingStep.objects.get(key="core-team").shown_title == "Form a core team"


# --- Learner pages, forms and messages ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_join_form_in_lithuanian():
    page = lt_client().get("/cities-network/join/").content.decode()
    assert '<html lang="lt">' in page
    assert "Prisijunkite prie Mokymosi miestų tinklo" in page
    assert "Jūsų organizacija" in page and "Dvi raidės, pvz., LT – Lietuva, NL – Nyderlandai." in page
    assert "Siųsti" in page
    assert "Join the Cities of Learning Network" not in page and "Your organisation" not in page


@pytest.mark.django_db
def test_form_errors_in_lithuanian(city_a):
    response = lt_client().post("/cities-network/join/", {
        "city_name": "Tartu", "country": "EE", "organisation": "Lab", "contact_name": "Kadri",
        "contact_email": "kadri", "timezone": "Moon/Base", "vision": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "„Moon/Base“ nėra žinoma laiko juosta" in page  # the plugin's own validator
    assert "Šis laukas yra privalomas." in page and "Įveskite tinkamą el. pašto adresą." in page  # Django's
    assert "not a known time zone" not in page and "This field is required." not in page
    response = lt_client().post("/cities-network/join/", {
        "city_name": "alpha", "country": "LT", "organisation": "Lab", "contact_name": "Rūta",
        "contact_email": "ruta@example.com", "vision": "Mokymasis visiems."})
    assert "Miestas Alpha tinklui jau žinomas." in response.content.decode()


@pytest.mark.django_db
def test_the_city_page_in_lithuanian(city_a):
    opportunities_api.create_opportunity(city_a, {"title": "Robotų būrelis", "kind": "workshop",
                                                  "status": "published", "online": True})
    page = lt_client().get("/cities-network/c/alpha/").content.decode()
    assert "<h1>Mokymasis: Alpha</h1>" in page
    assert "Ieškoti galimybių" in page and "Rodyti galimybes" in page and "Bet kokia rūšis" in page
    assert "1 galimybė" in page and "Dirbtuvės" in page and "Internetu" in page
    assert "Learning in Alpha" not in page and "Find opportunities" not in page and "Workshop" not in page
    page = lt_client().get("/cities-network/c/alpha/?date_from=soon").content.decode()
    assert "Data „nuo“ nėra data; naudokite formatą MMMM-MM-DD." in page


@pytest.fixture
def award(city_a, learner, django_capture_on_commit_callbacks):
    badges_api.create_class(city_a, {
        "name": "Dviračių meistras", "description": "Taiso dviračius.", "criteria_narrative": "Išlaikyti kursą.",
        "status": "active", "groups": [{"requirements": [{"kind": "course_passed", "target": COURSE}]}]})
    with django_capture_on_commit_callbacks(execute=True):  # the award runs after commit, as on the platform
        send_passing(learner)
    return Award.objects.get(user=learner)


@pytest.mark.django_db
def test_the_wallet_in_lithuanian(learner, award):
    client = lt_client()
    client.force_login(learner)
    page = client.get("/cities-network/badges/").content.decode()
    assert "<h1>Mano ženkleliai</h1>" in page
    assert "Išdavė Alpha, " in page and "Galioja" in page and "Pridėti prie „LinkedIn“" in page
    issued = award.issued_at
    assert f"{issued:%Y} m. " in page and f" {issued.day} d." in page  # a Lithuanian date: 2026 m. lapkričio 5 d.
    assert "My badges" not in page and "Issued by" not in page and "Add to LinkedIn" not in page


@pytest.mark.django_db
def test_the_public_award_page_in_lithuanian(award):
    page = lt_client().get(f"/cities-network/badges/{award.uuid}/").content.decode()
    assert "Šis ženklelis galioja." in page and "Ką jis liudija" in page and "Kaip jį gauti" in page
    assert "Patikrinkite jį bet kuria „Open Badges“ tikrinimo priemone" in page
    assert "This badge is valid." not in page and "What it certifies" not in page


@pytest.mark.django_db
def test_a_domain_message_in_lithuanian(learner):
    client = lt_client()
    client.force_login(learner)
    response = client.post("/cities-network/claim/NOSUCHCODE/")
    assert response.status_code == 400
    assert "Toks kodas nežinomas. Pasitikrinkite jį pas organizatorių." in response.content.decode()
    with translation.override("lt"), pytest.raises(tenancy_api.ValidationError) as raised:
        tenancy_api.find_user("nobody")
    assert raised.value.messages == [
        "„nobody“ neatitinka vienos paskyros. Pasitikslinkite pas asmenį arba nurodykite jo naudotojo vardą."]
    with translation.override("en"), pytest.raises(tenancy_api.ValidationError) as raised:
        tenancy_api.find_user("nobody")
    assert raised.value.messages == [
        "'nobody' does not name one account. Check it with the person, or give their username."]  # English stays


# --- Emails -------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def prefer(user, language: str) -> None:
    """The learner chose ``language`` on the platform (the stand-in of its ``pref-lang`` preference)."""
    StandinUserPreference.objects.update_or_create(user=user, key="pref-lang", defaults={"value": language})


def test_the_badge_email_in_lithuanian(award):
    prefer(award.user, "lt")
    mail.outbox.clear()
    send_award_email(award.pk)  # in a worker, whose language is the site's (English)
    message = mail.outbox[0]
    assert message.subject == "Jūs gavote ženklelį „Dviračių meistras“"
    assert "Sveikiname! Alpha suteikė jums ženklelį „Dviračių meistras“." in message.body
    assert "Šį ženklelį bet kas gali patikrinti čia:" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="lt">' in html and "Peržiūrėti visus savo ženklelius" in html
    assert "Congratulations" not in message.body + html


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", [None, "xx", "en"], ids=["no choice", "a language the site lacks", "English"])
def test_the_badge_email_is_in_the_sites_language_otherwise_whatever_the_workers(award, chosen):
    if chosen:
        prefer(award.user, chosen)
    mail.outbox.clear()
    with translation.override("lt"):  # a worker left in another language by an earlier task
        send_award_email(award.pk)
    assert mail.outbox[0].subject == 'You earned the badge "Dviračių meistras"'


@pytest.mark.django_db
def test_the_stage_email_in_lithuanian(city_b, admin_b, network_manager):
    prefer(admin_b, "lt-lt")  # a regional variant: the site's Lithuanian
    onboarding_api.refresh_summary(city_b)
    for key in ("express-interest", "introductory-meeting"):
        onboarding_api.update_step(city_b, key, user=admin_b, status=StepStatus.DONE, reason="Susitikome")
    mail.outbox.clear()
    stage = OnboardingStage.objects.get(number=2)
    notifications.send("stage_reached", city_b.pk, stage.pk, 1)
    # One email per language: the city admin's in Lithuanian; the network manager's and the contact address's
    # (no choice, no account) in the site's English.
    assert len(mail.outbox) == 2
    english = next(m for m in mail.outbox if admin_b.email not in m.to)
    assert sorted(english.to) == sorted([network_manager.email, settings.CITIES_NETWORK_CONTACT_EMAIL])
    assert english.subject == "Beta is now at stage 2: Planning and preparation"
    message = next(m for m in mail.outbox if admin_b.email in m.to)
    assert message.to == [admin_b.email]
    assert message.subject == "Beta dabar yra 2 etape: Planavimas ir pasirengimas"
    assert "Poreikių vertinimas" in message.body  # a next step, from the catalogue
    assert "Tolesni žingsniai:" in message.body and "Pažanga: įvykdyta reikalavimų" in message.body
    assert "<strong>Planavimas ir pasirengimas</strong>" in message.alternatives[0][0]
    assert "Planning and preparation" not in message.body and "Next steps" not in message.body


@pytest.mark.django_db
def test_a_failing_preference_store_still_sends_the_email_in_the_sites_language(award, monkeypatch, caplog):
    from cities_network_plugin import compat

    def broken(user):
        raise RuntimeError("the preference service is down")

    monkeypatch.setattr(compat, "user_language", broken)
    mail.outbox.clear()
    send_award_email(award.pk)
    assert mail.outbox[0].subject == 'You earned the badge "Dviračių meistras"'
    assert f"the language of user {award.user.pk} could not be read" in caplog.text
