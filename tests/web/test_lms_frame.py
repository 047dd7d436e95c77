"""
The learner pages inside the LMS's own frame (its ``main_django.html``: header with the account menu and sign-out,
footer, theme) where the LMS has that template, and in the plugin's own base where it has not.
"""
import re

import pytest
from django.test import override_settings

from cities_network_plugin.web import frame

from .conftest import PAGES, own_base


def templates_without_main_django(settings):
    """The host's TEMPLATES with the stand-in LMS templates (main_django.html and its header and footer) left out."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [d for d in engine["DIRS"] if not d.endswith("lms_templates")]
    assert engine["DIRS"] and len(engine["DIRS"]) < len(settings.TEMPLATES[0]["DIRS"])
    return [engine]


def templates_in(settings, directory, name: str, source: str, *, alone: bool = False):
    """The host's TEMPLATES with ``directory`` (holding ``name``) searched first, as a theme's directory is."""
    (directory / name).write_text(source, encoding="utf-8")
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [str(directory)] + ([] if alone else engine["DIRS"])
    return [engine]


def content_area(html: str) -> str:
    """What the frame shows between its header and its footer."""
    start, end = html.index('<div class="content-wrapper" id="content">'), html.index('id="footer-openedx"')
    assert html.index('class="global-header"') < start
    return html[start:end]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_each_learner_page_is_inside_the_lms_frame(client, learner, learner_pages, name):
    client.force_login(learner)
    response = client.get(learner_pages[name])
    assert response.status_code == 200
    html = response.content.decode()
    # The LMS header: the site's name, the account menu with the signed-in learner and its sign-out link.
    assert '<span class="logo">Open edX test LMS</span>' in html
    assert '<span class="username">learner</span>' in html
    assert '<a href="/logout/">Sign Out</a>' in html
    # The page itself between the header and the footer, its styles in the head, one title naming the platform.
    area = content_area(html)
    assert PAGES[name] in area and '<div class="cities-network"><main id="main">' in area
    head = html[:html.index("</head>")]
    assert ":where(.cities-network) .card" in head
    assert len(re.findall("<title>", html)) == 1
    assert re.search(r"<title>[^<]+ \| Open edX test LMS</title>", head)
    # The plugin's own bar is gone: the LMS header leads home and signs out.
    assert '<header class="site">' not in html
    assert 'class="nav-skip" href="#main"' in html


@pytest.mark.django_db
def test_a_visitor_sees_the_lms_header_with_sign_in_instead_of_the_account_menu(client, learner_pages):
    html = client.get(learner_pages["award"]).content.decode()
    assert PAGES["award"] in content_area(html)
    assert "Sign in" in html and 'class="username"' not in html and "Sign Out" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_without_main_django_each_page_keeps_the_plugins_own_base(client, learner, learner_pages, name, settings):
    settings.TEMPLATES = templates_without_main_django(settings)
    client.force_login(learner)
    html = client.get(learner_pages[name]).content.decode()
    assert own_base(html)
    assert PAGES[name] in html.split('<main id="main">', 1)[1]
    assert frame.lms_base_template() is None


@pytest.mark.django_db
def test_an_empty_setting_keeps_the_plugins_own_base_inside_the_lms(client, learner, learner_pages):
    with override_settings(CITIES_NETWORK_LMS_BASE_TEMPLATE=""):
        html = client.get(learner_pages["city"]).content.decode()
    assert own_base(html)
    assert 'class="global-header"' in client.get(learner_pages["city"]).content.decode()  # the setting restored


@pytest.mark.django_db
def test_the_setting_names_the_lms_template_the_pages_extend(client, learner_pages, settings, tmp_path):
    settings.TEMPLATES = templates_in(settings, tmp_path, "site_main.html", (
        "<!DOCTYPE html><html><head>{% block title %}{% endblock %}{% block headextra %}{% endblock %}</head>"
        '<body><div id="site-frame">{% block body %}{% endblock %}</div></body></html>'))
    settings.CITIES_NETWORK_LMS_BASE_TEMPLATE = "site_main.html"
    html = client.get(learner_pages["city"]).content.decode()
    assert '<div id="site-frame"><div class="cities-network"><main id="main">' in html
    assert PAGES["city"] in html and 'class="global-header"' not in html


@pytest.mark.django_db
def test_a_themes_main_django_is_the_frame(client, learner_pages, settings, tmp_path):
    """Comprehensive theming: the theme's template directory comes first, and its main_django.html is used."""
    settings.TEMPLATES = templates_in(settings, tmp_path, "main_django.html", (
        '<!DOCTYPE html><html><head>{% block title %}{% endblock %}</head><body><header class="theme-header">'
        "City theme</header>{% block body %}{% endblock %}</body></html>"))
    html = client.get(learner_pages["opportunity"]).content.decode()
    assert '<header class="theme-header">City theme</header>' in html and PAGES["opportunity"] in html


def test_the_lms_template_is_looked_up_once_per_process(settings, tmp_path):
    """A missing template costs a walk of every template directory: the answer is kept until the settings change."""
    settings.TEMPLATES = templates_in(settings, tmp_path, "main_django.html", "{% block body %}{% endblock %}",
                                      alone=True)
    assert frame.lms_base_template() == "main_django.html"
    (tmp_path / "main_django.html").unlink()
    assert frame.lms_base_template() == "main_django.html"  # not looked up again
    settings.TEMPLATES = [dict(settings.TEMPLATES[0])]
    assert frame.lms_base_template() is None


@pytest.mark.django_db
def test_the_headers_sign_out_link_signs_out(client, learner, learner_pages):
    """The stand-in's logout answers the header's plain link (a GET), as the platform's logout view does."""
    client.force_login(learner)
    response = client.get("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get(learner_pages["wallet"]).status_code == 302  # to sign in again
