"""The legacy API's rules: what the models accept, and what they refuse in plain words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from provider.legacy import LegacyChannel, LegacySendRequest, new_client_id_message
from provider.legacy.rules import BUTTON_TEXT_LIMIT, VIBER_TEXT_LIMIT
from provider.violations import Violation, describe

PHONE = "79001234560"


def body(**fields: Any) -> dict[str, Any]:
    """A valid Viber message to PHONE, `fields` overriding."""
    return {"phones": [PHONE], "send_viber": 1, "text_viber": "Code 1234", **fields}


def only_violation(fields: dict[str, Any]) -> Violation:
    with pytest.raises(ValidationError) as caught:
        LegacySendRequest.model_validate(fields)
    violations = describe(caught.value)
    assert len(violations) == 1, violations
    return violations[0]


ACCEPTED = {
    "viber text at the limit": body(text_viber="v" * VIBER_TEXT_LIMIT),
    "caption at the limit": body(button_text="b" * BUTTON_TEXT_LIMIT, button_url="https://x.io"),
    "button with an image": body(
        button_text="Open", button_url="https://x.io", image_url="https://x.io/i.png"
    ),
    # What the page states no rule for is not refused (seed 003, lines 18-25):
    "lifetime of a week (the page gives no range)": body(validity_period_viber=10080),
    "lifetime of 1 minute": body(validity_period_viber=1),
    "button link of any form": body(button_text="Open", button_url="viber://pa?chatURI=desk"),
    "image link of any form": body(button_text="Open", button_url="x.io", image_url="x.io/i"),
    "sms text of 5000 characters": body(send_sms=2, text_sms="s" * 5000),
    "client id of 30 digits": body(phones=[{"phone": PHONE, "client_id_message": "9" * 30}]),
    "vk by template": {"phones": [PHONE], "send_vk": 1, "templateId": "100"},
    "template data as GET's JSON text": {
        "phones": [PHONE],
        "send_vk": 1,
        "templateId": 100,
        "templateData": '{"Name":"Имя","Where":"Москва"}',
    },
    "all three channels, strings as in the page": body(
        send_viber="1", send_vk="2", send_sms="3", text_sms="x", templateId="100"
    ),
    "empty optional fields as the page sends them": body(time_send="", name_delivery=""),
    "GET's comma-separated phones": {
        "phone": "79001234560,+7 900 123-45-61",
        "send_sms": 9,
        "text_sms": "x",
    },
}


@pytest.mark.parametrize("fields", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted_at_the_edges(fields: dict[str, Any]) -> None:
    LegacySendRequest.model_validate(fields)


REFUSED = {
    "no channel": (
        {"phones": [PHONE], "text_viber": "x"},
        "",
        "no_channel",
        "no channel is chosen",
    ),
    "priority 10": (body(send_viber=10), "send_viber", "priority", "0 (not used) or 1 to 9"),
    "negative priority": (body(send_sms=-1, text_sms="x"), "send_sms", "priority", "got -1"),
    "viber without text": (
        {"phones": [PHONE], "send_viber": 1},
        "text_viber",
        "empty_text",
        "text_viber is required when Viber is used",
    ),
    "viber text too long": (
        body(text_viber="v" * (VIBER_TEXT_LIMIT + 1)),
        "text_viber",
        "text_too_long",
        "1001 characters long; the limit is 1000",
    ),
    "sms without text": (
        body(send_sms=2),
        "text_sms",
        "empty_text",
        "text_sms is required when SMS is used",
    ),
    "caption of 20": (
        body(button_text="b" * 20, button_url="https://x.io"),
        "button_text",
        "caption",
        "20 characters long; the limit is 19",
    ),
    "caption without link": (
        body(button_text="Open"),
        "button_url",
        "button_incomplete",
        "button_text is given without button_url",
    ),
    "link without caption": (
        body(button_url="https://x.io"),
        "button_text",
        "button_incomplete",
        "button_url is given without button_text",
    ),
    "image without button": (
        body(image_url="https://x.io/i.png"),
        "image_url",
        "image_without_button",
        "only be sent with a button",
    ),
    "lifetime 0 minutes": (
        body(validity_period_viber=0),
        "validity_period_viber",
        "greater_than_equal",
        "greater than or equal to 1",
    ),
    "vk without template": (
        {"phones": [PHONE], "send_vk": 1},
        "templateId",
        "template_required",
        "templateId is required",
    ),
    "template data not an object": (
        body(templateData="[1, 2]"),
        "templateData",
        "template_data",
        "it is not an object",
    ),
    "template data not JSON": (
        body(templateData="{Name: Ivan}"),
        "templateData",
        "template_data",
        "not valid JSON",
    ),
    "template data nested": (
        body(templateData={"Name": {"first": "Ivan"}}),
        "templateData",
        "template_data",
        "'Name' is not a string or a number",
    ),
    "template data name for no XML element": (
        body(templateData={"1st": "x"}),
        "templateData",
        "template_data",
        "'1st' is not a plain name",
    ),
    "time_send format": (
        body(time_send="23.11.2017 13:00"),
        "time_send",
        "time_send",
        "YYYY-MM-DD hh:mm",
    ),
    "client id not a number": (
        body(phones=[{"phone": PHONE, "client_id_message": "desk-1"}]),
        "phones.0.client_id_message",
        "client_id_message",
        "whole number (digits only)",
    ),
    "client id twice": (
        body(
            phones=[
                {"phone": PHONE, "client_id_message": "7"},
                {"phone": "79001234561", "client_id_message": "7"},
            ]
        ),
        "client_id_message",
        "client_id_message",
        "each phone needs its own client_id_message",
    ),
    "bad phone": (body(phones=["12"]), "phones.0.phone", "phone_invalid", "too short"),
    "no phone": (body(phones=[]), "", "no_phone", "at least one phone"),
    "a channel the API has not": (
        body(send_whatsapp=1),
        "send_whatsapp",
        "extra_forbidden",
        "not a field the platform knows",
    ),
}


@pytest.mark.parametrize(("fields", "field", "rule", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_with_the_field_and_rule_in_words(
    fields: dict[str, Any], field: str, rule: str, words: str
) -> None:
    violation = only_violation(fields)

    assert (violation.field, violation.rule) == (field, rule)
    assert words in violation.message


def test_channels_are_tried_by_priority_ties_in_the_pages_order() -> None:
    request = LegacySendRequest.model_validate(
        body(send_viber=3, send_vk=1, send_sms=3, text_sms="x", templateId=1)
    )

    assert request.channels() == [LegacyChannel.VK, LegacyChannel.VIBER, LegacyChannel.SMS]


def test_wire_fields_are_the_pages_strings() -> None:
    request = LegacySendRequest.model_validate(
        body(
            finale_viber_read=True,
            validity_period_viber=5,
            templateData={"Name": "Имя", "Age": 30},
            time_send=datetime(2017, 11, 23, 13, 0),
        )
    )

    assert request.wire_fields() == {
        "send_viber": "1",
        "text_viber": "Code 1234",
        "validity_period_viber": "5",
        "finale_viber_read": "1",
        "templateData": {"Name": "Имя", "Age": "30"},
        "time_send": "2017-11-23 13:00",
    }


def test_client_ids_are_numbers_kept_when_given_and_made_when_not() -> None:
    request = LegacySendRequest.model_validate(
        body(phones=[{"phone": "8 (900) 123-45-60", "client_id_message": "0111"}, "79001234561"])
    )
    stamped = request.with_client_ids()

    assert [p.phone for p in stamped.phones] == [PHONE, "79001234561"]
    assert stamped.phones[0].client_id_message == "111"
    generated = stamped.phones[1].client_id_message or ""
    assert len(generated) == 18
    assert generated.isdigit()
    assert new_client_id_message() != new_client_id_message()


@pytest.mark.parametrize("field", ["name_delivery", "time_send"])
def test_get_cannot_carry_the_json_and_xml_only_fields(field: str) -> None:
    value = {"name_delivery": "Desk", "time_send": "2017-11-23 13:00"}[field]
    request = LegacySendRequest.model_validate(body(**{field: value}))

    request.check_transport("json")
    request.check_transport("xml")
    with pytest.raises(ValidationError) as caught:
        request.check_transport("get")

    [violation] = describe(caught.value)
    assert (violation.field, violation.rule) == (field, "json_xml_only")
    assert violation.message == f"{field} cannot be sent over GET (JSON and XML only)"


def test_a_validation_error_never_echoes_the_input() -> None:
    secret_text = "secret-text-" + "x" * VIBER_TEXT_LIMIT
    with pytest.raises(ValidationError) as caught:
        LegacySendRequest.model_validate(body(text_viber=secret_text))

    assert secret_text not in str(caught.value)
