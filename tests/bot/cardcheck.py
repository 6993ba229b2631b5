"""Reading a request the platform received against the card the operator pressed."""

from __future__ import annotations

from typing import Any

from provider.channels import CHANNEL_RULES, DEFAULT_TTL_UNIT, MessageType, TtlUnit
from provider.messages import describe_seconds
from provider.phone import format_international


def messages(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages of a request in chain order (one for a single message)."""
    chain = [request["message"]]
    link = request.get("cascadeChainLink")
    while link is not None:
        chain.append(link["message"])
        link = link.get("nextLink")
    return chain


def states_of(request: dict[str, Any]) -> list[str]:
    """The state each link after the first waits for, in chain order."""
    states = []
    link = request.get("cascadeChainLink")
    while link is not None:
        states.append(link["state"])
        link = link.get("nextLink")
    return states


def assert_card_shows(card_text: str, request: dict[str, Any]) -> None:
    """Every field the platform received is on the card, as the card words it: the card
    pressed is the request sent."""
    assert format_international(request["destAddr"]) in card_text, request["destAddr"]
    chain = messages(request)
    states = [None, *states_of(request)]
    if len(chain) > 1:
        for number, (message, state) in enumerate(zip(chain, states, strict=True), start=1):
            label = CHANNEL_RULES[MessageType(message["type"])].label
            step = f"Step {number}: {label}"
            assert (step if state is None else f"{step}, if the previous one is not {state}") in (
                card_text
            )
    for message in chain:
        data = message["data"]
        channel = MessageType(message["type"])
        if channel is not MessageType.FLASHINGCALL and CHANNEL_RULES[channel].sender_allowed:
            sender = data.get("serviceNumber")
            assert (f"Sender: {sender}" if sender else "Sender: the account's default") in (
                card_text
            )
        if data.get("ttl"):
            unit = TtlUnit(data.get("ttlUnit", DEFAULT_TTL_UNIT.value))
            assert f"Lifetime: {describe_seconds(data['ttl'] * unit.seconds)}" in card_text
        else:
            assert "Lifetime: account default" in card_text
        for field in ("text", "title", "link"):
            if field in data:
                assert data[field] in card_text, (field, data[field])
        content = data.get("instantContent")
        if content is not None:
            for value in content["data"].values():
                assert value in card_text, value
    schedule = request.get("scheduleInfo")
    if schedule is not None:
        line = f"Schedule: {schedule['timeBegin']}–{schedule['timeEnd']}"
        line += f", days {schedule.get('weekdaysSchedule') or '1234567'}"
        assert line in card_text
        zone = "subscriber's time zone" if request.get("useTimeDiff") else "UTC+3"
        assert zone in card_text
    else:
        assert "Schedule:" not in card_text
