"""A network manager in the browser: the network report in the Django admin, with its charts."""
REPORT = "/admin/cities_network_plugin/report/"


def test_network_manager_opens_the_report(page, demo_network):
    page.log_in("nina", REPORT)
    assert page.text("#content h1") == "Network report"
    charts = page.find_all(".network-report-chart svg")
    assert len(charts) >= 3, "the report shows no charts"
    assert all(chart.is_displayed() for chart in charts)
    assert page.find_all(".network-report-chart svg rect"), "the charts have no bars"
    # Django admin's own chrome (header, breadcrumbs, the app sidebar) is Django's: its light blue breadcrumbs and
    # sidebar captions fail WCAG AA contrast. The check covers the page's content area, which is ours.
    page.check_accessibility("network report page", context="#content")
    page.screenshot("network-report")
