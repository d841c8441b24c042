"""API keys (a scope each, shown once) and the idempotency records of create requests."""

from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from ..models import ApiKey, IdempotencyRecord

# The library's own key model is not used: only callbacks.ApiKey (with a scope) opens
# the API, so a key created on that page would be useless.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """The key is shown once, in a message after saving; only its hash is stored.
    Revoke a key by ticking "revoked" (final); to change a scope, make a new key."""

    fields = ("name", "prefix", "scope", "expiry_date", "revoked")
    list_display = ("prefix", "name", "scope", "created", "expiry_date", "_has_expired", "revoked")  # type: ignore[assignment]
    list_filter = ("scope", "revoked", "created")  # type: ignore[assignment]
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix",)
    list_select_related = False

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A gadget key silently becoming an IVR key would open the other half of the API.
        return (*fields, "scope") if obj is not None else fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the key's name and prefix stay for the record


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """First answers to create requests with an Idempotency-Key: for support, read-only."""

    list_display = ("key", "owner", "status_code", "created_at")
    list_filter = ("status_code",)
    search_fields = ("key", "owner")
    readonly_fields = ("key", "owner", "fingerprint", "status_code", "body", "created_at")
    fields = readonly_fields
    list_select_related = False
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
