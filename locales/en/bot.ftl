## Start, help, access

start = Hello! You are { $role } here.
start-already = You are already on the team ({ $role }).
help-intro = <b>Delivery desk</b>: test messages through the platform, and their delivery statuses live.
help-sending =
    /sms <i>phone text</i>: an SMS in one line
    /flashcall <i>phone [code or text]</i>: a FlashingCall with a 4-digit code (or your 4 or 6 digits, alone or in a text)
    /voicecode <i>phone [code]</i>: a VoiceCode, a call that reads 4 digits out (accounts that have it)
    /send: any channel, step by step
    /cascade: several channels in turn (Viber → SMS and others)
    /cancel: drop the current form
help-viewing =
    /status <i>mtNum or id</i>: the history of a send
    /history: recent sends, the whole team's
    /trace <i>phone</i> [<code>24h</code> or <code>7d</code>]: everything sent to a number lately
help-common =
    /tz: your time zone for the times on cards
    /lang: language
    /help: this list
help-admin =
    <b>Admins</b>
    /operators: who may use the bot
    /grant <i>id role</i>: give a person a role (<code>admin</code>, <code>operator</code>, <code>viewer</code>)
    /revoke <i>id</i>: take their access away
    /invite <i>[role]</i>: a one-time invite link
    /invites: open invites, each with a button to cancel it
access-refused =
    Sorry, this bot is for the support team only.
    Your Telegram id is <code>{ $user_id }</code>: send it to an admin to get access.
access-refused-short = Not available: this bot is for the support team only (your id { $user_id }).
role-admin = admin
role-operator = operator
role-viewer = viewer
role-not-allowed = Your role ({ $role }) cannot do that. Ask an admin if you need it.
unknown-command = I don't know that command. /help lists what I can do.
unknown-command-suggest = I don't know that command. Did you mean { $command }? /help lists what I can do.
no-form = Nothing is waiting for text now. Start with /send, /sms or /flashcall.
flow-use-buttons = Pick one of the buttons above (or /cancel).
number-what = 📱 { $phone }: what shall I do with this number?
button-number-sms = ✉️ Send an SMS
button-number-flashcall = 📞 Send a FlashingCall
button-number-trace = 🔎 What went to it (/trace)
number-stale = This button is no longer active: send the number again.
cancelled = Cancelled. Nothing was sent.
nothing-to-cancel = There is nothing to cancel.
button-stale = This button is no longer active. Start again with /send.

## Invites

invite-welcome = Welcome to the support team! Your role: { $role }.
invite-unknown = This invite link is not valid. Ask an admin for a new one. (Your id: <code>{ $user_id }</code>)
invite-used = This invite link was already used. Ask an admin for a new one. (Your id: <code>{ $user_id }</code>)
invite-expired = This invite link has expired (they last 24 hours). Ask an admin for a new one. (Your id: <code>{ $user_id }</code>)
invite-cancelled = This invite link was cancelled. Ask an admin for a new one. (Your id: <code>{ $user_id }</code>)
invite-already-active = You are already on the team; the invite stays unused.

## Language

language-choose = Choose the language:
language-ru = Русский
language-en = English
language-set = Done: I will speak English.
tz-current = 🕰 Times are shown in the <b>{ $zone }</b> time zone{ $source ->
        [own] , your choice
       *[other] , the bot's default
    }: it is { $now } now.
    To change it: <code>/tz Europe/Moscow</code> (a zone name of the IANA database).
tz-set = 🕰 Done: times are shown in the <b>{ $zone }</b> time zone; it is { $now } now.
tz-unknown = I don't know the time zone "{ $typed }". Write its name in the IANA database, e.g. <code>/tz Europe/Moscow</code>, <code>/tz Asia/Yekaterinburg</code>, <code>/tz Asia/Novosibirsk</code> or <code>/tz UTC</code>.
tz-similar = Did you mean { $zones }?

## Forms

