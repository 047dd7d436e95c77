"""The SVG charts: well-formed, accessible, escaped, deterministic."""
import xml.etree.ElementTree as ET

import pytest

from cities_network_plugin.reporting import charts
from cities_network_plugin.reporting.api import network_report

from tests.reporting.conftest import GAMMA_NAME

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


@pytest.mark.django_db
def test_every_report_chart_is_well_formed_and_escapes_names(network):
    report = network_report()
    svgs = charts.report_charts(report)
    assert set(svgs) == {table.name for table in report.tables()}
    for name, svg in svgs.items():
        root = _parse(svg)
        assert root.find(f"{SVG}title").text == report.table(name).title
        assert root.find(f"{SVG}desc").text
    assert GAMMA_NAME not in svgs["learners_reached"]  # only escaped
    assert "Gamma &lt;&amp;&gt; Co" in svgs["learners_reached"]
    assert GAMMA_NAME in _texts(_parse(svgs["learners_reached"]))
    assert GAMMA_NAME in _texts(_parse(svgs["awards_per_month"]))  # in the legend
    assert charts.report_charts(network_report()) == svgs  # deterministic


@pytest.mark.django_db
def test_awards_chart_has_a_column_for_every_month_and_value_labels(network):
    root = _parse(charts.report_charts(network_report())["awards_per_month"])
    texts = _texts(root)
    assert {"2025-12", "2026-01", "2026-02", "2026-03"} <= set(texts)
    assert "Month (UTC)" in texts and "Awards" in texts
    assert texts.count("2") >= 2  # the totals of January and February above their columns


def test_horizontal_and_vertical_charts_show_values_and_axis_labels():
    root = _parse(charts.horizontal_bar_chart("h", "Learners", "Learners per city.", ["A & B", "<C>"], [3, 10],
                                              "Learners"))
    texts = _texts(root)
    assert {"A & B", "<C>", "3", "10", "Learners"} <= set(texts)
    root = _parse(charts.vertical_bar_chart("v", "Stages", "Cities per stage.", ["Not started", "1. One"], [0, 4],
                                            "Cities", "Stage"))
    assert {"Cities", "Stage", "4", "0"} <= set(_texts(root))
    empty = _parse(charts.horizontal_bar_chart("e", "Nothing", "No rows.", [], [], "Awards"))
    assert "No data for these filters" in _texts(empty)


def test_stacked_chart_folds_cities_beyond_twelve_into_others():
    series = [(f"City {n:02d}", [n, 1]) for n in range(15)]
    root = _parse(charts.stacked_bar_chart("s", "Awards", "Per month.", ["2026-01", "2026-02"], series, "Awards",
                                           "Month"))
    legend = [text for text in _texts(root) if text.startswith("City") or text == "Others"]
    assert len(legend) == 12 and legend[-1] == "Others"
    assert legend[0] == "City 14"  # the largest first
    assert "City 00" not in legend
    colours = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert charts.OTHERS_COLOUR in colours
    twelve = _parse(charts.stacked_bar_chart("t", "Awards", "x", ["m"], series[:12], "Awards", "Month"))
    assert "Others" not in _texts(twelve)


def test_chart_ids_are_checked():
    with pytest.raises(ValueError):
        charts.horizontal_bar_chart('x" onload="alert(1)', "t", "d", [], [], "v")


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", [*charts.PALETTE, charts.OTHERS_COLOUR])
def test_bar_colours_contrast_with_the_white_background(colour):
    assert 1.05 / (_luminance(colour) + 0.05) >= 3  # WCAG 1.4.11 for graphical objects
    assert 1.05 / (_luminance(charts.TEXT) + 0.05) >= 4.5
