"""The sandbox's legacy error texts, in the platform's language.

Only the identical-request text and the unknown-id state are the page's own (they live in
`provider.legacy.rules`, where the client reads them too); the rest are the sandbox's
wording, chosen so the client's classification (`provider.legacy.rules.AUTH_MARKERS`...)
has something realistic to read. A broken field rule answers the model's own words.
"""

from __future__ import annotations

from provider.legacy.rules import IDENTICAL_REQUEST_TEXT, UNKNOWN_ID_TEXT

__all__ = [
    "BAD_JSON",
    "BAD_MESSAGE",
    "BAD_XML",
    "CLIENT_ID_TAKEN",
    "IDENTICAL_REQUEST_TEXT",
    "IP_REFUSED",
    "NO_OPERATION",
    "NO_PHONES",
    "SHUTTING_DOWN",
    "UNKNOWN_ID_TEXT",
    "WRONG_CREDENTIALS",
    "XML_LINE_BREAKS",
]

WRONG_CREDENTIALS = "Неверный логин или пароль"
IP_REFUSED = "Доступ с этого IP-адреса запрещён"
SHUTTING_DOWN = "Сервис временно недоступен"
NO_OPERATION = "Неверный запрос: нет ни сообщений для отправки, ни запроса статуса"
BAD_JSON = "Неверный формат JSON-документа"
BAD_XML = "Неверный формат XML-документа"
XML_LINE_BREAKS = "XML-документ не должен содержать переводов строки (в данных они пишутся как \\n)"
BAD_MESSAGE = "Неверный формат сообщения"
NO_PHONES = "Не указаны получатели сообщения"
CLIENT_ID_TAKEN = "Сообщение с таким client_id_message уже отправлялось, с другим содержанием"
