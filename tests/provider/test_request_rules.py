"""The API's rules: what the request models accept, and what they refuse in plain words."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from provider.channels import CascadeState
from provider.messages import FlashingCallData, FlashingCallMessage, SmsData, SmsMessage
from provider.request import CascadeStep, SendRequest
from provider.violations import Violation, describe

PHONE = "79001234560"


def request(message: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"destAddr": PHONE, "message": message, **top}


def sms(**data: Any) -> dict[str, Any]:
    return {"type": "SMS", "data": {"text": "hello", **data}}


def viber_text(text: str = "hi", **data: Any) -> dict[str, Any]:
    content = {"type": "TEXT", "data": {"text": text}}
    return {"type": "VIBER", "data": {"instantContent": content, **data}}


def button(**fields: Any) -> dict[str, Any]:
    content = {
        "type": "BUTTON",
        "data": {"text": "t", "caption": "Open", "action": "https://x.example", **fields},
    }
    return {"type": "VIBER", "data": {"instantContent": content}}


def only_violation(body: dict[str, Any]) -> Violation:
    with pytest.raises(ValidationError) as caught:
        SendRequest.model_validate(body)
    violations = describe(caught.value)
    assert len(violations) == 1, violations
    return violations[0]


# -- accepted at the edges ------------------------------------------------------------

ACCEPTED = {
    "sms ttl 1 minute": sms(ttl=1),
    "sms ttl 2880 minutes": sms(ttl=2880),
    "sms ttl 48 hours": sms(ttl=48, ttlUnit="HOURS"),
    "sms text 2000 chars": sms(text="x" * 2000),
    "sms ttl 0 = account default": sms(ttl=0),
    "viber ttl 30 seconds": viber_text(ttl=30, ttlUnit="SECONDS"),
    "viber ttl 86400 seconds": viber_text(ttl=86400, ttlUnit="SECONDS"),
    "viber text 1000 chars": viber_text("v" * 1000),
    "viber caption 30 chars": button(caption="c" * 30),
    "viber action tel:": button(action="tel:+79001234560"),
    "viber action viber://": button(action="viber://pa?chatURI=desk"),
    "vk ttl 60 seconds": {"type": "VK", "data": {"text": "t", "serviceNumber": "s", "ttl": 1}},
    "whatsapp ttl 1440 minutes": {
        "type": "WHATSAPP",
        "data": {"instantContent": {"type": "TEXT", "data": {"text": "w"}}, "ttl": 1440},
    },
    "whatsapp ttl 7 days in hours": {
        "type": "WHATSAPP",
        "data": {
            "instantContent": {
                "type": "IMAGE_URL",
                "data": {"imageURL": "https://i.example/a.png"},
            },
            "ttl": 168,
            "ttlUnit": "HOURS",
        },
    },
    "flashcall 4 digits 1 min": {"type": "FLASHINGCALL", "data": {"text": "0042", "ttl": 1}},
    "flashcall 6 digits 5 min": {"type": "FLASHINGCALL", "data": {"text": "123456", "ttl": 5}},
    "flashcall code in a text": {"type": "FLASHINGCALL", "data": {"text": "Ваш код 2268"}},
    "flashcall text 2000 chars": {
        "type": "FLASHINGCALL",
        "data": {"text": "Код 2268 " + "x" * 1991, "ttl": 1},
    },
    "viber image address of any form (no rule stated)": {
        "type": "VIBER",
        "data": {"instantContent": {"type": "IMAGE_URL", "data": {"imageURL": "i.example/a"}}},
    },
    "push title 80 chars": {"type": "PUSH", "data": {"text": "p", "title": "t" * 80}},
    "push action and options at their limits": {
        "type": "PUSH",
        "data": {
            "text": "p",
            "content": {"actions": [{"title": "t" * 64, "action": "a" * 64, "options": "o" * 300}]},
        },
    },
    "push extraOptions: objects, a list, a string": {
        "type": "PUSH",
        "data": {
            "text": "p",
            "extraOptions": [
                {"param_name": "RICH", "param_value": {"imageUrl": "https://i.example/a.png"}},
                {"param_name": "LIVE_ACTIVITY", "param_value": {"event": "start"}},
                {"param_name": "SECURE", "param_value": {"ttl": 60}},
                {"param_name": "SENDING_PLATFORMS", "param_value": ["ANDROID", "IOS"]},
                {"param_name": "sound", "param_value": "default"},
            ],
        },
    },
    "telegram link 256 chars": {
        "type": "TELEGRAM",
        "data": {"text": "t", "link": "https://t.me/" + "l" * 243},
    },
    "telegram tg:// link": {
        "type": "TELEGRAM",
        "data": {"text": "t", "link": "tg://resolve?domain=x"},
    },
}


@pytest.mark.parametrize("message", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_values_at_the_limits_are_accepted(message: dict[str, Any]) -> None:
    body = request(message)
    assert SendRequest.model_validate(body).to_wire() == body


# -- refused, with the field and the rule named ---------------------------------------

REFUSED = {
    "sms text 2001": (sms(text="x" * 2001), "message.data.text", "text_too_long", "2000"),
    "sms empty text": (sms(text="  "), "message.data.text", "empty_text", "empty"),
    "sms ttl 2881 min": (sms(ttl=2881), "message.data.ttl", "ttl_out_of_range", "2 d"),
    "sms ttl 30 s": (sms(ttl=30, ttlUnit="SECONDS"), "message.data.ttl", "ttl_out_of_range", ""),
    "negative ttl": (sms(ttl=-1), "message.data.ttl", "ttl_out_of_range", "negative"),
    "unit without ttl": (sms(ttlUnit="HOURS"), "message.data.ttl", "ttl_unit_without_ttl", ""),
    "viber ttl 29 s": (
        viber_text(ttl=29, ttlUnit="SECONDS"),
        "message.data.ttl",
        "ttl_out_of_range",
        "Viber lifetime must be from 30 s to 1 d",
    ),
    "viber ttl 25 h": (
        viber_text(ttl=25, ttlUnit="HOURS"),
        "message.data.ttl",
        "ttl_out_of_range",
        "",
    ),
    "viber text 1001": (
        viber_text("v" * 1001),
        "message.data.instantContent.data.text",
        "text_too_long",
        "1001",
    ),
    "viber caption 31": (
        button(caption="c" * 31),
        "message.data.instantContent.data.caption",
        "caption",
        "30",
    ),
    "viber action ftp": (
        button(action="ftp://x"),
        "message.data.instantContent.data.action",
        "action_url",
        "viber://",
    ),
    "viber action 2049": (
        button(action="https://" + "a" * 2041),
        "message.data.instantContent.data.action",
        "length",
        "2048",
    ),
    "viber image empty": (
        {
            "type": "VIBER",
            "data": {"instantContent": {"type": "IMAGE_URL", "data": {"imageURL": " "}}},
        },
        "message.data.instantContent.data.imageURL",
        "empty_text",
        "empty",
    ),
    "vk without sender": (
        {"type": "VK", "data": {"text": "t"}},
        "message.data.serviceNumber",
        "sender_required",
        "VK needs a sender",
    ),
    "vk text 2001": (
        {"type": "VK", "data": {"text": "t" * 2001, "serviceNumber": "s"}},
        "message.data.text",
        "text_too_long",
        "the limit is 2000",
    ),
    "vk ttl 59 s": (
        {
            "type": "VK",
            "data": {"text": "t", "serviceNumber": "s", "ttl": 59, "ttlUnit": "SECONDS"},
        },
        "message.data.ttl",
        "ttl_out_of_range",
        "1 min",
    ),
    "whatsapp 1500 min": (
        {
            "type": "WHATSAPP",
            "data": {"instantContent": {"type": "TEXT", "data": {"text": "w"}}, "ttl": 1500},
        },
        "message.data.ttl",
        "ttl_not_whole_days",
        "whole days",
    ),
    "whatsapp button": (
        {
            "type": "WHATSAPP",
            "data": {"instantContent": button()["data"]["instantContent"]},
        },
        "message.data.instantContent.type",
        "union_tag_invalid",
        "'BUTTON' is not known",
    ),
    "flashcall 5 digits": (
        {"type": "FLASHINGCALL", "data": {"text": "12345", "ttl": 1}},
        "message.data.text",
        "flashcall_code",
        "4 or 6 digits",
    ),
    "flashcall text without a code": (
        {"type": "FLASHINGCALL", "data": {"text": "Ваш код", "ttl": 1}},
        "message.data.text",
        "flashcall_code",
        "must contain the code, once: 4 or 6 digits",
    ),
    "flashcall text with two codes": (
        {"type": "FLASHINGCALL", "data": {"text": "1234 или 5678", "ttl": 1}},
        "message.data.text",
        "flashcall_code",
        "once",
    ),
    "flashcall text 2001 chars": (
        {"type": "FLASHINGCALL", "data": {"text": "Код 2268 " + "x" * 1992, "ttl": 1}},
        "message.data.text",
        "text_too_long",
        "the limit is 2000",
    ),
    "flashcall 6 min": (
        {"type": "FLASHINGCALL", "data": {"text": "1234", "ttl": 6}},
        "message.data.ttl",
        "ttl_out_of_range",
        "FlashingCall lifetime must be from 1 min to 5 min",
    ),
    "flashcall with sender": (
        {"type": "FLASHINGCALL", "data": {"text": "1234", "ttl": 1, "serviceNumber": "x"}},
        "message.data.serviceNumber",
        "extra_forbidden",
        "not a field",
    ),
    "push title 81": (
        {"type": "PUSH", "data": {"text": "p", "title": "t" * 81}},
        "message.data.title",
        "length",
        "80",
    ),
    "push content url 513": (
        {"type": "PUSH", "data": {"text": "p", "content": {"contentUrl": "u" * 513}}},
        "message.data.content.contentUrl",
        "length",
        "512",
    ),
    "push action title 65": (
        {
            "type": "PUSH",
            "data": {"text": "p", "content": {"actions": [{"title": "a" * 65, "action": "x"}]}},
        },
        "message.data.content.actions.0.title",
        "length",
        "64",
    ),
    "push action 65": (
        {
            "type": "PUSH",
            "data": {"text": "p", "content": {"actions": [{"title": "t", "action": "a" * 65}]}},
        },
        "message.data.content.actions.0.action",
        "length",
        "64",
    ),
    "push action options 301": (
        {
            "type": "PUSH",
            "data": {
                "text": "p",
                "content": {"actions": [{"title": "t", "action": "a", "options": "o" * 301}]},
            },
        },
        "message.data.content.actions.0.options",
        "length",
        "300",
    ),
    "push RICH with a string": (
        {
            "type": "PUSH",
            "data": {"text": "p", "extraOptions": [{"param_name": "RICH", "param_value": "x"}]},
        },
        "message.data.extraOptions.0.param_value",
        "dict_type",
        "dictionary",
    ),
    "push SENDING_PLATFORMS with an object": (
        {
            "type": "PUSH",
            "data": {
                "text": "p",
                "extraOptions": [{"param_name": "SENDING_PLATFORMS", "param_value": {"a": 1}}],
            },
        },
        "message.data.extraOptions.0.param_value",
        "list_type",
        "list",
    ),
    "push other option with a list": (
        {
            "type": "PUSH",
            "data": {"text": "p", "extraOptions": [{"param_name": "sound", "param_value": ["x"]}]},
        },
        "message.data.extraOptions.0.param_value",
        "string_type",
        "string",
    ),
    "telegram link 257": (
        {"type": "TELEGRAM", "data": {"text": "t", "link": "https://t.me/" + "l" * 244}},
        "message.data.link",
        "length",
        "256",
    ),
    "telegram empty link": (
        {"type": "TELEGRAM", "data": {"text": "t", "link": ""}},
        "message.data.link",
        "empty_text",
        "Telegram link is empty",
    ),
    "telegram link not a url": (
        {"type": "TELEGRAM", "data": {"text": "t", "link": "t.me/desk"}},
        "message.data.link",
        "action_url",
        "must start with http://, https://, tg://",
    ),
    "telegram link without a host": (
        {"type": "TELEGRAM", "data": {"text": "t", "link": "https://"}},
        "message.data.link",
        "action_url",
        "The Telegram link",
    ),
    "unknown type": ({"type": "FAX", "data": {}}, "message.type", "union_tag_invalid", "FAX"),
}


@pytest.mark.parametrize(
    ("message", "field", "rule", "words"), REFUSED.values(), ids=REFUSED.keys()
)
def test_each_rule_names_the_field_and_says_why(
    message: dict[str, Any], field: str, rule: str, words: str
) -> None:
    violation = only_violation(request(message))

    assert (violation.field, violation.rule) == (field, rule)
    assert words in violation.message


TOP_LEVEL_REFUSED = {
    "empty notifyUrl": ({"notifyUrl": ""}, "notifyUrl", "notify_url"),
    "notifyUrl 2049": ({"notifyUrl": "h" * 2049}, "notifyUrl", "notify_url"),
    "extraParam without =": ({"extraParam": "a=1,b"}, "extraParam", "extra_param"),
    "weekday 8": (
        {"scheduleInfo": {"weekdaysSchedule": "1238"}},
        "scheduleInfo.weekdaysSchedule",
        "weekdays",
    ),
    "time 24:00": (
        {"scheduleInfo": {"timeBegin": "24:00"}},
        "scheduleInfo.timeBegin",
        "time_of_day",
    ),
    "naive deadline": (
        {"scheduleInfo": {"deadline": "2019-05-10T16:29:30"}},
        "scheduleInfo.deadline",
        "deadline",
    ),
    "empty id": ({"id": ""}, "id", "string_too_short"),
}


@pytest.mark.parametrize(
    ("top", "field", "rule"), TOP_LEVEL_REFUSED.values(), ids=TOP_LEVEL_REFUSED.keys()
)
def test_top_level_rules(top: dict[str, Any], field: str, rule: str) -> None:
    violation = only_violation(request(sms(), **top))
    assert (violation.field, violation.rule) == (field, rule)


def test_notify_url_of_2048_chars_and_a_full_schedule_are_accepted() -> None:
    body = request(
        sms(),
        notifyUrl="h" * 2048,
        extraParam="place=abzakovo,,ural,c=1",
        scheduleInfo={
            "timeBegin": "10:00",
            "timeEnd": "21:00",
            "weekdaysSchedule": "12345",
            "deadline": "2019-05-10T16:29:30+0300",
        },
        useTimeDiff=True,
        registeredDelivery=2,
    )
    assert SendRequest.model_validate(body).to_wire() == body


def test_a_day_named_twice_is_no_broken_rule() -> None:
    # Seed 001, line 87 asks for digits 1 to 7 and nothing more.
    body = request(sms(), scheduleInfo={"weekdaysSchedule": "1123"})
    assert SendRequest.model_validate(body).to_wire() == body


@pytest.mark.parametrize(
    "raw", ["8-900-123-45-60", "+7 (900) 123-45-60", "89001234560", "79001234560"]
)
def test_destination_is_sent_in_canonical_digits(raw: str) -> None:
    wire = SendRequest.model_validate(request(sms(), destAddr=raw)).to_wire()
    assert wire["destAddr"] == PHONE


def test_bad_destination_is_refused_with_the_reason() -> None:
    violation = only_violation(request(sms(), destAddr="12-34-56-78"))
    assert (violation.field, violation.rule) == ("destAddr", "phone_invalid")
    assert "too short" in violation.message


# -- cascades -------------------------------------------------------------------------


def test_read_after_sms_is_refused_and_explained() -> None:
    body = request(
        sms(),
        cascadeChainLink={"state": "READ", "message": viber_text()},
    )
    violation = only_violation(body)

    assert violation.rule == "cascade_state"
    assert violation.message == (
        "step 2 waits for READ, but SMS never reports READ; a step after SMS must use DELIVERED"
    )


def test_read_after_flashcall_deep_in_the_chain_is_refused() -> None:
    body = request(
        viber_text(),
        cascadeChainLink={
            "state": "READ",
            "message": {"type": "FLASHINGCALL", "data": {"text": "1234", "ttl": 1}},
            "nextLink": {"state": "READ", "message": sms()},
        },
    )
    violation = only_violation(body)
    assert "step 3 waits for READ, but FlashingCall never reports READ" in violation.message


def test_steps_build_the_nested_chain_of_any_length() -> None:
    steps = [
        CascadeStep(
            SmsMessage(data=SmsData(text=f"step {n}")), None if n == 1 else CascadeState.DELIVERED
        )
        for n in range(1, 6)
    ]
    wire = SendRequest.from_steps(PHONE, steps, id="42").to_wire()

    texts = [wire["message"]["data"]["text"]]
    link = wire.get("cascadeChainLink")
    while link is not None:
        assert link["state"] == "DELIVERED"
        texts.append(link["message"]["data"]["text"])
        link = link.get("nextLink")
    assert texts == [f"step {n}" for n in range(1, 6)]
    assert SendRequest.model_validate(wire).steps() == steps


def test_flashcall_then_sms_matches_the_documented_shape() -> None:
    steps = [
        CascadeStep(FlashingCallMessage(data=FlashingCallData(text="1234", ttl=1))),
        CascadeStep(SmsMessage(data=SmsData(text="Your code 1234")), CascadeState.DELIVERED),
    ]
    assert SendRequest.from_steps("8-900-123-45-60", steps).to_wire() == {
        "destAddr": PHONE,
        "registeredDelivery": 1,
        "message": {"type": "FLASHINGCALL", "data": {"text": "1234", "ttl": 1}},
        "cascadeChainLink": {
            "state": "DELIVERED",
            "message": {"type": "SMS", "data": {"text": "Your code 1234"}},
        },
    }


# -- secrets --------------------------------------------------------------------------


def test_password_is_on_the_wire_only() -> None:
    body = request(sms(), login="desk", password="s3cret-pass")
    model = SendRequest.model_validate(body)

    assert model.to_wire()["password"] == "s3cret-pass"
    assert model.redacted()["password"] == "***"
    assert "s3cret-pass" not in repr(model)
    assert "s3cret-pass" not in model.model_dump_json()


def test_validation_error_never_echoes_the_password() -> None:
    body = request(sms(text=""), login="desk", password="s3cret-pass")
    with pytest.raises(ValidationError) as caught:
        SendRequest.model_validate(body)
    assert "s3cret-pass" not in str(caught.value)


# -- who receives it: destAddr or a Push's externalUserId ------------------------------


def push_to_user(user: str = "user-42") -> dict[str, Any]:
    return {"type": "PUSH", "data": {"text": "p", "externalUserId": user}}


def test_a_push_to_an_external_user_id_needs_no_dest_addr() -> None:
    body = {"message": push_to_user()}

    request = SendRequest.model_validate(body)

    assert request.dest_addr is None
    assert request.to_wire() == body
    assert request.steps()[0].external_user_id == "user-42"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"message": sms()}, id="sms"),
        pytest.param({"message": {"type": "PUSH", "data": {"text": "p"}}}, id="push without user"),
        pytest.param(
            {
                "message": push_to_user(),
                "cascadeChainLink": {"state": "DELIVERED", "message": sms()},
            },
            id="push to a user then sms",
        ),
    ],
)
def test_without_dest_addr_every_step_must_be_a_push_to_a_user(body: dict[str, Any]) -> None:
    violation = only_violation(body)

    assert (violation.field, violation.rule) == ("destAddr", "missing")
    assert violation.message == "is required"


# -- reports for every step of a cascade ------------------------------------------------


def two_steps() -> list[CascadeStep]:
    return [
        CascadeStep(SmsMessage(data=SmsData(text="one"))),
        CascadeStep(SmsMessage(data=SmsData(text="two")), CascadeState.DELIVERED),
    ]


def test_a_cascade_built_from_steps_asks_for_every_report() -> None:
    # Seed 000, line 15: registeredDelivery "1" brings reports for every step of a chain.
    assert SendRequest.from_steps(PHONE, two_steps()).to_wire()["registeredDelivery"] == 1


def test_a_single_message_keeps_the_accounts_default_and_a_given_value_is_kept() -> None:
    single = SendRequest.from_steps(PHONE, two_steps()[:1]).to_wire()
    chosen = SendRequest.from_steps(PHONE, two_steps(), registered_delivery=2).to_wire()

    assert "registeredDelivery" not in single
    assert chosen["registeredDelivery"] == 2
