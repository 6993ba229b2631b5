"""Hypothesis strategies for request bodies the report receiver may be sent: valid reports and
batches, and the same truncated, with wrong types, huge numbers, odd unicode (lone surrogates
written as escapes), deep nesting, or no JSON at all."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from provider.channels import MessageType
from provider.reports import DeliveryStatus

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
HUGE_NUMBERS = st.sampled_from(
    [10**30, -(10**30), 2**63, -(2**63) - 1, 10**4000, 1e308, float("inf"), float("nan")]
)
# Every code point but the surrogates (JSON text cannot carry those unescaped).
ODD_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)

OFFSETS = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@st.composite
def report_dates(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
    if draw(st.booleans()):  # the documented form, with an offset
        return moment.replace(tzinfo=draw(OFFSETS)).strftime("%Y-%m-%dT%H:%M:%S%z")
    return moment.isoformat()  # naive


def plausible(field: str) -> st.SearchStrategy[Any]:
    return {
        "mtNum": st.text(min_size=1, max_size=12) | st.integers(min_value=0),
        "status": st.sampled_from([int(s) for s in DeliveryStatus]),
        "type": st.sampled_from([t.value for t in MessageType]),
        "id": st.text(max_size=12) | st.integers(),
        "destAddr": st.from_regex(r"\+?7[0-9]{10}", fullmatch=True) | ODD_TEXT,
        "doneDate": st.just("") | report_dates(),
        "submitDate": report_dates(),
        "errorCode": st.integers(min_value=0, max_value=30).map(str) | st.integers(0, 30),
        "text": ODD_TEXT,
        "trafficType": st.integers(min_value=0, max_value=3),
    }[field]


FIELDS = ("mtNum", "status", "type", "id", "destAddr", "doneDate", "submitDate", "errorCode")
OPTIONAL = ("id", "destAddr", "doneDate", "submitDate", "errorCode", "text", "trafficType")


@st.composite
def reports(draw: st.DrawFn) -> dict[str, Any]:
    """A report: usually valid, some fields replaced by a wrong type, a huge number or odd
    text, now and then an extra field or a required one missing."""
    report: dict[str, Any] = {}
    for field in ("mtNum", "status", "type", *draw(st.lists(st.sampled_from(OPTIONAL)))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            continue  # missing
        if kind == 1:
            report[field] = draw(JSON_VALUES)
        elif kind == 2:
            report[field] = draw(HUGE_NUMBERS)
        elif kind == 3:
            report[field] = draw(ODD_TEXT)
        else:
            report[field] = draw(plausible(field))
    extras = draw(st.dictionaries(ODD_TEXT, JSON_VALUES, max_size=2))
    return {**extras, **report}


def _surrogate_inside(text: str, position: int) -> str:
    """A lone surrogate written as a JSON escape in the first string at or after
    ``position`` (the text unchanged if there is none)."""
    quote = text.find('"', position)
    if quote < 0:
        return text
    return text[: quote + 1] + "\\udc80" + text[quote + 1 :]


@st.composite
def body_families(draw: st.DrawFn) -> list[bytes]:
    """Ten bodies from two generated reports (drawing is what takes the time; deriving
    more bodies from what was drawn is cheap): each alone, as a batch, truncated, with a lone
    surrogate, with a huge number; a deep nesting, any JSON value, bytes that are no JSON."""
    first, second = draw(reports()), draw(reports())
    text = json.dumps(first, ensure_ascii=False)
    batch = json.dumps([first, second])
    huge_field = draw(st.sampled_from(FIELDS))
    depth = draw(st.integers(1, 5000))
    opening = draw(st.sampled_from([b"[", b'{"a":', b'{"mtNum": "1", "x": [']))
    return [
        text.encode(),
        json.dumps(second).encode(),  # ASCII, non-ASCII as escapes
        batch.encode(),
        text[: draw(st.integers(0, len(text)))].encode(),
        _surrogate_inside(batch, draw(st.integers(0, len(batch)))).encode(),
        json.dumps({**first, huge_field: draw(HUGE_NUMBERS)}).encode(),
        opening * depth + b"]" * depth,
        json.dumps(draw(JSON_VALUES)).encode(),
        draw(st.binary(max_size=40)),
        json.dumps([first] * draw(st.integers(0, 3))).encode(),
    ]


@st.composite
def valid_reports(draw: st.DrawFn) -> dict[str, Any]:
    """A report the platform could send: every field of the right type and in range, any
    text in its strings."""
    moment = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 31))
    dates = st.builds(
        lambda at, zone: at.replace(tzinfo=zone).strftime("%Y-%m-%dT%H:%M:%S%z"), moment, OFFSETS
    )
    report = {
        "mtNum": draw(st.text(min_size=1, max_size=12) | st.integers(min_value=0)),
        "status": draw(plausible("status")),
        "type": draw(plausible("type")),
    }
    optional = {
        "id": st.text(max_size=12),
        "destAddr": ODD_TEXT,
        "doneDate": st.just("") | dates,
        "submitDate": dates,
        "errorCode": plausible("errorCode"),
        "text": ODD_TEXT,
        "price": JSON_VALUES,
    }
    for field in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        report[field] = draw(optional[field])
    return report
