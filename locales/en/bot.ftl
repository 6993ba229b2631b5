## Start, help, access

start = Hello! You are { $role } here.
start-already = You are already on the team ({ $role }).
help =
    <b>Delivery desk</b>: send a test message and watch its status live.

    /sms <i>phone text</i>: an SMS in one line
    /flashcall <i>phone [code]</i>: a FlashingCall with a 4-digit code (or give 4 or 6 digits)
    /send: any channel, step by step
    /cascade: several channels in turn (Viber → SMS and others)
    /status <i>mtNum or id</i>: the history of a send
    /history: recent sends
    /trace <i>phone</i>: everything sent to a number lately
    /cancel: drop the current form
    /lang: language
access-refused =
    Sorry, this bot is for the support team only.
    Your Telegram id is <code>{ $user_id }</code>: send it to an admin to get access.
access-refused-short = Not available: this bot is for the support team only (your id { $user_id }).
role-admin = admin
role-operator = operator
role-viewer = viewer
role-not-allowed = Your role ({ $role }) cannot do that. Ask an admin if you need it.
unknown-command = I don't know that command. /help lists what I can do.
no-form = Nothing is waiting for text now. Start with /send, /sms or /flashcall.
cancelled = Cancelled. Nothing was sent.
nothing-to-cancel = There is nothing to cancel.
button-stale = This button is no longer active. Start again with /send.

## Invites

invite-welcome = Welcome to the support team! Your role: { $role }.
invite-unknown = This invite link is not valid. Ask an admin for a new one. (Your id: <code>{ $user_id }</code>)
invite-used = This invite link was already used. Ask an admin for a new one. (Your id: <code>{ $user_id }</code>)
invite-expired = This invite link has expired (they last 24 hours). Ask an admin for a new one. (Your id: <code>{ $user_id }</code>)
invite-already-active = You are already on the team; the invite stays unused.

## Language

language-choose = Choose the language:
language-ru = Русский
language-en = English
language-set = Done: I will speak English.

## Forms

on = on
off = off
sending = Sending…
form-title = <b>{ $channels }</b>: check and send
form-phone = 📱 { $phone }
form-missing = <i>not set</i>
form-sender = 👤 Sender: { $sender }
form-default-sender = <i>the account's default</i>
form-push-title = 🏷 Title: { $title }
form-text = 💬 { $text }
form-image = 🖼 Image: { $url }
form-button = 🔘 Button: { $caption } → { $action }
form-link = 🔗 Link: { $link }
form-code = 🔢 Code: <code>{ $code }</code>   <b>{ $spaced }</b>
form-sms-parts = 📏 { $parts ->
        [one] { $parts } part
       *[other] { $parts } parts
    } · { $encoding } · { $units } characters
form-ttl = ⏱ Lifetime: { $ttl }
form-ttl-default = account default
form-step = <b>Step { $number }: { $channel }</b>
form-step-after = <b>Step { $number }: { $channel }</b>, if the previous one is not { $state }
form-schedule = 📅 Schedule: { $begin }–{ $end }, days { $weekdays }, until { $deadline }
form-problems = ⚠️ <b>Fix before sending:</b>
form-stale = This form is no longer active (it was sent, cancelled or replaced). Start again with /send, /sms or /flashcall.
form-use-buttons = Use the buttons on the card above: ✅ to send, ✖️ to cancel, ✏️ to change a field.
card-sandbox = 🧪 <b>SANDBOX</b>: test platform, no real message is sent
card-account = 🏢 Account: { $account }

button-send = ✅ Send
button-cancel = ✖️ Cancel
button-edit-phone = ✏️ Phone
button-edit-text = ✏️ Text
button-edit-code = ✏️ Code
button-edit-title = ✏️ Title
button-edit-link = 🔗 Link
button-edit-image = 🖼 Image
button-edit-button = 🔘 Button
button-ttl = ⏱ Lifetime
button-sender = 👤 Sender
button-schedule = 📅 Schedule
button-json = { "{ }" } JSON
button-fallback = ↪️ SMS if no call: { $state }
button-add-step = ➕ Add step
button-refresh = 🔄 Refresh
button-repeat = 🔁 Send again
button-retry = ↩️ Retry (same id)

prompt-phone = Send the phone number with the country code, e.g. +7 900 123-45-67.
prompt-text = Send the new text.
prompt-code = Send the code: 4 or 6 digits.
prompt-title = Send the push title.
prompt-link = Send the link (or - to remove it).
prompt-image = Send the image URL, https://… (or - to remove it).
prompt-button = Send the button as <i>caption | link</i>, e.g. <code>Open | https://example.com</code> (or - to remove it).
prompt-schedule = Send the time window as <code>10:00-21:00</code>, optionally days 1 (Mon) to 7 (Sun) and a deadline: <code>10:00-21:00 12345 2026-12-31T18:00:00+0300</code>. Add <code>local</code> to use the subscriber's time zone. <code>-</code> removes the schedule.

