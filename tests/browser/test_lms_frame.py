"""
The learner pages in the browser, in the LMS's own frame (the host's stand-in of ``main_django.html``: header with
the account menu and sign-out, footer) and, where the LMS template is not there, in the plugin's own base.
"""
from cities_network_plugin.opportunities.models import Opportunity

WALLET = "/cities-network/badges/"


def an_opportunity_of_vilnius() -> str:
    opportunity = Opportunity.objects.filter(city__slug="vilnius", status="published").order_by("title").first()
    return f"/cities-network/o/{opportunity.uuid}/"


def test_a_learner_page_inside_the_lms_frame_signs_out_from_its_header(page, demo_network):
    from selenium.webdriver.common.by import By  # pylint: disable=import-outside-toplevel

    path = an_opportunity_of_vilnius()
    page.log_in("learner", path)
    # The LMS header above the page: the site's name, the learner's name, the menu closed until asked for.
    header = page.find("header.global-header")
    assert "Open edX test LMS" in header.find_element(By.CSS_SELECTOR, ".header-logo").text
    assert header.find_element(By.CSS_SELECTOR, ".username").text == "learner"
    assert not page.find("#user-menu").is_displayed()
    assert page.find("main h1").text and page.find("main").location["y"] > header.location["y"]
    footer = page.find("#footer-openedx")
    assert footer.is_displayed() and "Powered by Open edX" in footer.text
    assert not page.find_all("header.site"), "the plugin's own bar is shown inside the LMS frame"
    page.check_accessibility("opportunity page in the LMS frame")

    toggle = page.find(".toggle-user-dropdown")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and page.find("#user-menu").is_displayed()
    page.check_accessibility("opportunity page with the account menu open")
    page.screenshot("lms-frame")

    page.click_and_wait(page.link("Sign Out"))
    assert page.path == "/login/"
    page.open(WALLET)
    assert page.path == "/login/", "still signed in after signing out from the LMS header"


def test_without_the_lms_template_a_page_keeps_the_plugins_own_base(page, demo_network, settings):
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [d for d in engine["DIRS"] if not d.endswith("lms_templates")]
    settings.TEMPLATES = [engine]  # the live server runs in this process: it sees the change at once
    page.open("/cities-network/c/vilnius/")
    assert page.text("header.site") == "Cities of Learning Network"
    assert not page.find_all("header.global-header") and not page.find_all("#footer-openedx")
    assert "Vilnius" in page.text("main h1")
    page.check_accessibility("city page in the plugin's own base")
    page.screenshot("own-base")
