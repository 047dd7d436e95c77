"""GET /cities-network/api/v1/reports/network/: JSON of every table, CSV of one, network managers only."""
import pytest
from rest_framework.test import APIClient

URL = "/cities-network/api/v1/reports/network/"


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_json_holds_every_table_as_records(api, network_manager, network):
    api.force_authenticate(network_manager)
    response = api.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["filters"] == {"date_from": None, "date_to": None, "country": [], "status": []}
    assert data["learners_total"] == 5
    assert list(data["tables"]) == ["cities_per_stage", "awards_per_month", "learners_reached",
                                    "opportunities_by_kind", "top_badges"]
    stages = data["tables"]["cities_per_stage"]
    assert stages["columns"] == ["stage", "title", "cities"]
    assert stages["rows"][0] == {"stage": None, "title": "Not started", "cities": 1}
    learners = data["tables"]["learners_reached"]
    assert learners["total"] == {"city": "total", "name": "Whole network, each learner once", "learners": 5}
    assert data["tables"]["awards_per_month"]["rows"][0] == {"month": "2025-12", "city": "gamma", "awards": 1,
                                                             "revoked": 0}


@pytest.mark.django_db
def test_filters_as_query_parameters(api, network_manager, network):
    api.force_authenticate(network_manager)
    data = api.get(URL, {"country": "lt,nl", "date_to": "2026-01-31"}).json()
    assert data["filters"]["country"] == ["LT", "NL"]
    assert data["learners_total"] == 2  # u1 and u2 by January, in Alpha and Beta
    repeated = api.get(f"{URL}?country=LT&country=NL&status=member").json()
    assert [row["city"] for row in repeated["tables"]["learners_reached"]["rows"]] == ["alpha"]
    response = api.get(URL, {"date_from": "01/02/2026", "status": "gone"})
    assert response.status_code == 400
    assert set(response.json()) == {"date_from", "status"}


@pytest.mark.django_db
def test_csv_of_one_table(api, network_manager, network):
    api.force_authenticate(network_manager)
    response = api.get(URL, {"format": "csv", "table": "top_badges", "date_from": "2026-01-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="network-report-top_badges-2026-01-01-now.csv"' in response["Content-Disposition"]
    assert response.content.decode() == (
        "badge,issuer,awards\r\nBike mechanic,Alpha,2\r\nNetwork explorer,Cities of Learning Network,2\r\n"
        "Canal guide,Beta,1\r\n")
    missing = api.get(URL, {"format": "csv"})
    assert missing.status_code == 400
    assert missing["Content-Type"] == "application/json"
    assert "table" in missing.json()
    assert api.get(URL, HTTP_ACCEPT="text/csv", data={"table": "cities_per_stage"}).content.startswith(
        b"stage,title,cities\r\n,Not started,1\r\n")


@pytest.mark.django_db
def test_only_network_managers(api, admin_a, core_a, learner, network):
    for user in (admin_a, core_a, learner):
        api.force_authenticate(user)
        response = api.get(URL)
        assert response.status_code == 403
        assert api.get(URL, {"format": "csv", "table": "top_badges"}).status_code == 403
    api.force_authenticate(None)
    assert api.get(URL).status_code in (401, 403)


@pytest.mark.django_db
def test_schema_documents_the_report(api):
    schema = api.get("/cities-network/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/cities-network/api/v1/reports/network/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"date_from", "date_to", "country", "status", "format",
                                                            "table"}
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
