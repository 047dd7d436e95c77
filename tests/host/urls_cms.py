"""Studio host URLs: the admin and login, then every plugin's URLs from the plugin API."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from edx_django_utils.plugins import get_plugin_url_patterns

from .platform_standin import jwt_cookies

urlpatterns = [
    path("admin/", admin.site.urls),
    # The LMS's JWT cookie refresh (openedx-platform lms/urls.py), served here too so that the Studio browser tests
    # of the authoring MFE's widget need one live server.
    path("login_refresh", jwt_cookies.login_refresh, name="login_refresh"),
    path("login/", auth_views.LoginView.as_view(template_name="host/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
]
urlpatterns.extend(get_plugin_url_patterns("cms.djangoapp"))
