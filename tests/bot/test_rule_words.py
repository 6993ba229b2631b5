"""Every rule the provider (and the bot's own checks) can break reads, on the form card, as
the operator's language: no provider English in Russian, no Russian in English, no
markup shown as text (issue #20; the catalogs' keys alone: test_catalogs.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import InitErrorDetails

from bot.sending.drafts import Draft, StepDraft
from bot.sending.legacy_fit import LegacyFit, draft_refusals
from bot.sending.voice import VOICE_CODE_ACCOUNT, VOICE_CODE_TEXT, voice_code_violations
from bot.settings import ProviderApi
from bot.ui.i18n import Catalogs
from bot.ui.violations import explain_violations
from playground.html_parser import parse_html
from provider.channels import MessageType
from provider.legacy import LegacyRule, LegacySendRequest
from provider.messages import one_content_only
from provider.request import ScheduleInfo, SendRequest
from provider.violations import Rule, describe
from tests.bot.test_catalog_texts import foreign_words
from tests.bot.test_catalogs import GENERIC_RULES

PHONE = "79001234567"


def send(message_type: str, data: dict[str, Any], **fields: Any) -> Callable[[], object]:
    body = {"destAddr": PHONE, "message": {"type": message_type, "data": data}, **fields}
    return lambda: SendRequest.model_validate(body)


def sms(**data: Any) -> Callable[[], object]:
    return send("SMS", {"text": "hi", **data})


def viber(content: dict[str, Any], **data: Any) -> Callable[[], object]:
    return send("VIBER", {"serviceNumber": "Brand", "instantContent": content, **data})


def push(**data: Any) -> Callable[[], object]:
    return send("PUSH", {"text": "hi", **data})


def legacy(**fields: Any) -> Callable[[], object]:
    body = {"send_sms": 1, "text_sms": "hi", "phones": [PHONE], **fields}
    return lambda: LegacySendRequest.model_validate(body)


def raised(errors: list[InitErrorDetails]) -> Callable[[], object]:
    def build() -> object:
        raise ValidationError.from_exception_data("Draft", errors)

    return build


def draft(*steps: StepDraft, **fields: Any) -> Draft:
    return Draft(kind="send", account="main", phone=PHONE, steps=list(steps), **fields)


CASCADE = {
    "type": "SMS",
    "data": {"text": "hi"},
}

CASES: dict[str, Callable[[], object]] = {
    # provider.violations.Rule
    "empty_text": sms(text=" "),
    "empty_text viber": viber({"type": "TEXT", "data": {"text": ""}}),
    "empty_text image": viber({"type": "IMAGE_URL", "data": {"imageURL": " "}}),
    "empty_text link": send("TELEGRAM", {"text": "hi", "link": " "}),
    "empty_text legacy": legacy(send_viber=2, sender_viber="Brand"),
    "text_too_long": sms(text="x" * 2001),
    "text_too_long viber": viber({"type": "TEXT", "data": {"text": "x" * 1001}}),
    "ttl_out_of_range": send(
        "VK", {"text": "hi", "serviceNumber": "B", "ttl": 25, "ttlUnit": "HOURS"}
    ),
    "ttl_out_of_range seconds": sms(ttl=30, ttlUnit="SECONDS"),
    "ttl_out_of_range negative": sms(ttl=-5),
    "ttl_not_whole_days": send(
        "WHATSAPP",
        {"instantContent": {"type": "TEXT", "data": {"text": "hi"}}, "ttl": 36, "ttlUnit": "HOURS"},
    ),
    "ttl_unit_without_ttl": sms(ttlUnit="HOURS"),
    "sender_required": send("VK", {"text": "hi"}),
    "phone_invalid": lambda: SendRequest.model_validate(
        {"destAddr": "call me", "message": {"type": "SMS", "data": {"text": "hi"}}}
    ),
    "phone_invalid short": lambda: SendRequest.model_validate(
        {"destAddr": "+7 900", "message": {"type": "SMS", "data": {"text": "hi"}}}
    ),
    "flashcall_code": send("FLASHINGCALL", {"text": "no code here"}),
    "caption": viber(
        {"type": "BUTTON", "data": {"text": "hi", "caption": "", "action": "https://a.io"}}
    ),
    "action_url": viber(
        {"type": "BUTTON", "data": {"text": "hi", "caption": "Go", "action": "ftp://a.io"}}
    ),
    "action_url link": send("TELEGRAM", {"text": "hi", "link": "ftp://a.io"}),
    "length": push(title="x" * 1001),
    "length button": viber(
        {
            "type": "BUTTON",
            "data": {"text": "hi", "caption": "Go", "action": "https://a.io/" + "x" * 2048},
        }
    ),
    "notify_url": sms(),  # replaced below: notifyUrl belongs to the request
    "extra_param": sms(),
    "weekdays": lambda: ScheduleInfo.model_validate({"weekdaysSchedule": "189"}),
    "time_of_day": lambda: ScheduleInfo.model_validate({"timeBegin": "25:00"}),
    "deadline": lambda: ScheduleInfo.model_validate({"deadline": "2026-12-31T18:00:00"}),
    "cascade_state": lambda: SendRequest.model_validate(
        {
            "destAddr": PHONE,
            "message": CASCADE,
            "cascadeChainLink": {"state": "READ", "message": CASCADE},
        }
    ),
    "content_choice": lambda: (_ for _ in ()).throw(
        one_content_only(MessageType.VIBER, ("message", "data", "instantContent"))
    ),
    # pydantic's own checks the form can reach
    "missing": lambda: SendRequest.model_validate({"message": CASCADE}),
    "greater_than_equal": legacy(send_viber=2, text_viber="hi", validity_period_viber=0),
    "greater_than": legacy(send_vk=2, templateId=0),
    "dict_type": push(extraOptions=[{"param_name": "RICH", "param_value": "x"}]),
    "list_type": push(extraOptions=[{"param_name": "SENDING_PLATFORMS", "param_value": "x"}]),
    "string_type": push(extraOptions=[{"param_name": "BADGE", "param_value": 3}]),
    # provider.legacy.LegacyRule
    "no_channel": legacy(send_sms=0),
    "priority": legacy(send_sms=10),
    "button_incomplete": legacy(send_viber=2, text_viber="hi", sender_viber="B", button_text="Go"),
    "caption legacy": legacy(
        send_viber=2, text_viber="hi", button_text="x" * 20, button_url="https://a.io"
    ),
    "image_without_button": legacy(send_viber=2, text_viber="hi", image_url="https://a.io/i.png"),
    "template_required": legacy(send_vk=2),
    "template_data": legacy(send_vk=2, templateId=1, templateData="[1]"),
    "time_send": legacy(time_send="tomorrow"),
    "client_id_message": legacy(phones=[{"phone": PHONE, "client_id_message": "x1"}]),
    "no_phone": legacy(phones=[]),
    "json_xml_only": lambda: LegacySendRequest.model_validate(
        {"send_sms": 1, "text_sms": "hi", "phones": [PHONE], "name_delivery": "May"}
    ).check_transport("get"),
    # the bot's own: what a legacy account cannot carry, VoiceCode
    "legacy_channel": raised(
        [
            r.error()
            for r in draft_refusals(
                draft(StepDraft(channel=MessageType.PUSH, text="hi")), ProviderApi.LEGACY_GET
            )
        ]
    ),
    "legacy_repeated_channel": raised(
        [
            r.error()
            for r in draft_refusals(
                draft(
                    StepDraft(channel=MessageType.SMS, text="hi"),
                    StepDraft(channel=MessageType.SMS, text="hi"),
                ),
                ProviderApi.LEGACY_JSON,
            )
        ]
    ),
    "legacy_lifetimes": raised(
        [
            r.error()
            for r in draft_refusals(
                draft(
                    StepDraft(channel=MessageType.SMS, text="hi", ttl_seconds=60),
                    StepDraft(channel=MessageType.VK, template_id=1, ttl_seconds=60),
                    StepDraft(channel=MessageType.VIBER, text="hi", ttl_seconds=90),
                ),
                ProviderApi.LEGACY_JSON,
            )
        ]
    ),
    "voice_code": raised(
        voice_code_violations(
            draft(StepDraft(channel=MessageType.FLASHINGCALL, text="Код 1234")),
            "main",
            voice_code=True,
        )
    ),
    "voice_code_account": raised(
        voice_code_violations(
            Draft(
                kind="voicecode",
                account="main",
                steps=[StepDraft(channel=MessageType.FLASHINGCALL)],
            ),
            "main",
            voice_code=False,
        )
    ),
}
CASES["notify_url"] = lambda: SendRequest.model_validate(
    {"destAddr": PHONE, "message": CASCADE, "notifyUrl": ""}
)
CASES["extra_param"] = lambda: SendRequest.model_validate(
    {"destAddr": PHONE, "message": CASCADE, "extraParam": "no-equals-sign"}
)
CASES["legacy_schedule"] = raised(
    [
        r.error()
        for r in draft_refusals(
            draft(
                StepDraft(channel=MessageType.SMS, text="hi"),
                schedule={"time_begin": "10:00", "time_end": "21:00"},
            ),
            ProviderApi.LEGACY_JSON,
        )
    ]
)


def violation_of(case: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        CASES[case]()
    return caught.value


def test_every_rule_has_a_case() -> None:
    """A rule added later gets its words checked here too."""
    kinds = {v.rule for case in CASES for v in describe(violation_of(case))}
    rules = {
        *(r.value for r in Rule),
        *(r.value for r in LegacyRule),
        *(f.value for f in LegacyFit),
        *GENERIC_RULES,
        VOICE_CODE_TEXT,
        VOICE_CODE_ACCOUNT,
    }
    assert rules - kinds == set()


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_rule_reads_in_the_operators_language(case: str, language: str) -> None:
    lines = explain_violations(violation_of(case), Catalogs().get(language))
    assert lines
    for line in lines:
        parse_html(line)  # Telegram HTML, else EntityParseError
        assert foreign_words(language, line, {"account": "main"}) == set(), line
        assert "{" not in line.replace('{"', "").replace("{ }", ""), line


@pytest.mark.parametrize(
    ("case", "ru", "en"),
    [
        (
            "ttl_out_of_range",
            "VK: время жизни может быть от 1 мин до 1 сут, а указано 25 ч.",
            "VK: the lifetime must be from 1 min to 1 d; it is 25 h.",
        ),
        ("empty_text", "SMS: текст пуст.", "SMS: the text is empty."),
        (
            "phone_invalid",
            "Это не номер телефона: в нём могут быть только цифры, +, пробелы, дефисы и скобки.",
            "That is not a phone number: it may hold digits, +, spaces, dashes and brackets only.",
        ),
        (
            "length button",
            "Ссылка кнопки: 2061 символов, а можно не больше 2048.",
            "The button's link is 2061 characters; the limit is 2048.",
        ),
    ],
)
def test_lifetimes_fields_and_phones_are_worded_not_quoted(case: str, ru: str, en: str) -> None:
    """What the provider says in English (``1 min``, ``text``, a phone's reason) is worded
    anew in each language."""
    catalogs = Catalogs()
    exc = violation_of(case)
    assert explain_violations(exc, catalogs.get("ru")) == [ru]
    assert explain_violations(exc, catalogs.get("en")) == [en]
