from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from callbacks.api.errors import json_404

from . import admin_system, views

admin.site.site_header = _("Campaign Manager")
admin.site.site_title = _("Campaign Manager")
admin.site.index_title = _("Callbacks for UCCX outbound IVR campaigns")
admin_system.install(admin.site)

urlpatterns = [
    # Before admin.site.urls, whose catch-all would take /admin/reports/.
    path("admin/reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("callbacks.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("gadget/", include("callbacks.gadget")),
    # The admin header's language switch posts here (Django's set_language).
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    # Unknown /api/ paths answer JSON even with DEBUG on (handler404 covers DEBUG off).
    re_path(r"^api/", json_404),
]

# JSON, never an HTML page, for errors under /api/.
handler400 = "callbacks.api.errors.json_400"
handler404 = "callbacks.api.errors.json_404"
handler500 = "callbacks.api.errors.json_500"
