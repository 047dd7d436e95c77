"""
The reference matrix: city Alpha's admin names, in every field of every write path that names another object,
an object of city Beta or of the network, and is refused with nothing written; and nothing private of Beta appears
on any of Alpha's pages. The access matrix (``test_access_matrix``) tries Beta's objects in URLs; this one tries
them inside requests — ids in admin forms and their ``?field=`` initial values, raw-id labels and autocomplete,
uuids in API bodies, requirement targets of each kind, organisers, playlist items, attendance, team roles,
course keys of Beta's organisations, the issuer of a badge class (empty: the network), CSV cells.

Nothing here is listed by hand that the code can tell: the fields come from the models (``references``), the
write paths from the API's OpenAPI schema, the ModelAdmins' forms, the console's form classes and the CSV columns
(``reference_paths``), the targets from the data (``reference_world``). A field no table knows fails
``test_every_reference_of_every_write_path_is_in_the_matrix``, so the matrix grows with the models.

Each case runs in a savepoint that is rolled back, and has a control: the same request with Alpha's own object
must be accepted, so that a refusal means the value was refused, not the request. An attack must write nothing
(no record of the plugin changes), answer no success, show no private text of Beta (``BETA-PRIVATE`` and the
addresses of its people) nor the label of a private target, never answer 500, and — for a private target (a
draft, a stakeholder, a prospect city) — read exactly as the refusal of a value that names nothing, so that the
answer is no oracle of what exists elsewhere. Accounts belong to no city: naming one of Beta's learners is not
refused (a city adds any person to its team or its events), but the answer must not disclose their address, and
nothing of Beta may change.
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from cities_network_plugin.badges.models import Requirement, RequirementGroup, RequirementKind
from cities_network_plugin.opportunities import csv_io
from cities_network_plugin.opportunities.models import Opportunity

from . import reference_paths, references
from .reference_judge import api_success, attempt, page_success, report, try_exposure
from .reference_paths import (
    API_MANAGERS_ONLY,
    CONSOLE_NO_FORM,
    CONSOLE_POSTS,
    REQUIREMENT_TARGETS,
    admin_exposures,
    admin_site_models,
    api_exposures,
    console_exposures,
    csv_exposures,
    form_data,
    schema_document,
)
from .reference_world import (
    World,
    body_of,
    build_world,
    encode,
    leaks,
    targets,
)
from .references import APP, NOT_EXPOSED, check_catalogue, city_path, owned_by
from .test_access_matrix import ADMIN_OBJECTS, NETWORK_MODELS, Beta, expand, kind_of, routes

pytestmark = pytest.mark.django_db
ADMIN = f"/admin/{APP}"


@pytest.fixture
def world(city_a, admin_a, city_b, admin_b, make_user) -> World:
    return build_world(city_a, admin_a, city_b, admin_b, make_user)


@pytest.fixture
def client_a(admin_a) -> Client:
    client = Client()
    client.force_login(admin_a)
    return client


def catalogue() -> dict:
    return {reference.key: reference for reference in references.references()}


def admin_objects(world: World) -> dict:
    return {name: rule(world.alpha) for name, rule in ADMIN_OBJECTS.items() if rule is not None}


def request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# --- Coverage -------------------------------------------------------------------------------------------------

def test_every_reference_of_every_write_path_is_in_the_matrix(world, admin_a):
    """Every reference field is catalogued, and either tried through a write path or said to be written elsewhere."""
    problems = check_catalogue()
    exposures = [exposure for _operation, exposure in api_exposures(schema_document(), problems)]
    exposures += console_exposures(problems)
    exposures += [found[-1] for found in admin_exposures(request_of(admin_a), admin_objects(world), catalogue(),
                                                         problems)]
    exposures += csv_exposures(problems)
    known = catalogue()
    written = {exposure.writes for exposure in exposures if exposure.writes}
    problems += [f"a write path writes {name}, which the catalogue does not know" for name in sorted(written)
                 if tuple(name.split(".")) not in known]
    for reference in known.values():
        if str(reference) not in written and reference.key not in NOT_EXPOSED:
            problems.append(f"{reference} is written by no path the matrix tries: if a person writes it, the path's "
                            f"table should name it; if not, say who does in NOT_EXPOSED")
        elif str(reference) in written and reference.key in NOT_EXPOSED:
            problems.append(f"{reference} is tried through a write path, yet NOT_EXPOSED says nobody writes it there")
    pages = {route.name for route in routes() if route.name.startswith("console-")}
    posted = {post.url or page for page, post in CONSOLE_POSTS.items()}
    problems += [f"console page {name} is in neither CONSOLE_POSTS nor CONSOLE_NO_FORM"
                 for name in sorted(pages - posted - CONSOLE_NO_FORM)]
    problems += [f"console page {name} is in a table but not in the URLs" for name in sorted((posted | CONSOLE_NO_FORM)
                                                                                              - pages)]
    problems += [f"requirement kind {kind} is not in REQUIREMENT_TARGETS" for kind in RequirementKind.values
                 if kind not in REQUIREMENT_TARGETS]
    assert not problems, "\n".join(problems)
    assert len({e.path for e in exposures}) == 4 and len(exposures) > 40


@pytest.mark.parametrize("table, key, expected", [
    (references.TEXT_REFERENCES, ("Opportunity", "course_key"), "Opportunity.course_key (CharField) is unknown"),
    (references.PLAIN, "ClaimCode", "model ClaimCode is not in PLAIN"),
    (reference_paths.API_PLAIN, "Opportunity", "API body Opportunity.title is unknown"),
    (reference_paths.CONSOLE_PLAIN, "PlaylistItemForm", "console PlaylistItemForm.order (IntegerField) is unknown"),
    (reference_paths.CONSOLE_FIELDS, "TeamMemberForm", "console TeamMemberForm.user (CharField) is unknown"),
])
def test_a_field_the_tables_do_not_know_fails_the_coverage(monkeypatch, table, key, expected):
    """Forgetting a field (as a field added to a model, a serializer or a form is forgotten) is reported by name."""
    monkeypatch.delitem(table, key)
    problems = references.check_catalogue()
    reference_paths.api_exposures(reference_paths.schema_document(), problems)
    reference_paths.console_exposures(problems)
    assert any(expected in problem for problem in problems), problems


# --- The REST API -----------------------------------------------------------------------------------------------

API_BASES = {  # bodies that are not a resource read back from the API
    "TeamMemberWrite": {"role": "core_team"}, "ManualAward": {"evidence": "Helped at the repair café."},
    "RecordAttendance": {}, "AttendanceCsv": {}, "OrganizationWrite": {"name": ""},
    "CommunityCall": {"title": "Network call", "held_on": "2026-03-01"},
}
API_NESTED = {"items": {"mandatory": True}}  # the rest of a nested row (a playlist item)
# Fields a change refuses whatever they name (an opportunity's course is given when it is made, ADR 0017): the
# control of a PUT or PATCH is the value the record holds, which must be taken; every other value is refused.
API_UNCHANGEABLE = {("Opportunity", "course_key")}
API_PATH_OBJECTS = {  # (segment before a path parameter, segment after it or "*") -> Alpha's object
    ("cities", "*"): lambda a: a["city"].slug, ("opportunities", ""): lambda a: a["draft"].uuid,
    ("opportunities", "*"): lambda a: a["published"].uuid, ("badges", "awards"): lambda a: a["badge"].uuid,
    ("badges", "*"): lambda a: a["draft_badge"].uuid, ("playlists", "*"): lambda a: a["draft_playlist"].uuid,
    ("awards", "*"): lambda a: a["award"].uuid, ("stakeholders", "*"): lambda a: a["stakeholder"].pk,
    ("webhooks", "*"): lambda a: a["webhook"].pk, ("community-calls", "*"): lambda a: a["call"].pk,
    ("onboarding", "*"): lambda a: "express-interest", ("team", "*"): lambda a: a["admin"].username,
    ("organizations", "*"): lambda a: "AlphaX", ("deliveries", "*"): lambda a: a["delivery"].pk,
}


def alpha_api_path(template: str, alpha: dict) -> str:
    parts = template.split("/")
    for index, part in enumerate(parts):
        if part.startswith("{"):
            after = parts[index + 1] if index + 1 < len(parts) else ""
            rule = API_PATH_OBJECTS.get((parts[index - 1], after)) or API_PATH_OBJECTS.get((parts[index - 1], "*"))
            if rule is None:
                raise LookupError(f"no Alpha object for {part} in {template}: add a rule to API_PATH_OBJECTS")
            parts[index] = str(rule(alpha))
    return "/".join(parts)


def api_base(client, operation, path: str, schema: dict, alpha: dict) -> dict:
    """A valid body of the operation: empty for PATCH, the table's, or Alpha's own resource as the API reads it."""
    if operation.method == "patch":
        return {}
    if operation.component in API_BASES:
        return dict(API_BASES[operation.component])
    detail = path
    if operation.method == "post":
        templates = [operation.path + suffix for suffix in ("{uuid}/", "{id}/") if operation.path + suffix in
                     schema["paths"]]
        detail = alpha_api_path(templates[0], alpha)
    writable = set(schema["components"]["schemas"][operation.schema].get("properties", {}))
    current = client.get(detail).json()
    return {name: value for name, value in current.items() if name in writable}


def api_send(client, operation, path: str, base: dict, field: str, value):
    if operation.media == "multipart":  # the attendance import: a CSV with a user column
        upload = SimpleUploadedFile("attendance.csv", f"user\n{value}\n".encode(), "text/csv")
        return client.post(path, {"file": upload, "dry_run": "false"})
    payload = dict(base)
    if "[]." in field:
        outer, inner = field.split("[].", 1)
        payload[outer] = [{**API_NESTED.get(outer, {}), inner: value}]
    else:
        payload[field] = value
    return client.generic(operation.method.upper(), path, json.dumps(payload), content_type="application/json")


def test_api_refuses_references_to_beta_and_the_network(world, client_a):
    schema, problems, tried = schema_document(), [], Counter()
    for operation, exposure in api_exposures(schema, problems):
        path = alpha_api_path(operation.path, world.alpha)
        base = api_base(client_a, operation, path, schema, world.alpha)

        def send(value, operation=operation, path=path, base=base, field=exposure.field):
            return api_send(client_a, operation, path, base, field, value)
        kept = {}
        if operation.method in ("put", "patch") and (operation.component, exposure.field) in API_UNCHANGEABLE:
            kept["control"] = client_a.get(path).json()[exposure.field]
        problems += try_exposure(str(exposure), exposure, world, send, api_success, tried,
                                 managers_only=operation.component in API_MANAGERS_ONLY, **kept)
    assert sum(tried.values()) > 60, tried
    assert not problems, report(problems, tried)


# --- The console ------------------------------------------------------------------------------------------------

CONSOLE_PATH_OBJECTS = {"console-opportunity": "draft", "console-attendance": "published",
                        "console-playlist": "draft_playlist", "console-badge": "draft_badge",
                        "console-badge-awards": "badge"}


def console_url(name: str, alpha: dict) -> str:
    if name == "console-course":
        return reverse(f"{APP}:{name}", kwargs={"course_key": alpha["course"].course_key})
    kwargs = {"slug": alpha["city"].slug}
    if name in CONSOLE_PATH_OBJECTS:
        kwargs["uuid"] = alpha[CONSOLE_PATH_OBJECTS[name]].uuid
    return reverse(f"{APP}:{name}", kwargs=kwargs)


def console_data(data: dict, exposure, value, extra) -> dict:
    """The page's form as a browser sends it, with the exposure's field set to ``value``."""
    data = {name: list(values) for name, values in data.items()}
    name = exposure.field
    prefix = name.rsplit("-", 1)[0] + "-" if "-" in name else ""
    if exposure.encoding in ("requirement-target", "requirement-course"):
        kind, target = value
        course = exposure.encoding == "requirement-course"
        data.update({f"{prefix}kind": [kind], f"{prefix}group": ["1"], f"{prefix}target": ["" if course else target],
                     f"{prefix}course_key": [target if course else ""]})
    elif exposure.encoding == "csv-users":
        data[name] = SimpleUploadedFile("attendance.csv", f"user\n{value}\n".encode(), "text/csv")
        data.pop(f"{prefix}dry_run", None)  # record, not only check
    else:
        data[name] = value if isinstance(value, list) else [value]
    data.update({key: [val] for key, val in extra})
    return data


def test_console_refuses_references_to_beta_and_the_network(world, client_a):
    problems, tried = [], Counter()
    for exposure in console_exposures(problems):
        post = CONSOLE_POSTS[exposure.where]
        url = console_url(post.url or exposure.where, world.alpha)
        source = console_url(post.source, world.alpha) if post.source else url
        data = form_data(client_a.get(source).content.decode(), containing=exposure.field, page=source)

        def send(value, url=url, data=data, exposure=exposure, extra=post.extra):
            return client_a.post(url, console_data(data, exposure, value, extra))
        problems += try_exposure(f"console {exposure.where} [{exposure.field}]", exposure, world, send, page_success,
                                 tried)
    assert sum(tried.values()) > 30, tried
    assert not problems, report(problems, tried)


# --- The Django admin -------------------------------------------------------------------------------------------

ADD_FRESH = {  # what an added record needs to differ from the Alpha record whose form it copies (unique fields)
    "cityrole": {"user": lambda w: str(w.alpha["fresh"].pk)},
    "opportunitycompletion": {"user": lambda w: str(w.alpha["fresh"].pk)},
    "stakeholder": {"name": lambda w: "Alpha's other stakeholder"},
}


def admin_form(client, model_name: str, mode: str, obj, prefix: str, field_name: str,
               world: World) -> tuple[str, dict, str]:
    """The URL to post to, the form data a browser sends (an add copies Alpha's record), and the field prefix."""
    change = f"{ADMIN}/{model_name}/{obj.pk}/change/"
    containing = f"{prefix}-TOTAL_FORMS" if prefix else field_name
    if mode == "change":
        url, data = change, form_data(client.get(change).content.decode(), containing=containing)
    else:
        url = f"{ADMIN}/{model_name}/add/"
        data = form_data(client.get(url).content.decode(), containing=containing)
        main = {name for name in data if "-" not in name and name != "csrfmiddlewaretoken"}
        filled = form_data(client.get(change).content.decode(), containing=main)
        data.update({name: values for name, values in filled.items() if "-" not in name})  # inlines: the add page's
        data.update({name: [rule(world)] for name, rule in ADD_FRESH.get(model_name, {}).items()})
    row = f"{prefix}-{data[f'{prefix}-INITIAL_FORMS'][0]}-" if prefix else ""
    return url, data, row


def admin_value(data: dict, row: str, exposure, value) -> dict:
    data = {name: list(values) for name, values in data.items()}
    data[row + exposure.field] = value if isinstance(value, list) else [value]
    return data


def test_admin_forms_refuse_references_to_beta_and_the_network(world, client_a, admin_a):
    problems, tried = [], Counter()
    found = admin_exposures(request_of(admin_a), admin_objects(world), catalogue(), problems)
    for model_name, mode, _instance, prefix, exposure in found:
        obj = admin_objects(world)[model_name]
        url, data, row = admin_form(client_a, model_name, mode, obj, prefix, exposure.field, world)

        def send(value, url=url, data=data, row=row, exposure=exposure):
            return client_a.post(url, admin_value(data, row, exposure, value))
        problems += try_exposure(f"admin {exposure.where} [{row}{exposure.field}]", exposure, world, send,
                                 page_success, tried)
    assert sum(tried.values()) > 60, tried
    assert not problems, report(problems, tried)


def test_admin_widgets_and_actions_show_and_change_nothing_of_beta(world, client_a, admin_a):
    """``?field=<id>`` initial values, raw-id labels, autocomplete, and actions on a forged selection of Beta's ids."""
    problems, tried = [], Counter()
    found = admin_exposures(request_of(admin_a), admin_objects(world), catalogue(), problems)
    asked = set()
    for model_name, mode, _instance, prefix, exposure in found:
        if exposure.encoding not in ("pk", "pks"):
            continue
        owner, field = exposure.writes.split(".")
        if mode == "add" and not prefix:
            for target in targets(exposure.names, world):
                value = encode(target.obj, exposure.encoding)
                value = ",".join(value) if isinstance(value, list) else value
                response = client_a.get(f"{ADMIN}/{model_name}/add/", {field: value})
                tried["initial values"] += 1
                shown = leaks(body_of(response), "", world, target)
                if shown or response.status_code >= 500:
                    problems.append(f"admin {model_name} add ?{field}= with {target.label}: answered "
                                    f"{response.status_code} showing {shown}")
        if (owner, field) not in asked:
            asked.add((owner, field))
            response = client_a.get("/admin/autocomplete/", {"app_label": APP, "model_name": owner.lower(),
                                                             "field_name": field, "term": ""})
            tried["autocomplete"] += 1
            shown = [t.text for t in targets(exposure.names, world) if t.text and t.text in body_of(response)]
            shown += [m for m in world.markers if m in body_of(response)]
            if shown or response.status_code >= 500:
                problems.append(f"admin autocomplete of {owner}.{field}: answered {response.status_code} "
                                f"showing {shown}")
    request = request_of(admin_a)
    for model_name, model_admin in admin_site_models().items():
        theirs = [*owned_by(model_admin.model, world.beta.objects["city"]), *owned_by(model_admin.model, None)] if (
            city_path(model_admin.model) is not None) else []
        for action in (model_admin.get_actions(request) if theirs else {}):
            def send(value, model_name=model_name, action=action, theirs=theirs):
                return client_a.post(f"{ADMIN}/{model_name}/", {
                    "action": action, "_selected_action": [str(o.pk) for o in theirs], "index": "0", "post": "yes"})
            result = attempt(send, None, world)
            tried["actions"] += 1
            label = f"admin {model_name} action {action} on Beta's and the network's {len(theirs)} record(s)"
            if result.error or result.changed:
                problems.append(f"{label}: {result.error or 'changed records'}")
            elif result.response.status_code >= 500:
                problems.append(f"{label}: answered {result.response.status_code}")
            else:
                body = body_of(result.response)
                shown = [m for m in world.markers if m in body] + [str(o) for o in theirs if str(o) in body and
                                                                  "PRIVATE" in str(o)]
                if shown:
                    problems.append(f"{label}: answered showing {shown}")
    assert tried["initial values"] > 10 and tried["autocomplete"] > 5 and tried["actions"] > 3, tried
    assert not problems, report(problems, tried)


# --- The CSV import ---------------------------------------------------------------------------------------------

def csv_rows(world: World) -> tuple[list[str], dict]:
    """The header and Alpha's draft as the export writes them (what a team edits and imports again)."""
    text = csv_io.export_opportunities(world.alpha["city"], Opportunity.objects.filter(pk=world.alpha["draft"].pk))
    header, row = list(csv.reader(io.StringIO(text)))
    return header, dict(zip(header, row, strict=True))


def csv_send(client, world: World, header: list[str], cells: dict, city: str):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow([cells[column] for column in header])
    upload = SimpleUploadedFile("opportunities.csv", out.getvalue().encode(), "text/csv")
    return client.post(f"{ADMIN}/opportunity/import-csv/", {"city": city, "file": upload})


def test_csv_import_refuses_references_to_beta_and_the_network(world, client_a):
    problems, tried = [], Counter()
    header, row = csv_rows(world)
    own_city = str(world.alpha["city"].pk)
    for exposure in csv_exposures(problems):
        column = exposure.field
        # A row that changes Alpha's draft, and (but for its uuid) one that adds an opportunity; a course key is
        # given to new rows only (an import never changes an opportunity's course).
        modes = {"uuid": ("change",), "course_key": ("add",)}.get(column, ("change", "add"))
        for mode in modes:
            def send(value, column=column, mode=mode):
                cells = dict(row, **({"uuid": "", "title": "Imported workshop"} if mode == "add" else {}))
                if column == "form city":
                    return csv_send(client_a, world, header, cells, value)
                cells[column] = "; ".join(value) if isinstance(value, list) else value
                return csv_send(client_a, world, header, cells, own_city)
            problems += try_exposure(f"csv import ({mode}) [{column}]", exposure, world, send, page_success, tried)
    assert sum(tried.values()) > 10, tried
    assert not problems, report(problems, tried)


# --- Reads ------------------------------------------------------------------------------------------------------

def plant_requirements(world: World) -> int:
    """
    Requirements of Alpha's classes (the active one and the draft) that name every private object of Beta and of
    the network a requirement can name: what the write paths let a city admin save before issue 15, item 2. Reads
    must hold even then: titles are looked up within what Alpha may see.
    """
    planted = 0
    for badge_class in (world.alpha["badge"], world.alpha["draft_badge"]):
        group = RequirementGroup.objects.create(badge_class=badge_class, position=9, min_required=1)
        for kind, names in REQUIREMENT_TARGETS.items():
            if names in (None, "course"):
                continue
            for target in targets(names, world):
                if target.private:
                    Requirement.objects.create(group=group, kind=kind, target=str(target.obj.uuid))
                    planted += 1
    return planted


def test_alpha_read_paths_show_nothing_private_of_beta(world, client_a, city_a, city_b):
    """Every page and document of the plugin, filled with Alpha's objects, as Alpha's admin (and anyone, if public)."""
    assert plant_requirements(world) >= 8
    shown_in_alpha = world.beta.objects["published"]  # public links between the cities, as the design allows
    shown_in_alpha.cities.add(city_a)
    world.alpha["published"].cities.add(city_b)
    alpha = Beta(objects=world.alpha, markers=[])
    anyone = Client()
    problems, tried = [], 0
    for route in routes():
        model = route.template.split(f"admin/{APP}/", 1)[1].split("/", 1)[0] if route.admin else ""
        if model in NETWORK_MODELS and "<path:object_id>" in route.template:
            continue
        for path, _public in expand(route, alpha):
            readers = (("Alpha's admin", client_a), ("anyone", anyone)) if kind_of(route) == "public" else (
                ("Alpha's admin", client_a),)
            for who, client in readers:
                response = client.get(path)
                tried += 1
                body = body_of(response)
                shown = [marker for marker in world.markers if marker in body]
                if shown or response.status_code >= 500:
                    problems.append(f"GET {path} as {who}: answered {response.status_code} showing {shown}")
    assert tried > 150
    assert not problems, f"{len(problems)} problem(s) in {tried} reads:\n" + "\n".join(problems)
