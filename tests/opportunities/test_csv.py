"""CSV import and export of a city's opportunities: all or nothing, every bad line named, round trips exact."""
import csv
import datetime
import io
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.exception import convert_exception_to_response
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from cities_network_plugin.opportunities import api, csv_io
from cities_network_plugin.opportunities.admin_csv import CsvImportAdminMixin, export_as_csv
from cities_network_plugin.opportunities.models import Opportunity
from cities_network_plugin.tenancy.models import Stakeholder

UTC = datetime.UTC
SKILL = "http://data.europa.eu/esco/skill/abc"


def as_csv(*rows, header=None) -> str:
    """CSV text of dict rows; the header is the union of their keys unless given."""
    header = header or list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def kitchen(city_a):
    return Stakeholder.objects.create(city=city_a, name="Bike Kitchen", kind="community")


@pytest.fixture
def existing(city_a, city_b, kitchen):
    """Two opportunities of Alpha (one also shown in Beta) and one of Beta."""
    repair = api.create_opportunity(city_a, {
        "title": "Bike repair", "kind": "workshop", "status": "published", "organiser": kitchen,
        "start": datetime.datetime(2026, 5, 1, 15, tzinfo=UTC), "end": datetime.datetime(2026, 5, 1, 17, 0, 30,
                                                                                         tzinfo=UTC),
        "place_name": "Bike Kitchen", "address": "Gedimino pr. 1", "latitude": "54.687157", "longitude": "25.279652",
        "skills": [{"uri": SKILL, "label": "repair bicycles; tune gears"}], "language": "lt",
        "description": "Bring your bike,\r\nand \"tools\".\n"}, cities=[city_b])
    # 03:30 on the night summer time ends happens twice in Vilnius; this is the second one.
    night = api.create_opportunity(city_a, {
        "title": "Night walk", "online": False, "start": datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)})
    beta = api.create_opportunity(city_b, {"title": "Beta talk", "kind": "event"})
    return repair, night, beta


