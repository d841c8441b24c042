"""`Idempotency-Key`: a retried create returns the first answer instead of a new callback.

The record is inserted in the same transaction as the callback, before it; a
concurrent duplicate waits on the unique index and then reads the stored answer.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from ..models import IdempotencyRecord
from .errors import error_response


def _owner(request) -> str:
    key = request.auth
    return f"key:{key.prefix}" if hasattr(key, "prefix") else f"user:{request.user.pk}"


def idempotent(request, produce: Callable[[], Response]) -> Response:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return produce()
    if len(key) > 100:
        return error_response(
            "invalid_idempotency_key", "Idempotency-Key is at most 100 characters.", 400
        )
    fingerprint = hashlib.sha256(
        json.dumps(request.data, sort_keys=True, default=str).encode()
    ).hexdigest()
    owner = _owner(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    key=key, owner=owner, fingerprint=fingerprint
                )
        except IntegrityError:
            record = None  # answered before (or being answered: we waited for it)
        if record is not None:
            response = produce()
            record.status_code = response.status_code
            record.body = response.data
            record.save(update_fields=["status_code", "body"])
            return response
    first = IdempotencyRecord.objects.get(key=key, owner=owner)
    if first.fingerprint != fingerprint:
        return error_response(
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request.",
            422,
        )
    return Response(first.body, status=first.status_code, headers={"Idempotent-Replay": "true"})
