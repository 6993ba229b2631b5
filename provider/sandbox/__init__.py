"""The sandbox platform: an emulator of the platform's REST v6 send API and legacy API.

Run alone with ``python -m provider.sandbox --port N`` or in-process::

    async with Sandbox(SandboxConfig(time_scale=0.01)).running(port=0) as sb:
        ...  # POST to sb.rest_url; look at sb.received, sb.sends, sb.reports_posted

``POST /rest/send`` checks and answers like the platform (error codes and HTTP statuses
from `provider.errors.ERROR_CODES`), then POSTs delivery reports to the request's
notifyUrl, else to the account's report URL (``--report-url``), else keeps them only.

Outcomes, by the LAST DIGIT of destAddr:

=========  ==============================================================================
digit      what happens to every step of the send
=========  ==============================================================================
0, 6-9     SEND, DELIVERED, then READ (READ only for channels that report it: not SMS,
           not FlashingCall)
1          SEND, then UNDELIVERED: absent-subscriber (errorCode 2) where the type has that
           code (SMS, Viber), else the type's first error code (VK, Push, Telegram:
           1 unknown; WhatsApp: 3 call-barred; FlashingCall: 1 unknown)
2          SEND, DELIVERED, never READ
3          SEND only: no final status ever (like the operator without SMS statuses)
4          only SMS gets through: SMS steps SEND, DELIVERED; every other step SEND,
           UNDELIVERED as for 1 (a cascade ending in SMS falls through to it)
5          the course of 0, posted out of order and twice: latest status first, down to
           SEND, then the same run again (e.g. READ, DELIVERED, SEND, READ, DELIVERED, SEND)
=========  ==============================================================================

Timing, in simulated seconds after a step starts: SEND at +1, DELIVERED/UNDELIVERED at +3,
READ at +6 (outcome 5 posts everything at the time of its last status). Real seconds are
simulated seconds times ``--time-scale``. Report dates are on the simulated clock, in
Moscow time (``+0300``).

A Push to an ``externalUserId`` may come without destAddr; its outcome digit is the user
id's last character (none, or not a digit: 0).

Cascades: the next link is sent when a step did not reach the link's ``state``
(DELIVERED, or READ) within its ttl (seed 000, line 11): when the ttl runs out, or at once
after a final UNDELIVERED (line 5: a cascade resends upon an unsuccessful status). No ttl:
the account default, 600 s, brought into the channel's range (a FlashingCall waits 5
minutes at most). A step that reaches the state ends the chain. Every step reports with its
own type, sourceAddr (its serviceNumber, else ``SANDBOX``) and text, under the send's mtNum
and partner id. No report marks a step whose ttl ran out: the next step's reports do
(`provider.reports.lifetime_ran_out`).

VoiceCode (``--voice-code``, ``SandboxConfig(voice_code=True)``): the account's
FLASHINGCALLs are read out, so each text must be the code alone, four digits (code 4
otherwise). Without it a FLASHINGCALL's text is up to 2000 characters holding one code of
4 or 6 digits.

``registeredDelivery``: 0 no reports, 1 (default) all, 2 only UNDELIVERED.

Duplicate control by id is a per-account switch (`SandboxConfig.duplicate_control`, on by
default; ``--no-duplicate-control``), as on the platform, where it is a service switched on
separately. On: the same partner ``id`` with the same request answers the same mtNum and
sends nothing new; the same ``id`` with a different request is refused with code 10 (HTTP
409). Off: every request is a send of its own, whatever its id.

Test control: ``POST /_sandbox/faults`` with ``{"fail": {"status": 503, "count": 2}}``
(503 -> code 1, 429 -> code 3, 500 -> code 100; optional ``"retryAfter": N`` adds a
``Retry-After`` header), ``{"hang": {"seconds": 5, "count": 1}}``
or ``{"reset": true}``; ``GET /_sandbox/sends`` returns what the sandbox received and did.
These endpoints are not behind the account's credentials: the sandbox is a test double.

Legacy HTTPS API (`provider.sandbox.legacy`), same account, same outcome digits:
``GET /sendmessage.php`` (send with ``phone=``, state with ``id_message=``),
``POST /sendmessagejson.php`` (``{"message": [...]}`` or ``{"state": [...]}``),
``POST /xml/message.php`` and ``POST /xml/state_message.php``, answered in the page's
shapes. No callbacks: states are polled and move with the simulated clock, a cascade going
through its channels by priority (`legacy_course` maps each outcome to legacy states:
absent-subscriber -> expired, other undelivered -> not_deliver, no final status ->
partly_deliver when the channel's lifetime ends). Refusals are texts (HTTP 200): wrong
credentials, an identical request within a simulated minute (the page's own text), a
broken rule (the `provider.legacy` models' words) per message or per phone. A repeated
client_id_message with the same content answers the same ids and sends nothing; with other
content it is refused for that phone. The fault switches apply to the next request of
either API. Tests read ``sb.legacy.received``, ``sb.legacy.messages`` and
``sb.legacy.snapshot(id_message)``; ``GET /_sandbox/sends`` has them under ``legacy``.
"""

from provider.sandbox.app import RunningSandbox, Sandbox
from provider.sandbox.config import SandboxConfig
from provider.sandbox.delivery import ReportAttempt
from provider.sandbox.faults import Faults
from provider.sandbox.ledger import ReceivedRequest, SendRecord
from provider.sandbox.legacy.api import LegacyApi
from provider.sandbox.legacy.ledger import LegacyReceived, LegacyRecord
from provider.sandbox.scenarios import OUTCOME_BY_DIGIT, Outcome

__all__ = [
    "OUTCOME_BY_DIGIT",
    "Faults",
    "LegacyApi",
    "LegacyReceived",
    "LegacyRecord",
    "Outcome",
    "ReceivedRequest",
    "ReportAttempt",
    "RunningSandbox",
    "Sandbox",
    "SandboxConfig",
    "SendRecord",
]