error-phone = That is not a phone number: { $reason }. Try again, e.g. +7 900 123-45-67.
error-code = The code must be 4 or 6 digits, e.g. 1234.
error-button = Write the button as <i>caption | link</i>, e.g. <code>Open | https://example.com</code>.
error-schedule = I could not read that schedule. Example: <code>10:00-21:00 12345</code>.

## /sms, /flashcall, /send, /cascade

sms-usage = Write it like this: <code>/sms +7 900 123-45-67 Your code 1234</code>
flashcall-usage = Write it like this: <code>/flashcall +7 900 123-45-67</code> (a random 4-digit code), <code>/flashcall +7 900 123-45-67 5821</code> (your code) or <code>/flashcall +7 900 123-45-67 6</code> (a random 6-digit code).
flashcall-sms-text = Your code: { $code }
send-choose-account = Which account?
send-choose-channel = Which channel?
send-ask-phone = { $channel }: send the phone number with the country code{ "," } or pick a recent one.
send-ask-sender = Which sender?
send-ask-content-sms = Send the SMS text.
send-ask-content-viber = Send the Viber text, or an image URL (https://…). A button can be added on the card.
send-ask-content-vk = Send the VK message text.
send-ask-content-push = Send the push: the first line is the title, the rest is the text (one line: text only).
send-ask-content-telegram = Send the Telegram message text. A link can be added on the card.
send-ask-content-whatsapp = Send the WhatsApp text, or an image URL (https://…).
cascade-choose = Choose a cascade, or build your own:
cascade-builder = 🛠 Build my own
cascade-ask-phone = Send the phone number with the country code.
cascade-ask-text = Send the text for the messages (a FlashingCall step gets a random code).
cascade-read-impossible = { $previous } never reports READ, so the next step can only wait for DELIVERED.

## Platform answers

platform-refused =
    ❌ The platform refused the send (code { $code }: { $description }).
    { $details }
    { $explanation }
    The form is still here: fix it and press ✅ again.
provider-error-1 = The platform is temporarily unavailable. Try again in a minute.
provider-error-2 = The platform does not accept requests from this server's IP address. Ask the platform's support to allow it.
provider-error-3 = Too many requests at once. Wait a few seconds and try again.
provider-error-4 = The request is invalid; the details above say which field.
provider-error-5 = The platform does not know this login. Check the account settings.
provider-error-6 = The platform rejected the password. Check the account settings.
provider-error-7 = No sender (serviceNumber), or the sender is not registered for this account and channel. Pick another sender.
provider-error-8 = The platform did not accept the phone number. Check it: country code first.
provider-error-9 = This message type is unknown or not enabled for the account.
provider-error-10 = The platform refused a duplicate. Send it again as a new message.
provider-error-11 = The lifetime (ttl) is outside what this channel allows.
provider-error-100 = The platform failed internally. Try again later; if it repeats, tell the platform's support.

## Rules (the platform's limits, in words)

rule-empty-text = { $channel }: the { $field } is empty.
rule-text-too-long = { $channel }: the { $field } is { $length } characters; the limit is { $limit }.
rule-ttl-out-of-range = { $channel }: the lifetime must be from { $min } to { $max }; it is { $given }.
rule-ttl-not-whole-days = { $channel }: the lifetime must be whole days; it is { $given }.
rule-sender-required = { $channel } needs a sender.
rule-phone-invalid = The phone number is not valid: { $reason }.
rule-flashcall-code = The FlashingCall code must be { $lengths } digits.
rule-caption = The button caption must be 1 to { $limit } characters; it is { $length }.
rule-action-url = { $what } must start with { $schemes }.
rule-image-url = { $what } must start with { $schemes }.
rule-length = { $what } is { $length } characters; the limit is { $limit }.
rule-cascade-state = Step { $number } waits for READ, but { $previous } never reports READ: choose DELIVERED.
rule-weekdays = Days are digits 1 (Monday) to 7 (Sunday), each once, e.g. 12345.
rule-time-of-day = Times are written HH:MM, e.g. 10:00.
rule-deadline = The deadline needs a time zone, e.g. 2026-12-31T18:00:00+0300.

## Status cards

status-title = <b>{ $channels }</b> → { $phone }
status-mtnum = 🆔 mtNum <code>{ $mt_num }</code>
status-partner-id = 🔖 id <code>{ $partner_id }</code>
status-submitting = ⏳ Sending to the platform…
status-failed = ❌ Not sent: { $error }
status-unknown = ❓ The platform did not answer in time: the message may or may not have gone. Retry with the same id: it is never sent twice.
status-step-waiting = { $number }. { $channel }: ⏳ waiting for a status
status-step = { $number }. { $channel }: <b>{ $status }</b> { $time }
status-step-failed = { $number }. { $channel }: <b>{ $status }</b> · { $error } { $time }
    { $reason }

## Why a message was not delivered

reason-absent-subscriber = The phone is off or out of coverage.
reason-unknown-subscriber = No such subscriber: the number is not in service.
reason-call-barred = The subscriber's operator barred the message.
reason-memory-capacity-exceeded = The phone's memory is full.
reason-timeout = No delivery within the lifetime.
reason-filtered = Filtered by the operator or the channel.
reason-busy = The line was busy.
reason-unrouted = No route to this number.
reason-teleservice-not-provisioned = The subscriber cannot receive this kind of message.
reason-oper-spamfiltered = The operator's spam filter stopped it.
reason-oper-blacklisted = The number is on the operator's blacklist.
reason-duplicated = Dropped as a duplicate.

## Command menu

command-send = Send any channel, step by step
command-sms = SMS in one line: /sms phone text
command-flashcall = FlashingCall code: /flashcall phone [code]
command-cascade = Cascade: Viber → SMS and others
command-status = History of a send: /status mtNum
command-history = Recent sends
command-trace = Everything sent to a number: /trace phone
command-cancel = Drop the current form
command-lang = Language
command-help = What I can do

## /status, /history, /trace

status-usage = Write it like this: <code>/status 7390612217</code> (the mtNum) or the send's id.
status-not-found = Nothing known about { $reference }: no send of ours and no report with that mtNum.
status-events = <b>Reports received:</b>
status-event = { $time } · { $channel } · { $status } { $error }
status-outside = <b>mtNum { $mt_num }</b> (not sent by this bot) → { $phone }
history-title = <b>Your recent sends:</b>
history-title-all = <b>Recent sends (everyone):</b>
history-line = #{ $id } { $time } · { $channels } → { $phone } · <b>{ $status }</b>
history-empty = No sends yet.
history-older = ◀️ Older
trace-usage = Write it like this: <code>/trace +7 900 123-45-67</code> (last 24 h) or <code>/trace +7 900 123-45-67 7d</code>.
trace-empty = Nothing sent to { $phone } in that period, and no reports about it.
trace-title = <b>Everything for { $phone }:</b>
trace-outside-line = { $time } · mtNum { $mt_num } · { $channel } · { $status } (not sent by this bot)
answer-more-lines = … and { $count ->
    [one] one more line
   *[other] { $count } more lines
} not shown: narrow the search (e.g. a shorter period).

## Admin

operators-title = <b>Operators ({ $count }):</b>
operators-line = { $name } · <code>{ $user_id }</code> · { $role }
grant-usage = Write it like this: <code>/grant 123456789 operator</code> (roles: admin, operator, viewer).
grant-self = You cannot change your own role.
granted = Done: <code>{ $user_id }</code> is now { $role }.
revoke-usage = Write it like this: <code>/revoke 123456789</code>.
revoke-self = You cannot revoke yourself.
revoke-bootstrap = <code>{ $user_id }</code> is an admin from ADMIN_IDS; remove them there.
revoked = Done: <code>{ $user_id }</code> no longer has access.
revoke-unknown = <code>{ $user_id }</code> is not an active operator.
invite-usage = Write it like this: <code>/invite</code> or <code>/invite viewer</code> (roles: admin, operator, viewer).
invite-created = One-time invite as { $role }, valid for { $hours } h:
    { $link }
rule-extra-param = extraParam must read name=value,name=value: { $reason }.
rule-notify-url = The report URL must be 1 to { $limit } characters long.
rule-ttl-unit-without-ttl = A lifetime unit is given without a lifetime.

## Alerts

alert-undelivered = ❌ <b>{ $status }</b>: { $channels } → { $phone } { $error }
button-account = 🏢 Account

## Errors

error-platform = ❌ The platform could not be reached. Nothing was sent twice; try again in a minute.
error-unexpected = ❌ Something went wrong on our side, and nothing was sent. Try again; the details are in the bot's log.
error-unexpected-after-send = ❌ Something went wrong on our side after send #{ $id } was created. /status #{ $id } shows whether it reached the platform; it is never sent twice.
error-unexpected-unsure = ❌ Something went wrong on our side. Look at /history before trying again: it shows whether anything was sent.

## Legacy API (what a legacy-get/-json/-xml account cannot send)

api-refused = { $command }: { $reason }
rule-legacy-channel = This account's API ({ $api }) has no { $channel }; it sends { $channels }.
rule-legacy-repeated-channel = The { $api } API tries each channel once; { $channel } is in the chain twice.
rule-legacy-get-cascade = Over { $api } the platform reports only a message's overall state, so a cascade could not be followed: send one channel (cascades need legacy-json or legacy-xml).
rule-legacy-schedule = The { $api } API has no delivery windows: clear the schedule.
rule-legacy-sms-lifetime = The { $api } API has no SMS lifetime: choose "account default".
rule-legacy-viber-lifetime = The { $api } API takes the Viber lifetime in whole minutes; it is { $seconds } s.
rule-button-incomplete = A button needs both a caption and a link.
rule-image-without-button = On this API a Viber image goes only with a button: add one.
status-legacy-id = 🆔 id_message <code>{ $legacy_id }</code>
provider-error-legacy = The platform's own words are above. Fix the form and try again; if it names the account or its password, check the account settings.
