"""LMS host URLs: the platform's own few pages, then every plugin's URLs from the plugin API."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from edx_django_utils.plugins import get_plugin_url_patterns

from .platform_standin import jwt_cookies
from .platform_standin.views import logout_view

urlpatterns = [
    path("admin/", admin.site.urls),
    # The micro-frontends' client refreshes its JWT cookies here (openedx-platform lms/urls.py).
    path("login_refresh", jwt_cookies.login_refresh, name="login_refresh"),
    path("login/", auth_views.LoginView.as_view(template_name="host/login.html"), name="login"),
    # A link in the LMS header: logs out on GET, as the platform's logout view does.
    path("logout/", logout_view, name="logout"),
]
urlpatterns.extend(get_plugin_url_patterns("lms.djangoapp"))
