"""Reading what operators type: a phone number followed by free text, codes, lifetimes."""

from __future__ import annotations

import re

from provider.phone import PhoneNumber, PhoneNumberError, parse_phone

_PHONE_TOKEN = re.compile(r"[+\d()\-.]+")


def split_phone_and_text(args: str, region: str) -> tuple[PhoneNumber, str] | None:
    """``+7 900 123-45-60 Your code 1234`` -> (the number, ``Your code 1234``).

    Numbers are often typed with spaces, so the longest run of leading number-like words
    that parses as a phone wins: ``79001234560 1234 is your code`` keeps ``1234`` as text
    because ``790012345601234`` is no phone number. `region`: the country of numbers typed
    without a country code (``9001234560`` in RU). None when nothing at the start looks
    like a number; PhoneNumberError, saying what is wrong, when something does but is none
    (``900-123``: too short; ``9OO1234560``: letters).
    """
    words = args.split()
    leading = 0
    while leading < len(words) and _PHONE_TOKEN.fullmatch(words[leading]):
        leading += 1
    candidates: list[tuple[int, PhoneNumber]] = []
    first_error: PhoneNumberError | None = None
    for count in range(leading, 0, -1):
        try:
            candidates.append((count, parse_phone(" ".join(words[:count]), region)))
        except PhoneNumberError as exc:
            first_error = exc if count == 1 else first_error
            continue
    if not candidates:
        if first_error is not None and any(c.isdigit() for c in words[0]):
            raise first_error
        if words and sum(c.isdigit() for c in words[0]) >= 3:
            parse_phone(words[0], region)  # letters among digits: raises, saying so
        return None
    # Some countries' metadata allows very long numbers: a number in an assigned range
    # beats a longer one that only has a possible length.
    count, phone = next(((c, p) for c, p in candidates if p.assigned), candidates[0])
    rest = args.strip()
    for word in words[:count]:
        rest = rest[rest.index(word) + len(word) :]
    return phone, rest.strip()
