"""Rule violations in words a support engineer understands.

Every rule of the API raises a pydantic error whose *type* names the rule (the sandbox maps
it to the platform's error code, the bot to a translated message) and whose message says
what is wrong and what is allowed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


class Rule(StrEnum):
    """The kinds of violation, one per documented rule."""

    EMPTY_TEXT = "empty_text"
    TEXT_TOO_LONG = "text_too_long"
    TTL_OUT_OF_RANGE = "ttl_out_of_range"
    TTL_NOT_WHOLE_DAYS = "ttl_not_whole_days"
    TTL_UNIT_WITHOUT_TTL = "ttl_unit_without_ttl"
    SENDER_REQUIRED = "sender_required"
    PHONE_INVALID = "phone_invalid"
    FLASHCALL_CODE = "flashcall_code"
    CAPTION = "caption"
    ACTION_URL = "action_url"
    LENGTH = "length"
    NOTIFY_URL = "notify_url"
    EXTRA_PARAM = "extra_param"
    WEEKDAYS = "weekdays"
    TIME_OF_DAY = "time_of_day"
    DEADLINE = "deadline"
    CASCADE_STATE = "cascade_state"
    CONTENT_CHOICE = "content_choice"


def rule_error(
    rule: Rule, message: str, *, at: str | None = None, **context: Any
) -> PydanticCustomError:
    """An error to raise from a validator; `message` may use `{name}` fields of `context`.

    `at` names the offending field (wire name) when a model-level validator raises, so the
    violation points at ``message.data.ttl`` rather than at ``message.data``.
    """
    if at is not None:
        context["at"] = at
    return PydanticCustomError(rule.value, message, context or None)


def violation(
    title: str, loc: tuple[str | int, ...], error: PydanticCustomError
) -> ValidationError:
    """A `ValidationError` holding one rule error, for a rule checked outside a model (where
    content is put together from a form, before any model exists)."""
    details = InitErrorDetails(type=error, loc=loc, input=None)
    return ValidationError.from_exception_data(title, [details])


@dataclass(frozen=True, slots=True)
class Violation:
    field: str
    """Dotted path in the request, e.g. ``message.data.instantContent.data.caption``."""
    rule: str
    """A `Rule` value, or pydantic's own error type (``missing``, ``extra_forbidden``...)."""
    message: str
    context: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


_GENERIC_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field the platform knows here",
}


def describe(exc: ValidationError) -> list[Violation]:
    """Turn a pydantic validation error into violations with readable field paths."""
    violations = []
    for error in exc.errors(include_url=False):
        ctx = dict(error.get("ctx") or {})
        path = ".".join(p for p in (_field_path(error["loc"]), ctx.pop("at", None)) if p)
        kind = error["type"]
        message = _GENERIC_MESSAGES.get(kind, error["msg"])
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            # pydantic points at the union; the offending field is its tag.
            path = f"{path}.type" if path else "type"
            message = _tag_message(ctx)
        violations.append(Violation(path, kind, message, ctx))
    return violations


def explain(exc: ValidationError) -> str:
    """All violations, one per line."""
    return "\n".join(str(v) for v in describe(exc))


def _field_path(loc: tuple[int | str, ...]) -> str:
    # Discriminated unions insert the tag ("SMS", "BUTTON") into the location; API field
    # names are camelCase, so an all-uppercase element is always such a tag.
    parts = [str(p) for p in loc if not (isinstance(p, str) and p.isupper())]
    return ".".join(parts)


def _tag_message(ctx: dict[str, Any]) -> str:
    expected = ctx.get("expected_tags", "")
    tag = ctx.get("tag")
    if tag is None:
        return f"type is required; one of {expected}"
    return f"type {tag!r} is not known; one of {expected}"
