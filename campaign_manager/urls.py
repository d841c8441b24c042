from django.contrib import admin
from django.urls import path

from . import views

admin.site.site_header = "Campaign Manager"
admin.site.site_title = "Campaign Manager"
admin.site.index_title = "Callbacks for UCCX outbound IVR campaigns"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
