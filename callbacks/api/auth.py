"""API authentication, scopes and throttling.

`Authorization: Api-Key <key>` for everyone; HTTP Basic with the key as password too,
because UCCX's "Make REST Call" step before CCX 11.6 can send basic auth but no custom
header. Keys are stored hashed (djangorestframework-api-key); the key text is never
logged. Staff users logged in to the admin may browse every endpoint.
"""

import base64
import binascii

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from ..models import ApiKey, ApiScope


class KeyUser:
    """Stands for the caller of a valid API key (request.user)."""

    is_authenticated = True
    is_staff = False

    def __init__(self, key: ApiKey):
        self.key = key
        self.username = f"key:{key.name}"

    def __str__(self) -> str:
        return self.username


def _key_from_header(header: str) -> str | None:
    keyword, _, value = header.partition(" ")
    keyword = keyword.lower()
    if keyword == "api-key":
        return value.strip() or None
    if keyword == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        key_text = _key_from_header(header)
        if key_text is None:
            if header.lower().startswith(("api-key", "basic")):
                raise exceptions.AuthenticationFailed("The API key is missing or malformed.")
            return None
        try:
            key = ApiKey.objects.get_from_key(key_text)
        except ApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                "The API key is not valid, or it was revoked."
            ) from None
        if key.has_expired:
            raise exceptions.AuthenticationFailed("The API key has expired.")
        return KeyUser(key), key

    def authenticate_header(self, request) -> str:
        return 'Api-Key realm="api"'


class _ScopePermission(permissions.BasePermission):
    scope: str = ""
    message = "This API key may not call this endpoint."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            # DRF turns this into 401 with the WWW-Authenticate header.
            raise exceptions.NotAuthenticated("Send an API key: 'Authorization: Api-Key <key>'.")
        if isinstance(request.auth, ApiKey):
            if request.auth.scope != self.scope:
                raise exceptions.PermissionDenied(
                    f"This key is for the {ApiScope(request.auth.scope).label}; this endpoint "
                    f"is for the {ApiScope(self.scope).label}.",
                    code="wrong_scope",
                )
            return True
        return bool(user.is_staff)


class GadgetScope(_ScopePermission):
    scope = ApiScope.GADGET


class IvrScope(_ScopePermission):
    scope = ApiScope.IVR


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """Per key (per user for staff sessions), at the rate of the key's scope."""

    def __init__(self):
        pass  # the rate depends on the caller's scope: chosen in allow_request

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiKey):
            self.scope = request.auth.scope
        elif request.user is not None and getattr(request.user, "is_authenticated", False):
            self.scope = "staff"
        else:
            return True  # refused by authentication anyway
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiKey):
            ident = f"key:{request.auth.prefix}"
        else:
            ident = f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>` (IVR: HTTP Basic with the key as password also works).",
        }
