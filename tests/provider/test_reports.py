"""Delivery reports as the platform sends them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from provider.channels import CascadeState, MessageType
from provider.reports import DeliveryReport, DeliveryStatus, lifetime_ran_out

DOCUMENTED: dict[str, Any] = {
    "id": "8770599",
    "mtNum": "107930572",
    "status": 2,
    "type": "SMS",
    "doneDate": "2019-05-05T10:20:35+0300",
    "submitDate": "2019-05-05T10:19:55+0300",
    "sourceAddr": "SOURCE",
    "destAddr": "72101234567",
    "text": "message_text",
    "partCount": "001",
    "errorCode": "0",
    "mccMnc": "25012",
    "trafficType": 0,
}


def test_the_documented_report_parses_and_serialises_back() -> None:
    report = DeliveryReport.model_validate(DOCUMENTED)

    assert report.status is DeliveryStatus.DELIVERED
    assert report.status.name == "DELIVERED"
    assert report.type is MessageType.SMS
    assert report.done_date == datetime(2019, 5, 5, 7, 20, 35, tzinfo=UTC)
    assert report.done_date.utcoffset() == timedelta(hours=3)
    assert report.error is None
    assert report.to_json() == DOCUMENTED


def test_only_mtnum_status_and_type_are_required() -> None:
    report = DeliveryReport.model_validate({"mtNum": "1", "status": 0, "type": "VIBER"})

    assert (report.mt_num, report.status.name, report.id, report.done_date) == (
        "1",
        "SEND",
        None,
        None,
    )


@pytest.mark.parametrize("missing", ["mtNum", "status", "type"])
def test_a_report_without_a_required_field_is_refused(missing: str) -> None:
    body = {k: v for k, v in DOCUMENTED.items() if k != missing}
    with pytest.raises(ValidationError) as caught:
        DeliveryReport.model_validate(body)
    assert caught.value.errors()[0]["loc"] == (missing,)


@pytest.mark.parametrize("status", [1, 3, "DELIVERED", None])
def test_an_undocumented_status_is_refused(status: object) -> None:
    with pytest.raises(ValidationError):
        DeliveryReport.model_validate({**DOCUMENTED, "status": status})


def test_an_empty_done_date_means_not_delivered_yet() -> None:
    report = DeliveryReport.model_validate({**DOCUMENTED, "status": 0, "doneDate": ""})
    assert report.done_date is None
    assert report.to_json()["doneDate"] == ""


def test_numbers_where_strings_are_documented_are_read_as_text() -> None:
    report = DeliveryReport.model_validate({**DOCUMENTED, "mtNum": 107930572, "id": 8770599})
    assert (report.mt_num, report.id) == ("107930572", "8770599")


def test_unknown_extra_fields_are_kept_not_refused() -> None:
    report = DeliveryReport.model_validate({**DOCUMENTED, "price": "1.20"})
    assert report.to_json()["price"] == "1.20"


@pytest.mark.parametrize(
    ("type_", "code", "name"),
    [
        ("SMS", "2", "absent-subscriber"),
        ("VIBER", "2", "absent-subscriber"),
        ("SMS", "14", "oper-spamfiltered"),
        ("FLASHINGCALL", "16", "busy"),
        ("PUSH", "23", "push-disabled"),
        ("PUSH", "28", "provider-error"),
        ("WHATSAPP", "10", "filtered"),
        ("TELEGRAM", "1", "unknown"),
        ("VIBER", "16", "busy (code 16)"),
        ("SMS", "99", "unknown (code 99)"),
        ("SMS", "", "unknown"),
        ("SMS", "0", "unknown"),
    ],
)
def test_error_codes_are_named_per_message_type(type_: str, code: str, name: str) -> None:
    report = DeliveryReport.model_validate(
        {**DOCUMENTED, "type": type_, "status": 5, "errorCode": code, "doneDate": ""}
    )
    assert report.status.is_final
    assert report.error == name


def test_dates_keep_their_offset_on_the_way_back() -> None:
    moscow = timezone(timedelta(hours=3))
    report = DeliveryReport(
        mt_num="5",
        status=DeliveryStatus.READ,
        type=MessageType.VIBER,
        submit_date=datetime(2026, 11, 23, 18, 0, 1, tzinfo=moscow),
    )
    assert report.to_json()["submitDate"] == "2026-11-23T18:00:01+0300"
    assert report.to_json()["status"] == 9


# -- a cascade step passed over when its lifetime ran out --------------------------------

D, R = CascadeState.DELIVERED, CascadeState.READ


@pytest.mark.parametrize(
    ("status", "wanted", "started", "ran_out"),
    [
        (DeliveryStatus.SEND, D, True, True),
        (None, D, True, True),
        (DeliveryStatus.DELIVERED, R, True, True),
        (DeliveryStatus.SEND, D, False, False),
        (DeliveryStatus.UNDELIVERED, D, True, False),
        (DeliveryStatus.UNDELIVERED, R, True, False),
        (DeliveryStatus.DELIVERED, D, True, False),
        (DeliveryStatus.READ, R, True, False),
    ],
)
def test_a_step_ran_out_of_lifetime_when_the_next_started_without_its_state(
    status: DeliveryStatus | None, wanted: CascadeState, started: bool, ran_out: bool
) -> None:
    assert lifetime_ran_out(status, wanted, next_step_started=started) is ran_out
