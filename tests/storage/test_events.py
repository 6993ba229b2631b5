"""The dedupe key is stored: a report posted again must produce the very same text."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from storage.events import natural_key

_PART = st.none() | st.text() | st.integers() | st.booleans()


@given(st.lists(_PART, max_size=8))
def test_natural_key_is_the_compact_json_array_of_its_parts(parts: list[str | int | None]) -> None:
    assert natural_key(*parts) == json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def test_natural_key_keeps_text_readable_and_escapes_what_json_must() -> None:
    assert natural_key("SMS", "UNDELIVERED", 2, None) == '["SMS","UNDELIVERED",2,null]'
    assert natural_key('a"b\\c\n', "Привет") == '["a\\"b\\\\c\\n","Привет"]'
