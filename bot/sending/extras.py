"""Reading the form fields beyond a message's text: a Push's app user and extra options, a
legacy VK template, a legacy send time. Each raises `FieldError` in the operator's words;
the rules themselves are the provider's (`provider.messages`, `provider.legacy`)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from pydantic import JsonValue, TypeAdapter, ValidationError

from bot.sending.field_errors import FieldError
from provider.channels import PUSH_LIST_OPTIONS, PUSH_OBJECT_OPTIONS
from provider.legacy.rules import TEMPLATE_KEY_PATTERN, TIME_SEND_FORMAT
from provider.messages import PushExtraOption

APP_USER_PREFIX = "user:"
"""How an operator writes an app user in place of a phone: ``user:5f1c-22a``."""

_EXTRA_OPTION: TypeAdapter[Any] = TypeAdapter(PushExtraOption)
_TEMPLATE = re.compile(r"\s*(?P<id>\d+)\s*(?P<data>.*)", re.DOTALL)
_TEMPLATE_KEY = re.compile(TEMPLATE_KEY_PATTERN)

TemplateData = dict[str, str | int | float]


def parse_app_user(value: str) -> str | None:
    """The externalUserId in ``user:<id>``; None when the value is not written so."""
    text = value.strip()
    if not text.lower().startswith(APP_USER_PREFIX):
        return None
    user = text[len(APP_USER_PREFIX) :].strip()
    if not user:
        raise FieldError("error-app-user")
    return user


def option_kind(name: str) -> str:
    """What an extra option's param_value is (the platform's Push page): object, list or
    string, by its param_name."""
    if name in PUSH_OBJECT_OPTIONS:
        return "object"
    if name in PUSH_LIST_OPTIONS:
        return "list"
    return "string"


def parse_push_options(value: str) -> list[dict[str, JsonValue]]:
    """extraOptions from JSON: ``{"RICH": {...}, "BADGE": "3"}`` (name: value), or the
    wire's own list of ``{"param_name": ..., "param_value": ...}``."""
    try:
        parsed = json.loads(value)
    except ValueError:
        raise FieldError("error-push-options-json") from None
    if isinstance(parsed, dict):
        entries: list[Any] = [
            {"param_name": name, "param_value": item} for name, item in parsed.items()
        ]
    elif isinstance(parsed, list):
        entries = parsed
    else:
        raise FieldError("error-push-options-json")
    options: list[dict[str, JsonValue]] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("param_name"), str):
            raise FieldError("error-push-options-json")
        name = entry["param_name"]
        try:
            option = _EXTRA_OPTION.validate_python(entry)
        except ValidationError:
            raise FieldError("error-push-option-type", name=name, kind=option_kind(name)) from None
        options.append(option.model_dump())
    return options


def parse_template(value: str) -> tuple[int, TemplateData | None]:
    """``100`` or ``100 {"Name": "Иван"}``: a VK template's id and its data (seed 003,
    lines 29-32: templateId, and templateData as JSON)."""
    match = _TEMPLATE.fullmatch(value)
    if match is None or int(match["id"]) == 0:
        raise FieldError("error-template")
    data_text = match["data"].strip()
    if not data_text:
        return int(match["id"]), None
    try:
        data = json.loads(data_text)
    except ValueError:
        raise FieldError("error-template-data") from None
    if not isinstance(data, dict) or not all(
        isinstance(key, str)
        and _TEMPLATE_KEY.fullmatch(key)
        and isinstance(item, str | int | float)
        and not isinstance(item, bool)
        for key, item in data.items()
    ):
        raise FieldError("error-template-data")
    return int(match["id"]), data


def parse_send_time(value: str) -> str:
    """A legacy send time, ``YYYY-MM-DD hh:mm`` (seed 003, line 74), written back the same
    way whatever spacing it came with."""
    try:
        moment = datetime.strptime(" ".join(value.split()), TIME_SEND_FORMAT)
    except ValueError:
        raise FieldError("error-send-time") from None
    return moment.strftime(TIME_SEND_FORMAT)
