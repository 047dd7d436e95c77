"""The report page in the Django admin: network managers only, with charts, tables and CSV downloads."""
import pytest

REPORT = "/admin/cities_network_plugin/report/"


@pytest.mark.django_db
def test_network_manager_sees_every_figure_with_its_chart_and_csv_link(client, network_manager, network):
    client.force_login(network_manager)
    response = client.get(REPORT)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="cities-network-chart"') == 5
    for name in ("cities_per_stage", "awards_per_month", "learners_reached", "opportunities_by_kind", "top_badges"):
        assert f'id="figure-{name}"' in page
        assert f'href="?export={name}"' in page
    assert "Gamma &lt;&amp;&gt; Co" in page and "Gamma <&> Co" not in page
    assert "5 learners reached across the network" in page
    assert 'type="date"' in page and 'name="country"' in page and 'value="member"' in page


@pytest.mark.django_db
def test_filters_narrow_the_page_and_the_csv_links_keep_them(client, network_manager, network):
    client.force_login(network_manager)
    page = client.get(REPORT, {"country": "LT", "date_from": "2026-01-01"}).content.decode()
    assert "2 learners reached across the network" in page  # u1 and u2, by Alpha
    assert "Gamma &lt;&amp;&gt; Co" not in page
    assert "?country=LT&amp;date_from=2026-01-01&amp;export=top_badges" in page


@pytest.mark.django_db
def test_bad_filters_are_named_on_the_page(client, network_manager, network):
    client.force_login(network_manager)
    response = client.get(REPORT, {"date_from": "2026-02-30", "status": "asleep"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "&#x27;2026-02-30&#x27; is not a date" in page and "&#x27;asleep&#x27; is not a city status" in page
    assert "cities-network-chart" not in page
    assert client.get(REPORT, {"date_from": "nope", "export": "top_badges"}).status_code == 400


@pytest.mark.django_db
def test_csv_download_of_a_table(client, network_manager, network):
    client.force_login(network_manager)
    response = client.get(REPORT, {"export": "awards_per_month", "date_from": "2026-01-01", "date_to": "2026-02-28"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="network-report-awards_per_month-2026-01-01-2026-02-28.csv"')
    assert response.content.decode("utf-8") == (
        "\ufeffmonth,city,awards,revoked\r\n2026-01,alpha,2,0\r\n2026-02,beta,1,0\r\n2026-02,network,1,0\r\n")
    learners = client.get(REPORT, {"export": "learners_reached"}).content.decode("utf-8").splitlines()
    assert learners[-1] == "total,\"Whole network, each learner once\",5"
    assert client.get(REPORT, {"export": "passwords"}).status_code == 400


@pytest.mark.django_db
def test_city_admins_and_core_team_get_403(client, admin_a, core_a, network):
    for user in (admin_a, core_a):
        client.force_login(user)
        assert client.get(REPORT).status_code == 403
        assert client.get(REPORT, {"export": "top_badges"}).status_code == 403
        assert "network report" not in client.get("/admin/").content.decode().lower()


@pytest.mark.django_db
def test_admin_index_lists_the_report_for_network_managers(client, network_manager):
    client.force_login(network_manager)
    page = client.get("/admin/").content.decode()
    assert f'href="{REPORT}"' in page and "Network report" in page
    assert client.get(f"{REPORT}add/").status_code == 404  # a page, not a list of records


@pytest.mark.django_db
def test_a_report_counts_a_bounded_number_of_waiting_rows_and_says_when_it_is_not_complete(
        client, network_manager, network, monkeypatch):
    from cities_network_plugin.reporting import api, summaries

    monkeypatch.setattr(summaries, "CHUNK", 2)
    monkeypatch.setattr(api, "CATCH_UP_LIMIT", 4)  # 9 rows wait (7 awards, 2 completions); a report counts 4
    client.force_login(network_manager)
    page = client.get(REPORT).content.decode()
    assert "are still being counted into the report" in page and "--rebuild-summaries" in page
    assert summaries.is_behind()
    assert api.network_report().still_counting  # 8 counted, 1 waits
    assert not api.network_report().still_counting  # all 9: complete
    assert "still being counted" not in client.get(REPORT).content.decode()


@pytest.mark.django_db
def test_the_reports_own_words_are_in_the_readers_language(client, network_manager, network):
    from django.utils import translation

    client.force_login(network_manager)
    try:
        page = client.get(REPORT, HTTP_ACCEPT_LANGUAGE="lt").content.decode()
    finally:
        translation.deactivate()
    assert "<td>Nepradėta</td>" in page and "Visas tinklas, kiekvienas besimokantysis vieną kartą" in page
    assert "Not started" not in page and "Whole network, each learner once" not in page
    # The figures themselves (what the API and the CSV give) keep the report's English values in any language.
    from cities_network_plugin.reporting import api

    with translation.override("lt"):
        report = api.network_report()
    assert report.cities_per_stage.rows[0][1] == "Not started"
    assert report.learners_reached.total[1] == "Whole network, each learner once"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [REPORT, "/cities-network/api/v1/reports/network/"])
def test_the_catch_up_is_not_undone_by_the_request_that_ran_it(client, network_manager, network, monkeypatch, url):
    """
    Open edX wraps each request in a transaction (ATOMIC_REQUESTS). The report's views stay out of it, so what the
    catch-up counted stays counted (and its lock is not held) even when the rest of the request fails.
    """
    from django.db import connection

    from cities_network_plugin.badges.models import Award
    from cities_network_plugin.reporting import api

    def broken(filters=None):
        api._catch_up()  # pylint: disable=protected-access
        raise RuntimeError("the page failed after counting")

    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    monkeypatch.setattr(api, "network_report", broken)
    client.raise_request_exception = True
    client.force_login(network_manager)
    with pytest.raises(RuntimeError, match="after counting"):
        client.get(url)
    assert not Award.objects.filter(tally=0).exists()