@pytest.mark.django_db
def test_a_good_file_creates_every_row_with_its_fields(city_a, city_b, kitchen, network_manager):
    text = as_csv(
        {"title": "Repair café", "kind": "Workshop", "start": "2026-05-01 18:00", "end": "2026-05-02",
         "online": "no", "latitude": "54.1", "longitude": "25.2", "organiser": "bike kitchen", "language": "lt",
         "skills": f"{SKILL}|repair bicycles; {SKILL}x|tune gears", "status": "published", "cities": "beta",
         "url": "https://example.com/cafe"},
        {"title": "Webinar", "kind": "event", "start": "2026-06-02", "online": "yes", "cities": ""},
    )
    result = csv_io.import_opportunities(city_a, "\ufeff" + text, network_manager)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    cafe = Opportunity.objects.get(title="Repair café")
    assert cafe.kind == "workshop" and cafe.status == "published" and not cafe.online
    assert cafe.start == datetime.datetime(2026, 5, 1, 15, tzinfo=UTC)  # 18:00 in Vilnius
    assert cafe.end == datetime.datetime(2026, 5, 1, 21, tzinfo=UTC)  # a bare date is local midnight
    assert cafe.organiser == kitchen and cafe.created_by == network_manager and str(cafe.latitude) == "54.100000"
    assert cafe.skills == [{"uri": SKILL, "label": "repair bicycles"}, {"uri": SKILL + "x", "label": "tune gears"}]
    assert set(cafe.cities.all()) == {city_a, city_b}
    webinar = Opportunity.objects.get(title="Webinar")
    assert webinar.online and webinar.status == "draft" and set(webinar.cities.all()) == {city_a}


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(city_a, existing):
    before = set(Opportunity.objects.values_list("pk", "title", "modified"))
    text = (
        "title,kind,start,end,online,organiser,skills,cities,course_key\n"
        "Fine row,event,2026-05-01,,,,,,\n"                                      # line 2: good on its own
        "Bad dates,event,tomorrow,2026-02-30,maybe,,,,\n"                       # line 3
        "\n"                                                                     # line 4: blank, skipped
        "Wrong refs,party,,,,Nobody,https://example.com/s|x,gamma,\n"           # line 5
        "Backwards,event,2026-05-02,2026-05-01,,,,,\n"                          # line 6
        "Too wide,event,,,,,,,,surplus\n"                                       # line 7
        "Course,course,,,,,,,course-v1:AlphaX+C1+2026\n"                        # line 8
        "Same course,course,,,,,,,course-v1:AlphaX+C1+2026\n"                   # line 9
        ",event,,,,,,,\n"                                                        # line 10: no title
    )
    result = csv_io.import_opportunities(city_a, text, None)
    assert not result.ok and (result.created, result.updated) == (0, 0)
    lines = result.error_lines()
    for expected in (
        "line 3: start: 'tomorrow' is not a date or date and time (use YYYY-MM-DD HH:MM).",
        "line 3: end: '2026-02-30' is not a real date",
        "line 3: online: 'maybe' is not true or false",
        "line 5: kind: 'party' is not a kind; use one of: course, event",
        "line 5: organiser: Alpha has no stakeholder named 'Nobody'",
        "line 5: cities: no city with the slug gamma.",
        "line 6: end: The end comes before the start.",
        "line 7: the row has 10 cells but the header names 9 columns.",
        "line 9: course_key: the same course is already on line 8.",
        "line 10: title: This field cannot be blank.",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert not any(line.startswith(("line 2:", "line 4:", "line 8:")) for line in lines), lines
    assert set(Opportunity.objects.values_list("pk", "title", "modified")) == before


@pytest.mark.django_db
def test_the_domain_rules_are_checked_even_when_every_cell_reads_well(city_a):
    text = as_csv({"title": "Skills", "skills": "https://example.com/skill|welding"},
                  {"title": "Online with address", "online": "true", "address": "Main street 1"})
    result = csv_io.import_opportunities(city_a, text, None)
    assert result.errors == [
        (2, "skills: Skill 1: 'https://example.com/skill' is not an ESCO URI (they start with "
            "http://data.europa.eu/esco/)."),
        (3, "online: An online opportunity has no address or coordinates."),
    ]
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_reports_what_would_happen_and_writes_nothing(city_a, existing):
    repair = existing[0]
    rows = read_csv(csv_io.export_opportunities(city_a))
    rows[0]["title"] = "Bike repair (renamed)"
    rows.append({"title": "Brand new"})
    result = csv_io.import_opportunities(city_a, as_csv(*rows), None, dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert result.summary() == "Dry run: 1 created, 1 updated, 1 unchanged if imported; nothing was saved."
    repair.refresh_from_db()
    assert repair.title == "Bike repair"
    assert not Opportunity.objects.filter(title="Brand new").exists()


@pytest.mark.django_db
def test_export_then_import_changes_nothing_and_an_edit_updates_the_same_row(city_a, city_b, existing):
    repair, night, _beta = existing
    text = csv_io.export_opportunities(city_a)
    rows = read_csv(text)
    assert [r["uuid"] for r in rows] == [str(repair.uuid), str(night.uuid)]
    assert rows[0]["start"] == "2026-05-01 18:00" and rows[0]["end"] == "2026-05-01 20:00:30"
    assert rows[0]["cities"] == "beta" and rows[0]["organiser"] == "Bike Kitchen"
    assert rows[1]["start"] == "2026-10-25 03:30+02:00"  # the ambiguous hour keeps its offset
    before = list(Opportunity.objects.order_by("pk").values())

    result = csv_io.import_opportunities(city_a, text, None)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Opportunity.objects.order_by("pk").values()) == before

    rows[1]["title"] = "Night walk by the river"
    rows[1]["cities"] = "beta"
    result = csv_io.import_opportunities(city_a, as_csv(*rows), None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    night.refresh_from_db()
    assert night.title == "Night walk by the river" and set(night.cities.all()) == {city_a, city_b}
    assert night.start == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert Opportunity.objects.count() == 3


@pytest.mark.django_db
def test_a_column_left_out_leaves_that_field_alone(city_a, city_b, existing):
    repair = existing[0]
    result = csv_io.import_opportunities(city_a, as_csv({"uuid": str(repair.uuid), "title": "Bike repair II"}), None)
    assert (result.updated, result.created) == (1, 0)
    repair.refresh_from_db()
    assert repair.title == "Bike repair II" and repair.organiser is not None and repair.language == "lt"
    assert set(repair.cities.all()) == {city_a, city_b}


@pytest.mark.django_db
def test_another_citys_opportunity_or_an_unknown_uuid_is_refused(city_a, existing):
    beta = existing[2]
    text = as_csv({"uuid": str(beta.uuid), "title": "Taken over"},
                  {"uuid": "00000000-0000-0000-0000-000000000000", "title": "Ghost"},
                  {"uuid": "not-a-uuid", "title": "Typo"})
    result = csv_io.import_opportunities(city_a, text, None)
    assert result.error_lines() == [  # one answer for another city's and for none (ADR 0017)
        f"line 2: uuid: Alpha has no opportunity of its own with the uuid {beta.uuid} (leave it blank to add a new "
        "opportunity).",
        "line 3: uuid: Alpha has no opportunity of its own with the uuid 00000000-0000-0000-0000-000000000000 (leave "
        "it blank to add a new opportunity).",
        "line 4: uuid: 'not-a-uuid' is not an opportunity's uuid (leave it blank to add a new opportunity).",
    ]
    beta.refresh_from_db()
    assert beta.title == "Beta talk" and beta.city.slug == "beta"


@pytest.mark.django_db
def test_the_same_opportunity_twice_or_a_changed_course_is_refused(city_a, existing):
    repair = existing[0]
    text = as_csv({"uuid": str(repair.uuid), "title": "One", "course_key": ""},
                  {"uuid": str(repair.uuid), "title": "Two", "course_key": "course-v1:AlphaX+C1+2026"})
    lines = csv_io.import_opportunities(city_a, text, None).error_lines()
    assert "line 3: uuid: the same opportunity is already on line 2." in lines
    assert ("line 3: course_key: An off-platform opportunity cannot be given a course; add the course as a new "
            "opportunity.") in lines


@pytest.mark.django_db
def test_course_tags_in_studio_are_written_by_the_real_import_only(city_a, city_b):
    course = api.create_opportunity(city_a, {"title": "Bikes 101", "course_key": "course-v1:AlphaX+Bikes+2026"})
    rows = read_csv(csv_io.export_opportunities(city_a))
    rows[0].update(cities="beta", title="Renamed in the sheet")  # the platform owns a course's title
    with mock.patch("cities_network_plugin.opportunities.tagging.write_course_tags") as write_tags:
        assert csv_io.import_opportunities(city_a, as_csv(*rows), None, dry_run=True).updated == 1
        assert write_tags.call_count == 0
        assert csv_io.import_opportunities(city_a, as_csv(*rows), None).updated == 1
    write_tags.assert_called_once_with("course-v1:AlphaX+Bikes+2026", {city_a, city_b})
    course.refresh_from_db()
    assert course.title == "Bikes 101" and set(course.cities.all()) == {city_a, city_b}


@pytest.mark.parametrize("text, message", [
    ("title,colour\nA,red\n", "line 1: Unknown column(s): colour. The columns are: uuid, title, kind"),
    ("kind,start\nevent,2026-01-01\n", "line 1: The header has no 'title' column"),
    ("Bike repair,event\n", "line 1: The first line must be the header naming the columns"),
    ("title,Title\nA,B\n", "line 1: Column(s) named twice: title."),
    ("", "The file is empty."),
    ("\ufeff \r\n", "The file is empty."),
])
@pytest.mark.django_db
def test_a_file_that_cannot_be_read_says_why(city_a, text, message):
    result = csv_io.import_opportunities(city_a, text, None)
    assert len(result.errors) == 1 and result.error_lines()[0].startswith(message), result.error_lines()
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_bytes_that_are_not_utf8_are_refused_with_the_line(city_a):
    data = "title,place_name\nA,Vilnius\nB,Šiauliai\n".encode("cp1257")
    result = csv_io.import_opportunities(city_a, data, None)
    assert result.errors == [(3, "The file is not UTF-8 text (this line holds other bytes). Save it from your "
                                 "spreadsheet as 'CSV UTF-8' and try again.")]
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_utf8_bytes_with_bom_and_semicolons_from_a_european_spreadsheet_import(city_a):
    data = "\ufefftitle;place_name;cities\r\nA;Šiauliai;alpha\r\n".encode()
    result = csv_io.import_opportunities(city_a, io.BytesIO(data), None)
    assert result.ok and result.created == 1
    assert Opportunity.objects.get().place_name == "Šiauliai"


@pytest.mark.django_db
def test_files_over_the_limits_are_refused(city_a, monkeypatch):
    rows = "title\n" + "A\n" * (csv_io.MAX_ROWS + 1)
    assert csv_io.import_opportunities(city_a, rows, None).error_lines() == [
        "The file has more than 5,000 rows; split it into smaller files."]
    monkeypatch.setattr(csv_io, "MAX_ROWS", 3)  # the boundary, without checking 5,000 rows
    assert csv_io.import_opportunities(city_a, "title\n\nA\nB\nC\n", None, dry_run=True).created == 3
    assert not csv_io.import_opportunities(city_a, "title\nA\nB\nC\nD\n", None, dry_run=True).ok
    big = b"title,description\n" + b"A," + b"x" * csv_io.MAX_BYTES + b"\n"
    assert csv_io.import_opportunities(city_a, io.BytesIO(big), None).error_lines() == [
        "The file is larger than 5 MB; split it into smaller files."]
    assert not Opportunity.objects.exists()


# --- Management commands -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_commands_export_and_import_a_file(tmp_path, city_a, existing, admin_a):
    out = io.StringIO()
    call_command("cities_network_export", "alpha", stdout=out)
    assert [r["title"] for r in read_csv(out.getvalue())] == ["Bike repair", "Night walk"]

    path = tmp_path / "alpha.csv"
    call_command("cities_network_export", "alpha", "--output", str(path), stdout=io.StringIO())
    with open(path, encoding="utf-8", newline="") as handle:  # keep the CRLF inside a description
        rows = read_csv(handle.read())
    rows.append({"title": "From the command"})
    path.write_text(as_csv(*rows), encoding="utf-8")

    out = io.StringIO()
    call_command("cities_network_import", "alpha", str(path), "--dry-run", stdout=out)
    assert "Dry run: 1 created, 0 updated, 2 unchanged" in out.getvalue()
    assert not Opportunity.objects.filter(title="From the command").exists()

    out = io.StringIO()
    call_command("cities_network_import", "alpha", str(path), "--user", "admin_a", stdout=out)
    assert "Imported: 1 created, 0 updated, 2 unchanged." in out.getvalue()
    assert Opportunity.objects.get(title="From the command").created_by == admin_a


@pytest.mark.django_db
def test_import_command_prints_each_error_and_fails(tmp_path, city_a):
    path = tmp_path / "bad.csv"
    path.write_text("title,start\nA,tomorrow\nB,2026-01-01\nC,soon\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\) found; nothing was imported."):
        call_command("cities_network_import", "alpha", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 2: start: 'tomorrow' is not a date" in err.getvalue()
    assert "line 4: start: 'soon' is not a date" in err.getvalue()
    assert not Opportunity.objects.exists()
    with pytest.raises(CommandError, match="No city with the slug 'nowhere'"):
        call_command("cities_network_import", "nowhere", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("cities_network_import", "alpha", str(tmp_path / "missing.csv"), stdout=io.StringIO())


# --- Admin ---------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_admin_export_action_exports_the_visible_selection_grouped_by_city(network_manager, admin_a, existing):
    request = RequestFactory().post("/")
    request.user = network_manager
    response = export_as_csv(None, request, Opportunity.objects.all())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="opportunities-cities-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffuuid,title,")
    assert [r["title"] for r in read_csv(text)] == ["Bike repair", "Night walk", "Beta talk"]  # Alpha, then Beta

    request.user = admin_a  # sees Alpha's and what is shown in Alpha; not Beta's own talk
    response = export_as_csv(None, request, Opportunity.objects.all())
    assert 'filename="opportunities-alpha-' in response["Content-Disposition"]
    assert [r["title"] for r in read_csv(response.content.decode())] == ["Bike repair", "Night walk"]


def import_view(user, data=None, csrf_checks=False):
    """Call the mixin's admin URL the way the admin site would."""
    model_admin = type("T", (CsvImportAdminMixin, admin.ModelAdmin), {})(Opportunity, admin.site)
    pattern = next(p for p in model_admin.get_urls() if p.name.endswith("_import_csv"))
    factory = RequestFactory()
    request = factory.post("/import-csv/", data) if data is not None else factory.get("/import-csv/")
    request.user = user
    request._messages = CookieStorage(request)
    request._dont_enforce_csrf_checks = not csrf_checks
    response = convert_exception_to_response(pattern.callback)(request)  # as Django's handler does
    if hasattr(response, "render"):
        response.render()
    return response, request


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("opportunities.csv", text.encode(), content_type="text/csv")


@pytest.mark.django_db
def test_admin_import_page_imports_into_a_city_the_user_works_on(admin_a, city_a, city_b):
    response, _ = import_view(admin_a)
    page = response.content.decode()
    assert response.status_code == 200 and 'name="csrfmiddlewaretoken"' in page
    assert ">Alpha</option>" in page and ">Beta</option>" not in page

    response, _ = import_view(admin_a, {"city": city_a.pk, "file": upload("title\nCafé\n"), "dry_run": "on"})
    assert "Dry run: 1 created, 0 updated, 0 unchanged if imported" in response.content.decode()
    assert not Opportunity.objects.exists()

    response, _ = import_view(admin_a, {"city": city_a.pk, "file": upload("title,start\nCafé\nBad,never\n")})
    page = response.content.decode()
    assert "line 3: start: &#x27;never&#x27; is not a date" in page and not Opportunity.objects.exists()

    response, request = import_view(admin_a, {"city": city_a.pk, "file": upload("title\nCafé\n")})
    assert response.status_code == 302
    assert [str(m) for m in request._messages._queued_messages] == [
        "Alpha: Imported: 1 created, 0 updated, 0 unchanged."]
    assert Opportunity.objects.get().city == city_a


@pytest.mark.django_db
def test_admin_import_is_refused_for_a_city_the_user_does_not_work_on(admin_a, city_a, city_b, make_user):
    response, _ = import_view(admin_a, {"city": city_b.pk, "file": upload("title\nIntruder\n")})
    # Not a choice of the form, as an id of no city is not (ADR 0017): the answer tells neither from the other.
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    staff_without_city = make_user("staff", is_staff=True)
    response, _ = import_view(staff_without_city)
    assert response.status_code == 403
    response, _ = import_view(admin_a, {"city": city_a.pk, "file": upload("title\nForged\n")}, csrf_checks=True)
    assert response.status_code == 403  # an allowed city, but no CSRF token
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_a_city_team_shares_only_with_cities_it_works_for(city_a, city_b, admin_a):
    result = csv_io.import_opportunities(city_a, as_csv({"title": "Shared", "cities": "beta"}), admin_a)
    assert result.errors == [(2, "cities: You may only add or remove cities you work for; Beta is not one.")]
    assert not Opportunity.objects.filter(title="Shared").exists()


@pytest.mark.django_db
def test_formula_cells_are_defused_on_export_and_restored_on_import(city_a, network_manager):
    opportunity = api.create_opportunity(city_a, {"title": "=HYPERLINK(\"http://evil\")", "longitude": "-3.5",
                                                  "latitude": "40.1"})
    text = csv_io.export_opportunities(city_a)
    assert "'=HYPERLINK" in text and ",-3.500000," in text
    result = csv_io.import_opportunities(city_a, text, network_manager)
    assert result.ok and result.unchanged == 1
    opportunity.refresh_from_db()
    assert opportunity.title == '=HYPERLINK("http://evil")'
