"""Domain errors, each with the HTTP status §3 gives it; handlers map them in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class DomainError(Exception):
    """A refusal the sender can act on; each kind names its HTTP status and stable code where it
    is declared (``class NotFound(DomainError, status_code=404, code="not_found")``)."""

    status_code = 400
    code = "bad_request"

    def __init_subclass__(cls, status_code: int | None = None, code: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.status_code = status_code or cls.status_code
        cls.code = code or cls.code

    def __init__(self, message: str, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    @property
    def headers(self) -> dict[str, str]:
        """Response headers the refusal needs besides its body (``Retry-After``)."""
        return {}

    def to_body(self) -> dict[str, object]:
        body: dict[str, object] = {"status": "rejected", "code": self.code, "message": self.message}
        if self.problems:
            body["errors"] = [{"field": problem.field, "message": problem.message} for problem in self.problems]
        return body


class BadRequest(DomainError):
    """Malformed JSON, a body that is not an object, or an unusable query parameter."""


class InvalidField(DomainError, status_code=422, code="invalid_field"):
    @classmethod
    def of(cls, field: str, message: str) -> InvalidField:
        return cls(f"{field}: {message}", [FieldProblem(field, message)])

    @classmethod
    def of_many(cls, problems: Sequence[FieldProblem]) -> InvalidField:
        return cls("; ".join(f"{problem.field}: {problem.message}" for problem in problems), problems)


class Unauthorized(DomainError, status_code=401, code="unauthorized"): ...


class NotFound(DomainError, status_code=404, code="not_found"): ...


class Conflict(DomainError, status_code=409, code="conflict"): ...


class Busy(DomainError, status_code=503, code="busy"):
    """Nothing was stored and the sender should retry (§3: a 5xx is safe to retry)."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class TooManyRequests(DomainError, status_code=429, code="too_many_requests"):
    """A sender over its rate: nothing was taken; it may retry after ``retry_after`` seconds (§22)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PayloadTooLarge(DomainError, status_code=413, code="payload_too_large"): ...


class UnsupportedMediaType(DomainError, status_code=415, code="unsupported_media_type"): ...


def problems_from(errors: Sequence[Mapping[str, Any]], prefix: str = "") -> list[FieldProblem]:
    """Names each field the way the sender wrote it: ``pull_request.merged_at``, ``links.0.href``."""
    problems = []
    for error in errors:
        path = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
        field = ".".join(part for part in (prefix, path) if part) or "body"
        problems.append(FieldProblem(field, _plain_message(error)))
    return problems


def _plain_message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    return message.removeprefix("Value error, ")
