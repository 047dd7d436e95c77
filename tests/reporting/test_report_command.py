"""``cities_network_report``: JSON or CSV, one table or all, with the same filters as the page and the API."""
import io
import json

import pytest
from django.core.management import CommandError, call_command


def _run(*args) -> str:
    out = io.StringIO()
    call_command("cities_network_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_of_the_whole_report(network):
    data = json.loads(_run())
    assert data["learners_total"] == 5
    assert data["tables"]["top_badges"]["rows"][0] == {"badge": "Bike mechanic", "issuer": "Alpha", "awards": 2}
    assert data["tables"]["learners_reached"]["rows"][2]["name"] == "Gamma <&> Co"


@pytest.mark.django_db
def test_filters_and_one_table_as_json(network):
    data = json.loads(_run("--table", "learners_reached", "--country", "LT", "NL", "--country", "PT",
                           "--status", "member", "--from", "2026-01-01", "--to", "2026-01-31"))
    assert data["filters"] == {"date_from": "2026-01-01", "date_to": "2026-01-31", "country": ["LT", "NL", "PT"],
                               "status": ["member"]}
    assert list(data["tables"]) == ["learners_reached"]
    assert data["tables"]["learners_reached"]["rows"] == [{"city": "alpha", "name": "Alpha", "learners": 2}]


@pytest.mark.django_db
def test_csv_of_one_table_to_stdout(network):
    assert _run("--format", "csv", "--table", "opportunities_by_kind").splitlines()[:3] == [
        "kind,label,published,draft", "course,Course,0,0", "event,Event,2,0"]


@pytest.mark.django_db
def test_csv_of_every_table_into_a_directory(network, tmp_path):
    target = tmp_path / "report"
    message = _run("--format", "csv", "--output", str(target))
    assert "Wrote 5 tables" in message
    assert sorted(p.name for p in target.iterdir()) == [
        "awards_per_month.csv", "cities_per_stage.csv", "learners_reached.csv", "opportunities_by_kind.csv",
        "top_badges.csv"]
    assert (target / "learners_reached.csv").read_bytes().endswith(b'total,"Whole network, each learner once",5\r\n')


@pytest.mark.django_db
def test_json_to_a_file(network, tmp_path):
    target = tmp_path / "report.json"
    _run("--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["learners_total"] == 5


@pytest.mark.django_db
def test_mistakes_are_explained():
    with pytest.raises(CommandError, match="is not a date"):
        _run("--from", "2026-1-1x")
    with pytest.raises(CommandError, match="needs --output DIRECTORY"):
        _run("--format", "csv")
    with pytest.raises(CommandError, match="not a city status"):
        _run("--status", "asleep")


@pytest.mark.django_db
def test_rebuild_summaries_counts_everything_again_with_progress(network):
    from cities_network_plugin.reporting.models import AwardMonthTally, ReachCount

    before = json.loads(_run())
    AwardMonthTally.objects.update(awards=999)  # summaries gone wrong (e.g. a database restored from a backup)
    ReachCount.objects.update(learners=999)
    out = _run("--rebuild-summaries")
    assert "Counting 9 awards and completions" in out and "9 counted (100 %)" in out
    assert "Rebuilt the summaries: 9 rows counted" in out
    assert json.loads(_run())["tables"] == before["tables"]
