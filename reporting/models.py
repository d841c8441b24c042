"""Read-only models over the report views (sql.py defines them), and the reports permission.

Django neither creates nor migrates these tables (managed = False): the views are
rebuilt by every migrate from sql.py. The fields mirror the view columns, so the
dashboard and the CSV export read exactly what CUIC reads.
"""

# The views give NULL for "not applicable" (no agent, no result yet): the fields say so.
# ruff: noqa: DJ001

from django.db import models


class Dashboard(models.Model):
    """No table: carries the permission to see the reports dashboard and export CSV."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can see the reports dashboard and export CSV")]

    def __str__(self) -> str:
        return "Reports dashboard"


class CallbackReport(models.Model):
    """One row of cm_callback_report: one callback, as report authors see it."""

    callback_id = models.IntegerField(primary_key=True)
    account_number = models.CharField(max_length=12)
    campaign_id = models.IntegerField()
    campaign_name = models.CharField(max_length=40)
    uccx_campaign_id = models.IntegerField()
    skill_id = models.IntegerField()
    skill_name = models.CharField(max_length=100)
    agent_id = models.CharField(max_length=50, null=True)
    agent_name = models.CharField(max_length=100, null=True)
    kind = models.CharField(max_length=10)
    status_code = models.CharField(max_length=12)
    status_name = models.CharField(max_length=40)
    phone_number = models.CharField(max_length=20)
    customer_first_name = models.CharField(max_length=50)
    customer_last_name = models.CharField(max_length=50)
    promised_at_utc = models.DateTimeField()
    # Wall time in the skill's zone. The view gives it no zone; whatever tzinfo the
    # database driver attaches is meaningless: use the wall-clock fields only.
    promised_at_local = models.DateTimeField()
    promised_date = models.DateField()
    utc_offset_minutes = models.IntegerField()
    created_at_utc = models.DateTimeField()
    exported_at_utc = models.DateTimeField(null=True)
    first_dial_at_utc = models.DateTimeField(null=True)
    connected_at_utc = models.DateTimeField(null=True)
    delivered_at_utc = models.DateTimeField(null=True)
    completed_at_utc = models.DateTimeField(null=True)
    finished_at_utc = models.DateTimeField(null=True)
    attempts = models.IntegerField()
    last_result_name = models.CharField(max_length=40, null=True)
    last_result_code = models.IntegerField(null=True)
    on_time = models.IntegerField(null=True)
    minutes_late = models.IntegerField(null=True)
    minutes_to_contact = models.IntegerField(null=True)
    fell_back_to_skill = models.IntegerField()
    source_code = models.CharField(max_length=10)
    source_name = models.CharField(max_length=40)
    created_by = models.CharField(max_length=100, null=True)
    rescheduled_from_callback_id = models.IntegerField(null=True)
    rescheduled_from_account_number = models.CharField(max_length=12, null=True)
    round = models.IntegerField()
    first_round_callback_id = models.IntegerField()
    recall_of_callback_id = models.IntegerField(null=True)
    rounds = models.IntegerField()
    attempts_all_rounds = models.IntegerField()
    final_status_code = models.CharField(max_length=12)
    fell_back_reason = models.CharField(max_length=40, null=True)
    fell_back_after_seconds = models.IntegerField(null=True)
    held_for_agent = models.IntegerField()
    held_at_utc = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "cm_callback_report"
        default_permissions = ()
        ordering = ["promised_at_utc", "callback_id"]

    def __str__(self) -> str:
        return self.account_number
