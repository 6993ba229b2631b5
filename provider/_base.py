"""The base of every wire model: Python names in snake_case, the API's camelCase on the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A model of something we send; unknown fields are an error (they would be typos)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
        # A validation error must never echo the request back: it holds the password.
        hide_input_in_errors=True,
    )
