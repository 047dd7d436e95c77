"""
Studio serves the plugin's URLs too, but has no ``main_django.html`` (that is the LMS's): there the learner pages
keep the plugin's own base, with its own bar.
"""
import pytest

from cities_network_plugin.web import frame

from tests.web.conftest import PAGES, events, learner_pages, own_base  # noqa: F401 - fixtures

pytestmark = pytest.mark.cms


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_in_studio_each_learner_page_keeps_the_plugins_own_base(client, learner, learner_pages, name):  # noqa: F811
    client.force_login(learner)
    response = client.get(learner_pages[name])
    assert response.status_code == 200
    html = response.content.decode()
    assert own_base(html)
    assert PAGES[name] in html.split('<main id="main">', 1)[1]
    assert frame.lms_base_template() is None