on = on
off = off
sending = Sending…
form-title = <b>{ $channels }</b>: check and send
form-phone = 📱 { $phone }
form-app-user = 👤 App user: <code>{ $user }</code> (externalUserId, no phone)
form-phone-revealed = The number: { $phone } (only you see this).
form-missing = <i>not set</i>
form-sender = 👤 Sender: { $sender }
form-default-sender = <i>the account's default</i>
form-push-title = 🏷 Title: { $title }
form-text = 💬 { $text }
form-image = 🖼 Image: { $url }
form-button = 🔘 Button: { $caption } → { $action }
form-link = 🔗 Link: { $link }
form-push-options = ⚙️ Options: <code>{ $options }</code>
form-template = 🧩 Template: { $template }
form-code = 🔢 Code: <code>{ $code }</code>   <b>{ $spaced }</b>
form-sms-parts = 📏 { $parts ->
        [one] { $parts } part
       *[other] { $parts } parts
    } · { $encoding } · { $units } characters
form-ttl = ⏱ Lifetime: { $ttl }
form-ttl-default = account default
duration-seconds = { $count } s
duration-minutes = { $count } min
duration-hours = { $count } h
duration-days = { $count } d
form-step = <b>Step { $number }: { $channel }</b>
form-step-after = <b>Step { $number }: { $channel }</b>, if the previous one is not { $state }
form-schedule = 📅 Schedule: { $begin }–{ $end }, days { $weekdays }, until { $deadline }
form-send-time = 🕒 Send at { $time } (the platform's time)
form-delivery-name = 🏷 Delivery name: { $name }
form-schedule-subscriber-zone = 🕰 Times in the subscriber's time zone
form-schedule-sender-zone = 🕰 Times in UTC+3 (the platform's default)
form-problems = ⚠️ <b>Fix before sending:</b>
form-stale = This form is no longer active (it was sent, cancelled or replaced). Start again with /send, /sms or /flashcall.
form-stale-command = This form is no longer active (it was sent, cancelled or replaced). Start again with { $command }.
form-someone-elses = This is { $name }'s form: only they can use its buttons.
form-outdated-send = Nothing was sent: this card showed an older version of the form. Check the card as it is now and press ✅ again.
form-outdated = This card showed an older version of the form; nothing was changed. Use the card as it is now.
form-updated = ✔️ Changed on the card above: check it there and press ✅.
form-phone-question = ❓ <b>Is this the number you meant?</b> It reads as a number of { $country }.
form-phone-foreign = Typed without a country code, but not a number of the default country ({ $region }).
form-phone-digits = Not every digit you typed is in it.
form-phone-unconfirmed = Confirm the number first (the button above ✅), or change it with ✏️ Phone.
form-use-buttons = Use the buttons on the card above: ✅ to send, ✖️ to cancel, ✏️ to change a field.
card-sandbox = 🧪 <b>SANDBOX</b>: test platform, no real message is sent
card-account = 🏢 Account: { $account }

button-send = ✅ Send
button-cancel = ✖️ Cancel
button-edit-phone = ✏️ Phone
button-show-phone = 📞 Number
button-edit-text = ✏️ Text
button-edit-code = ✏️ Code
button-edit-title = ✏️ Title
button-edit-options = ⚙️ Options
button-edit-template = 🧩 VK template
button-app-user = 👤 To an app user (externalUserId)
button-edit-link = 🔗 Link
button-edit-image = 🖼 Image
button-edit-button = 🔘 Button
button-ttl = ⏱ Lifetime
button-sender = 👤 Sender
button-schedule = 📅 Schedule
button-send-time = 📅 Send time
button-delivery-name = 🏷 Delivery name
button-json = { "{ }" } JSON
button-fallback = ↪️ SMS if no call: { $state }
button-edit-sms-text = ✏️ SMS text
button-add-step = ➕ Add step
button-step-up = ⬆️ Step { $number } up
button-step-remove = ✖ Remove step { $number }
button-step-state = ⇄ Step { $number }: if not { $state }
button-refresh = 🔄 Refresh
refresh-nothing-new = Nothing new since { $since }.
refresh-updated = Updated.
button-repeat = 🔁 Send again
button-retry = ↩️ Ask again (same id)
button-repeat-anyway = ⚠️ Send again anyway
button-confirm-phone = ✔️ Yes, { $country }

prompt-phone = Send the phone number with the country code, e.g. +7 900 123-45-67 (a Push may go to an app user instead: <code>user:ID</code>).
prompt-text = Send the new text.
prompt-sms-text = Send the SMS's text: it goes when the call does not get through.
prompt-code = Send the code, 4 or 6 digits, alone or in a text: <code>Your code 2268</code>.
prompt-voice-code = Send the VoiceCode: 4 digits, the code alone.
prompt-title = Send the push title.
prompt-link = Send the link (or - to remove it).
prompt-image = Send the image URL, https://… (or - to remove it).
prompt-button = Send the button as <i>caption | link</i>, e.g. <code>Open | https://example.com</code> (or - to remove it).
prompt-schedule = Send the time window as <code>10:00-21:00</code>, optionally days 1 (Mon) to 7 (Sun) and a deadline: <code>10:00-21:00 12345 2026-12-31T18:00:00+0300</code>. Add <code>local</code> to use the subscriber's time zone. <code>-</code> removes the schedule.
prompt-options = Send the push's extra options as JSON, name: value, e.g. <code>{"{"}"RICH": {"{"}"imageUrl": "https://…"{"}"}, "SENDING_PLATFORMS": ["ANDROID"]{"}"}</code>: RICH, LIVE_ACTIVITY and SECURE take an object, SENDING_PLATFORMS a list, any other a string. <code>-</code> removes them.
prompt-template = Send the VK template's id and, if it has parameters, their values as JSON: <code>100 {"{"}"Name": "Ivan"{"}"}</code>. The template must be approved by VK; its id is in the platform's account.
prompt-send-time = Send the time to send at, in the platform's time, as YYYY-MM-DD hh:mm, e.g. <code>2026-12-31 18:00</code> (<code>-</code>: send at once).
prompt-delivery-name = Send the delivery's (campaign's) name (<code>-</code>: the platform's default, <code>Шлюз</code>).

error-phone = { $problem ->
        [empty] No phone number given.
        [characters] That is not a phone number: only digits, +, spaces, dashes and brackets may be in one.
        [too_short] That number is too short: a whole number has its area code, e.g. 900 123-45-67.
        [too_long] That number is too long.
        [no_country] That number has no country code I know: start it with + and the country code.
       *[other] That number has the wrong number of digits for its country.
    } Try again, e.g. +7 900 123-45-67.
error-code = The text must hold the code once: 4 or 6 digits in a row, e.g. <code>1234</code> or <code>Your code 1234</code>.
error-voice-code = VoiceCode: the text must be the code alone, 4 digits, e.g. 1234.
error-app-user = Write the app user after <code>user:</code>, e.g. <code>user:5f1c-22a</code>.
error-app-user-push-only = Only a Push goes to an app user (externalUserId); every other channel needs a phone.
error-push-options-json = That is not JSON of options: write <code>{"{"}"NAME": value{"}"}</code>, e.g. <code>{"{"}"BADGE": "3"{"}"}</code>.
error-push-option-type = { $name } takes { $kind ->
        [object] a JSON object, <code>{"{"}…{"}"}</code>
        [list] a JSON list, <code>[…]</code>
       *[other] a string, <code>"…"</code>
    }.
error-template = Start with the template's id, a number: <code>100</code> or <code>100 {"{"}"Name": "Ivan"{"}"}</code>.
error-template-data = templateData must be a JSON object of names and texts or numbers, e.g. <code>100 {"{"}"Name": "Ivan", "Where": "Moscow"{"}"}</code>.
error-send-time = Write the time as YYYY-MM-DD hh:mm, e.g. <code>2026-12-31 18:00</code>.
error-button = Write the button as <i>caption | link</i>, e.g. <code>Open | https://example.com</code>.
error-schedule = I could not read that schedule. Example: <code>10:00-21:00 12345</code>.

## /sms, /flashcall, /send, /cascade

sms-usage = Write it like this: <code>/sms +7 900 123-45-67 Your code 1234</code>
flashcall-usage = Write it like this: <code>/flashcall +7 900 123-45-67</code> (a random 4-digit code), <code>/flashcall +7 900 123-45-67 5821</code> (your code), <code>/flashcall +7 900 123-45-67 Your code 5821</code> (a text holding it) or <code>/flashcall +7 900 123-45-67 6</code> (a random 6-digit code).
voicecode-usage = Write it like this: <code>/voicecode +7 900 123-45-67</code> (a random code) or <code>/voicecode +7 900 123-45-67 5821</code> (your 4 digits).
voicecode-no-account = /voicecode: no account here has VoiceCode. It is agreed with the platform per account; then set <code>voice_code = true</code> for that account in ACCOUNTS_FILE (or PROVIDER_VOICE_CODE=true).
flashcall-sms-text = Your code: { $code }
send-choose-account = Which account?
send-choose-channel = Which channel?
send-ask-phone = { $channel }: send the phone number with the country code{ "," } or pick a recent one.
send-ask-phone-push = Push: send the phone number with the country code, or pick a recent one; or send it to a user of the app, by their id there (externalUserId): the button below, or <code>user:ID</code>.
send-ask-app-user = Send the app user's id (externalUserId), as the customer's app knows them.
send-ask-sender = Which sender?
send-ask-content-sms = Send the SMS text.
send-ask-content-viber = Send the Viber text, or an image URL (https://…). A button can be added on the card.
send-ask-content-vk = Send the VK message text.
send-ask-content-vk-template = VK on this account goes by a template approved by VK: send its id and, if it has parameters, their values as JSON, e.g. <code>100 {"{"}"Name": "Ivan"{"}"}</code>.
send-ask-content-push = Send the push: the first line is the title, the rest is the text (one line: text only).
send-ask-content-telegram = Send the Telegram message text. A link can be added on the card.
send-ask-content-whatsapp = Send the WhatsApp text, or an image URL (https://…).
cascade-choose = Choose a cascade, or build your own:
cascade-builder = 🛠 Build my own
cascade-ask-phone = Send the phone number with the country code.
cascade-ask-text = Send the text for the messages.
cascade-ask-text-flashcall = Send the text for the messages. A FlashingCall step takes it when it holds a 4- or 6-digit code (<code>Your code 2268</code>), else a random code.
cascade-read-impossible = { $previous } never reports READ, so the next step can only wait for DELIVERED.

## Platform answers

platform-refused =
    ❌ The platform refused the send (code { $code }: { $description }).
    { $details }
    { $explanation }
    Nothing was sent. The form is still on its card: fix it and press ✅ again.
platform-not-reached = ❌ Not sent: the platform could not be reached (no connection was made), so it cannot have the message. The form is still on its card: press ✅ again when it is reachable.
provider-error-1 = The platform is temporarily unavailable. Try again in a minute.
provider-error-2 = The platform does not accept requests from this server's IP address. Ask the platform's support to allow it.
provider-error-3 = Too many requests at once. Wait a few seconds and try again.
provider-error-4 = The request is invalid; the details above say which field.
provider-error-5 = The platform does not know this login. Check the account settings.
provider-error-6 = The platform rejected the password. Check the account settings.
provider-error-7 = No sender (serviceNumber), or the sender is not registered for this account and channel. Pick another sender.
provider-error-8 = The platform did not accept the phone number. Check it: country code first.
provider-error-9 = This message type is unknown or not enabled for the account.
provider-error-10 = The platform answered code 10, <code>Prohibited sending duplicates</code>; its documentation says nothing more about it. Before sending again, check whether the subscriber already got this message (/trace with the number, /status with the mtNum).
provider-error-11 = The lifetime (ttl) is outside what this channel allows.
provider-error-100 = The platform failed internally. Try again later; if it repeats, tell the platform's support.
provider-error-other = The platform's documentation does not list this code; its own description is above. If it repeats, ask the platform's support.

## Rules (the platform's limits, in words)

rule-empty-text = { $channel ->
        [Message] The message's text is empty.
        [Image] The image address is empty.
       *[other] { $channel }: the { $at ->
            [link] link
            [imageURL] image address
           *[other] text
        } is empty.
    }
rule-text-too-long = { $channel ->
        [Message] The text
       *[other] { $channel }: the text
    } is { $length } characters; the limit is { $limit }.
rule-ttl-out-of-range = { $channel }: the lifetime must be from { $min } to { $max }; it is { $given }.
rule-ttl-not-whole-days = { $channel }: the lifetime must be whole days; it is { $given }.
rule-sender-required = { $channel } needs a sender.
rule-phone-invalid = { $problem ->
        [empty] No phone number is given.
        [characters] That is not a phone number: it may hold digits, +, spaces, dashes and brackets only.
        [too_short] The phone number is too short.
        [too_long] The phone number is too long.
        [no_country] The phone number's country code is unknown: start it with + and the country code.
       *[other] The phone number has the wrong number of digits for its country.
    }
rule-flashcall-code = The FlashingCall text must hold the code once: { $lengths } digits in a row, e.g. «Your code 2268».
rule-voice-code = VoiceCode: the text must be the code alone, { $length } digits.
rule-voice-code-account = Account { $account } has no VoiceCode (it is agreed with the platform per account: voice_code in ACCOUNTS_FILE). Pick an account that has it.
rule-caption = The button caption must be 1 to { $limit } characters; it is { $length }.
rule-action-url = { $at ->
        [link] The Telegram link must be a URL: <code>{ $schemes }</code> and a host, e.g. <code>https://example.com</code>.
       *[other] The button's link must start with <code>{ $schemes }</code>.
    }
rule-length = { $at ->
        [title] The title
        [action] The push action
        [button-action] The button's link
        [options] The push action's options
        [contentUrl] The push content URL
        [link] The Telegram link
       *[other] <code>{ $field }</code>
    } is { $length } characters; the limit is { $limit }.
rule-missing = { $at ->
        [destAddr] No phone number: give one (only a Push may go to an app user instead).
       *[other] Required: <code>{ $field }</code>.
    }
rule-greater-than-equal = { $at ->
        [validity_period_viber] The Viber lifetime, in minutes,
        [templateId] The VK template number
       *[other] <code>{ $field }</code>
    } must be at least { $ge }.
rule-greater-than = { $at ->
        [validity_period_viber] The Viber lifetime, in minutes,
        [templateId] The VK template number
       *[other] <code>{ $field }</code>
    } must be greater than { $gt }.
rule-dict-type = <code>{ $field }</code> must be a JSON object.
rule-list-type = <code>{ $field }</code> must be a JSON list.
rule-string-type = <code>{ $field }</code> must be a string.
rule-cascade-state = Step { $number } waits for READ, but { $previous } never reports READ: choose DELIVERED.
rule-weekdays = Days are digits 1 (Monday) to 7 (Sunday), each once, e.g. 12345.
rule-time-of-day = Times are written HH:MM, e.g. 10:00.
rule-deadline = The deadline needs a time zone, e.g. <code>2026-12-31T18:00:00+0300</code>.
rule-content-choice = { $channel } sends a text or a picture, not both: remove one of them (✏️ Text, or 🖼 Image with -).

## Status cards

status-title = <b>{ $channels }</b> → { $phone }
status-mtnum = 🆔 mtNum <code>{ $mt_num }</code>
status-partner-id = 🔖 id <code>{ $partner_id }</code>
status-submitting = ⏳ Sending to the platform…
status-failed = ❌ Not sent: <code>{ $error }</code>
status-unknown = ❓ <b>Outcome unknown: the platform may have it.</b> Its answer was lost (<code>{ $error }</code>); it is not refused.
status-unknown-settles-report = It settles by itself when a delivery report with this id arrives. This account has no duplicate control: sending again could reach the subscriber twice.
status-unknown-settles-report-retry = It settles by itself when a delivery report with this id arrives. This account has duplicate control: asking again with the same id never sends twice.
status-unknown-settles-legacy = The bot asks the platform again with this id once its one-minute rule allows; the platform never sends one id twice.
status-unknown-settles-never = Over GET the platform cannot be asked about it: check the subscriber's phone or /trace before sending again.
status-repeat-warning = ⚠️ <b>The platform may already have this message.</b> If it does, sending it again means the subscriber gets it twice. Tap "Send again anyway" to open a new form with it.
repeat-maybe-twice = The platform may already have this message: the subscriber could get it twice. Tap again to send anyway.
retry-too-soon = The platform refuses an identical request within a minute: ask again in { $seconds } s.
status-step-waiting = { $number }. { $channel }: ⏳ waiting for a status
status-step = { $number }. { $channel }: <b>{ $status }</b> { $time }
status-step-failed = { $number }. { $channel }: <b>{ $status }</b> · { $error } { $time }
    { $reason }
status-step-lapsed = { $number }. { $channel }: <b>{ $status }</b> · no { $state } within { $ttl } → next step { $time }
status-step-not-needed = { $number }. { $channel }: — not sent: { $right_before ->
        [yes] the step before it was { $state }
       *[no] the chain ended at step { $step }, which was { $state }
    }
status-ttl-default = the account's default lifetime
status-app-user = app user { $user }

## Why a message was not delivered

reason-unknown = The channel gave no reason. If it keeps happening, ask the platform's support, quoting the mtNum.
reason-absent-subscriber = The phone is off or out of coverage.
reason-call-barred = Barred: the subscriber's operator or the messenger refused the message (a ban on the number or on the sender).
reason-failure = Delivery failed in the operator's network (for a FlashingCall: the call could not be made).
reason-memory-capacity-exceeded = The phone's memory is full: it takes no new messages.
reason-teleservice-not-provisioned = The subscriber cannot receive this kind of message: the service is not enabled for the number (no messenger account, no SMS or calls).
reason-timeout = Not delivered within the message's lifetime (ttl).
reason-unknown-subscriber = No such subscriber: the number is not in service or the recipient is unknown.
reason-duplicated = Dropped as a repeat of a message already sent.
reason-filtered = Filtered by the operator or the channel: the text or the sender was not let through.
reason-unrouted = No route: the platform has no way to deliver to this subscriber in this channel.
reason-oper-blacklisted = The number is on the operator's blacklist.
reason-oper-invsrcaddr = The operator refused the sender name: it is not registered or not allowed there.
reason-oper-spamfiltered = The operator's spam filter stopped it.
reason-busy = The subscriber's line was busy when called.
reason-bad-params = The platform rejected the message's parameters (for a Push: its content or options).
reason-consumer-id-not-found = No app user has this externalUserId.
reason-consumer-phone-not-found = No app user has this phone number.
reason-no-primary-devices = The user has no main device to receive pushes.
reason-no-active-installations = The app is not installed, or not active, on any of the user's devices.
reason-push-disabled = The user turned notifications off in the app.
reason-push-os-disabled = Notifications for the app are turned off in the phone's settings.
reason-subscription-failed = Subscribing the user's device to notifications failed.
reason-no-application = The app is unknown to the platform or not set up for this account.
reason-below-min-version = The app on the device is older than the version that can receive these pushes.
reason-provider-error = The push service (Apple, Google, Huawei...) answered with an error.

## Command menu

command-send = Send any channel, step by step
command-sms = SMS in one line: /sms phone text
command-flashcall = FlashingCall code: /flashcall phone [code]
command-voicecode = VoiceCode: /voicecode phone [code]
command-cascade = Cascade: Viber → SMS and others
command-status = History of a send: /status mtNum
command-history = Recent sends
command-trace = Everything sent to a number: /trace phone
command-cancel = Drop the current form
command-lang = Language: /lang en or /lang ru
command-tz = Time zone: /tz Europe/Moscow
command-help = What I can do
command-operators = Who may use the bot
command-grant = Give a role: /grant id [role]
command-revoke = Take access away: /revoke id
command-invite = An invite link: /invite [role]
command-invites = Open invites

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
history-code = 🔢 <code>{ $code }</code>
history-older = ◀️ Older
history-newer = ▶️ Newer
history-only-mine = 👤 Only mine
history-everyone = 👥 Everyone's
trace-usage = Write it like this: <code>/trace +7 900 123-45-67</code> (last 24 h) or <code>/trace +7 900 123-45-67 7d</code>.
trace-empty = Nothing sent to { $phone } in that period, and no reports about it.
trace-title = <b>Everything for { $phone }:</b>
trace-period = 🕒 In the last { $amount } { $unit ->
        [m] min
        [d] d
       *[h] h
    }, since { $since }
trace-outside-line = { $time } · mtNum { $mt_num } · { $channel } · { $status } (not sent by this bot)
answer-more-lines = … and { $count ->
    [one] one more line
   *[other] { $count } more lines
} not shown: narrow the search (e.g. a shorter period).

## Admin

operators-title = <b>Operators ({ $count }):</b>
operators-line = { $name } · <code>{ $user_id }</code> · { $role }
grant-usage = Write it like this: <code>/grant 123456789 operator</code> (roles: <code>admin</code>, <code>operator</code>, <code>viewer</code>).
grant-self = You cannot change your own role.
granted = Done: <code>{ $user_id }</code> is now { $role }.
revoke-usage = Write it like this: <code>/revoke 123456789</code>.
revoke-self = You cannot revoke yourself.
revoke-bootstrap = <code>{ $user_id }</code> is an admin from ADMIN_IDS; remove them there.
revoked = Done: <code>{ $user_id }</code> no longer has access.
revoke-unknown = <code>{ $user_id }</code> is not an active operator.
invite-usage = Write it like this: <code>/invite</code> or <code>/invite viewer</code> (roles: <code>admin</code>, <code>operator</code>, <code>viewer</code>).
invite-created = One-time invite as { $role }, valid for { $hours } h:
    { $link }
    Open invites (to cancel one): /invites
invites-title = <b>Open invites ({ $count }):</b>
invites-line = #{ $id } · { $role } · by <code>{ $creator }</code> · until { $until }
invites-empty = No open invites.
button-cancel-invite = ✖ #{ $id }
invite-cancel-done = Invite #{ $id } cancelled.
invite-cancel-gone = Invite #{ $id } was already used or cancelled.
rule-extra-param = <code>extraParam</code> must read <code>name=value,name=value</code> (a comma inside a value doubled).
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
rule-legacy-schedule = The { $api } API has no delivery windows: clear the schedule.
rule-legacy-sms-lifetime = The { $api } API has no SMS lifetime: choose "account default".
rule-legacy-vk-lifetime = The { $api } API has no VK lifetime: choose "account default".
rule-legacy-viber-lifetime = The { $api } API takes the Viber lifetime in whole minutes; it is { $seconds } s.
rule-button-incomplete = A button needs both a caption and a link.
rule-image-without-button = On this API a Viber image goes only with a button: add one.
rule-template-required = On this API VK goes only by a template approved by VK: give its id (🧩).
rule-template-data = templateData must be a JSON object of names and texts or numbers, like <code>{"{"}"Name": "Ivan"{"}"}</code>.
rule-time-send = The send time is written YYYY-MM-DD hh:mm, e.g. <code>2026-12-31 18:00</code>.
rule-json-xml-only = { $at ->
        [name_delivery] The delivery name
        [time_send] The send time
       *[other] <code>{ $fields }</code>
    } cannot be sent over GET: only JSON and XML carry it. Remove it, or use a legacy-json or legacy-xml account.
rule-no-channel = No channel is chosen.
rule-priority = A channel's priority is 0 (not used) or { $min } to { $max }; it is { $value }.
rule-client-id-message = client_id_message must be a number, one per phone.
rule-no-phone = No phone number.
status-legacy-id = 🆔 id_message <code>{ $legacy_id }</code>
status-chain = ⛓ The chain: <b>{ $status }</b> { $time }
status-get-note = ℹ️ GET reports the overall state only, not which channel got through.
status-step-not-reported = { $number }. { $channel }: — (the platform gave no state for this channel)
status-platform-text = { "   " }The platform says: { $text }
provider-error-legacy = The platform's own words are above. Fix the form and try again; if it names the account or its password, check the account settings.
