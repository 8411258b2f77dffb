"""Errors raised by the service layer; pages and the API turn them into answers."""
from __future__ import annotations


class ServiceError(Exception):
    """A request the rules refuse. Nothing has been changed when it is raised."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class BadRequest(ServiceError):
    """Malformed request."""

    status, code = 400, "bad_request"


class Unauthorized(ServiceError):
    """No or bad credentials."""

    status, code = 401, "unauthorized"


class Forbidden(ServiceError):
    """The role may not do this."""

    status, code = 403, "forbidden"


class NotFound(ServiceError):
    """Missing, or not the asker's."""

    status, code = 404, "not_found"


class Conflict(ServiceError):
    """Conflicts with the current state: capacity, budget, status, idempotency key."""

    status, code = 409, "conflict"


class Invalid(ServiceError):
    """Invalid fields; ``details`` maps each field to its messages."""

    status, code = 422, "invalid"

    def __init__(self, details: dict, message: str = "Data tidak valid"):
        super().__init__(message, details)


class Throttled(ServiceError):
    """Too many attempts."""

    status, code = 429, "throttled"
