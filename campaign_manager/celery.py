"""The Celery application; tasks are discovered in the apps' tasks.py modules."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_manager.settings")

app = Celery("campaign_manager")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
