"""The reports pages, mounted under /admin/reports/ (campaign_manager/urls.py).

Wrapped in the admin site's `admin_view`: the admin's login, CSRF and no-cache rules
apply; the views check the reporting.view_dashboard permission themselves.
"""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="dashboard"),
    path("callbacks.csv", admin.site.admin_view(views.callbacks_csv), name="callbacks_csv"),
]
