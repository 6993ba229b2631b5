"""A local Telegram: a Bot API emulator with a web chat page, for tests and ``make run``.

In-process::

    async with Playground(PlaygroundConfig()).running(port=0) as pg:
        session = AiohttpSession(api=TelegramAPIServer.from_base(pg.base_url))
        bot = Bot(pg.token, session=session)
        ...  # run the Dispatcher: dp.start_polling(bot, handle_signals=False,
             #                                       handle_as_tasks=False)
        operator = pg.user(1, "Operator", language_code="ru")
        [reply] = await operator.send_and_wait("/start")
        await operator.click_and_wait("✅")
        assert "DELIVERED" in operator.chat.last_bot_message.text

Alone: ``python -m playground --port 8080`` and open http://127.0.0.1:8080/.

Bot API at ``/bot<token>/<method>`` (GET or POST; JSON, urlencoded or multipart bodies):
getMe, getUpdates (long polling), deleteWebhook, getWebhookInfo, logOut, close,
setMyCommands/getMyCommands/deleteMyCommands, sendMessage, editMessageText,
editMessageReplyMarkup, deleteMessage(s), answerCallbackQuery, sendChatAction, getChat,
setChatMenuButton/getChatMenuButton; refusals as Telegram words them (HTML parse errors,
not-modified and not-found edits, button data, stale callback queries, 429 flood control).

People's side over HTTP (JSON): ``GET /api/state``, ``POST /api/users``, ``POST /api/chats``,
``GET /api/chats/{id}``, ``POST /api/send``, ``POST /api/click``, ``GET /api/calls``,
``GET /api/callbacks``, ``GET /api/commands``, ``GET|POST /api/flood`` and
``GET /api/events`` (Server-Sent Events). The page at ``/`` uses exactly these. They answer
only requests carrying this run's token (``X-Playground-Token``: `Playground.api_headers`,
or the page's ``<meta name="playground-token">``), from no other web page, with JSON
bodies: see playground.guard.
"""

from playground.app import Playground
from playground.config import OPERATOR, PlaygroundConfig, UserSpec
from playground.errors import ApiError
from playground.html_parser import EntityParseError, ParsedText, parse_html
from playground.users import ActionError, PlaygroundUser
from playground.views import ButtonView, CallbackView, ChatView, MessageView
from playground.world import ApiCall, Edit

__all__ = [
    "OPERATOR",
    "ActionError",
    "ApiCall",
    "ApiError",
    "ButtonView",
    "CallbackView",
    "ChatView",
    "Edit",
    "EntityParseError",
    "MessageView",
    "ParsedText",
    "Playground",
    "PlaygroundConfig",
    "PlaygroundUser",
    "UserSpec",
    "parse_html",
]
