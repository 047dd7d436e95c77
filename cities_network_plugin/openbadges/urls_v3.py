"""Open Badges 3.0 URLs (signed credentials, keys, status lists)."""

urlpatterns = []
