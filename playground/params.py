"""Bot API parameters from any of the request shapes Telegram accepts, read with types.

Telegram takes the query string, JSON bodies, urlencoded and multipart forms. In forms every
value is a string, and complex values (reply_markup, commands, scope...) are JSON strings:
that is what aiogram's ``AiohttpSession.build_form_data`` sends (ints and bools JSON-dumped,
None and empty values left out). So values are typed when a method reads them, by name,
as Telegram does, and `values` then holds what was read, for the call record.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from playground.errors import ApiError, bad_request

_INTEGER = re.compile(r"\s*-?\d+\s*")
_TRUE = frozenset({"true", "1", "True"})
_FALSE = frozenset({"false", "0", "False"})


async def read_params(request: web.Request) -> dict[str, Any]:
    """The query string merged with the body (body wins), before typing."""
    values: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return values
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        values.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            # Files are not emulated: keep a marker so the call record shows one came.
            name = getattr(value, "filename", None) or key
            values[key] = value if isinstance(value, str) else f"<file {name}>"
    return values


class Params:
    """Typed access to one call's parameters; raises Telegram's 400 on a wrong type."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def _raw(self, name: str) -> Any:
        value = self.values.get(name)
        return None if value is None or value == "" else value

    def integer(self, name: str, *, missing: str | None = None) -> int | None:
        value = self._raw(name)
        if value is None:
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            self.values[name] = int(value)
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def string(self, name: str, *, missing: str | None = None) -> str | None:
        value = self._raw(name)
        if value is None:
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, str):
            return value
        raise bad_request(f'field "{name}" must be of type String')

    def flag(self, name: str) -> bool:
        value = self._raw(name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if value in _TRUE or value == 1:
            self.values[name] = True
            return True
        if value in _FALSE or value == 0:
            self.values[name] = False
            return False
        raise bad_request(f'field "{name}" must be of type Boolean')

    def json_value(self, name: str, *, invalid: ApiError) -> Any:
        """A JSON-typed parameter: an object or array in a JSON body, a JSON string in a form."""
        value = self._raw(name)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise invalid from None
            self.values[name] = value
        return value

    def chat_id(self, *, required: bool = True) -> int | str | None:
        """An integer id, or "@username" (public chats) as Telegram allows."""
        value = self._raw("chat_id")
        if value is None:
            if required:
                raise bad_request("chat_id is empty")
            return None
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return self.integer("chat_id")
        except ApiError:
            raise bad_request("chat not found") from None
