"""Studio host URLs: the admin and login, then every plugin's URLs from the plugin API."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from edx_django_utils.plugins import get_plugin_url_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(template_name="host/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
]
urlpatterns.extend(get_plugin_url_patterns("cms.djangoapp"))
