"""Open Badges 2.0 URLs (hosted verification)."""

urlpatterns = []
