"""The `extraParam` string: ``k1=v1,k2=v2`` where a comma inside a value is doubled."""

from __future__ import annotations

from collections.abc import Mapping


class ExtraParamError(ValueError):
    pass


def encode_extra_params(params: Mapping[str, str]) -> str:
    """Encode name/value pairs; names may contain neither ``,`` nor ``=`` and are non-empty."""
    pairs = []
    for name, value in params.items():
        if not name:
            raise ExtraParamError("a parameter name is empty")
        if "," in name or "=" in name:
            raise ExtraParamError(f"parameter name {name!r} may contain neither ',' nor '='")
        pairs.append(f"{name}={value.replace(',', ',,')}")
    return ",".join(pairs)


def decode_extra_params(encoded: str) -> dict[str, str]:
    """Inverse of `encode_extra_params`.

    Reading left to right, ``,,`` is a literal comma and a single ``,`` separates pairs.
    Names hold no commas, so a run of commas always ends a value: its pairs belong to the
    value and an odd last comma is the separator.
    """
    params: dict[str, str] = {}
    if encoded == "":
        return params
    chunks: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(encoded):
        char = encoded[i]
        if char == ",":
            if encoded.startswith(",,", i):
                current.append(",")
                i += 2
                continue
            chunks.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    chunks.append("".join(current))
    for chunk in chunks:
        name, sep, value = chunk.partition("=")
        if not sep or not name:
            raise ExtraParamError(f"{chunk!r} is not of the form name=value")
        if name in params:
            raise ExtraParamError(f"parameter {name!r} is given twice")
        params[name] = value
    return params
