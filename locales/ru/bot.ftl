## Старт, справка, доступ

start = Здравствуйте! Ваша роль: { $role }.
start-already = Вы уже в команде ({ $role }).
help-intro = <b>Пульт доставки</b>: тестовые сообщения через платформу и их статусы доставки, вживую.
help-sending =
    /sms <i>телефон текст</i>: SMS одной строкой
    /flashcall <i>телефон [код или текст]</i>: FlashingCall с 4-значным кодом (или свои 4 или 6 цифр, отдельно или в тексте)
    /voicecode <i>телефон [код]</i>: VoiceCode, звонок, в котором зачитывают 4 цифры (на аккаунтах, где он есть)
    /send: любой канал, по шагам
    /cascade: несколько каналов по очереди (Viber → SMS и другие)
    /cancel: сбросить текущую форму
help-viewing =
    /status <i>mtNum или id</i>: история отправки
    /history: последние отправки всей команды
    /trace <i>телефон</i> [<code>24h</code> или <code>7d</code>]: всё, что недавно уходило на номер
help-common =
    /tz: ваш часовой пояс для времени на карточках
    /lang: язык
    /help: эта справка
help-admin =
    <b>Администраторам</b>
    /operators: кто может пользоваться ботом
    /grant <i>id роль</i>: дать человеку роль (<code>admin</code>, <code>operator</code>, <code>viewer</code>)
    /revoke <i>id</i>: закрыть доступ
    /invite <i>[роль]</i>: одноразовая ссылка-приглашение
    /invites: открытые приглашения, у каждого кнопка отмены
access-refused =
    Извините, этот бот только для команды поддержки.
    Ваш Telegram id: <code>{ $user_id }</code>. Передайте его администратору, чтобы получить доступ.
access-refused-short = Недоступно: бот только для команды поддержки (ваш id { $user_id }).
role-admin = администратор
role-operator = оператор
role-viewer = наблюдатель
role-not-allowed = Ваша роль ({ $role }) этого не позволяет. Если нужно, обратитесь к администратору.
unknown-command = Такой команды нет. /help покажет, что я умею.
unknown-command-suggest = Такой команды нет. Может быть, { $command }? /help покажет, что я умею.
no-form = Сейчас я не жду текста. Начните с /send, /sms или /flashcall.
flow-use-buttons = Выберите одну из кнопок выше (или /cancel).
number-what = 📱 { $phone }: что сделать с этим номером?
button-number-sms = ✉️ Отправить SMS
button-number-flashcall = 📞 Отправить FlashingCall
button-number-trace = 🔎 Что уходило на номер (/trace)
number-stale = Эта кнопка уже не действует: пришлите номер ещё раз.
cancelled = Отменено. Ничего не отправлено.
nothing-to-cancel = Отменять нечего.
button-stale = Эта кнопка уже не действует. Начните заново: /send.

## Приглашения

invite-welcome = Добро пожаловать в команду поддержки! Ваша роль: { $role }.
invite-unknown = Эта ссылка-приглашение недействительна. Попросите у администратора новую. (Ваш id: <code>{ $user_id }</code>)
invite-used = По этой ссылке уже вошли. Попросите у администратора новую. (Ваш id: <code>{ $user_id }</code>)
invite-expired = Срок приглашения истёк (оно действует 24 часа). Попросите у администратора новое. (Ваш id: <code>{ $user_id }</code>)
invite-cancelled = Это приглашение отменено. Попросите у администратора новое. (Ваш id: <code>{ $user_id }</code>)
invite-already-active = Вы уже в команде; приглашение осталось неиспользованным.

## Язык

language-choose = Выберите язык:
language-ru = Русский
language-en = English
language-set = Готово: говорю по-русски.
tz-current = 🕰 Время показываю по часовому поясу <b>{ $zone }</b>{ $source ->
        [own] , выбранному вами
       *[other] , общему для бота
    }: сейчас { $now }.
    Сменить: <code>/tz Europe/Moscow</code> (название пояса из базы IANA).
tz-set = 🕰 Готово: время показываю по часовому поясу <b>{ $zone }</b>, сейчас { $now }.
tz-unknown = Не знаю часового пояса «{ $typed }». Пишите его название из базы IANA, например <code>/tz Europe/Moscow</code>, <code>/tz Asia/Yekaterinburg</code>, <code>/tz Asia/Novosibirsk</code> или <code>/tz UTC</code>.
tz-similar = Может быть, { $zones }?

## Формы

on = вкл
off = выкл
sending = Отправляю…
form-title = <b>{ $channels }</b>: проверьте и отправьте
form-phone = 📱 { $phone }
form-app-user = 👤 Пользователь приложения: <code>{ $user }</code> (externalUserId, без телефона)
form-phone-revealed = Номер: { $phone } (видно только вам).
form-missing = <i>не указано</i>
form-sender = 👤 Отправитель: { $sender }
form-default-sender = <i>по умолчанию аккаунта</i>
form-push-title = 🏷 Заголовок: { $title }
form-text = 💬 { $text }
form-image = 🖼 Картинка: { $url }
form-button = 🔘 Кнопка: { $caption } → { $action }
form-link = 🔗 Ссылка: { $link }
form-push-options = ⚙️ Параметры: <code>{ $options }</code>
form-template = 🧩 Шаблон: { $template }
form-code = 🔢 Код: <code>{ $code }</code>   <b>{ $spaced }</b>
form-sms-parts = 📏 { $parts ->
        [one] { $parts } часть
        [few] { $parts } части
       *[other] { $parts } частей
    } · { $encoding } · символов: { $units }
form-ttl = ⏱ Время жизни: { $ttl }
form-ttl-default = по умолчанию аккаунта
duration-seconds = { $count } с
duration-minutes = { $count } мин
duration-hours = { $count } ч
duration-days = { $count } сут
form-step = <b>Шаг { $number }: { $channel }</b>
form-step-after = <b>Шаг { $number }: { $channel }</b>, если предыдущий не { $state }
form-schedule = 📅 Расписание: { $begin }–{ $end }, дни { $weekdays }, до { $deadline }
form-send-time = 🕒 Отправить { $time } (время платформы)
form-delivery-name = 🏷 Название рассылки: { $name }
form-schedule-subscriber-zone = 🕰 Время по часовому поясу абонента
form-schedule-sender-zone = 🕰 Время UTC+3 (по умолчанию платформы)
form-problems = ⚠️ <b>Исправьте перед отправкой:</b>
form-stale = Эта форма уже не действует (отправлена, отменена или заменена). Начните заново: /send, /sms или /flashcall.
form-stale-command = Эта форма уже не действует (отправлена, отменена или заменена). Начните заново: { $command }.
form-someone-elses = Эту форму заполняет { $name }: её кнопки работают только у автора.
form-outdated-send = Ничего не отправлено: эта карточка показывала старую версию формы. Проверьте карточку в нынешнем виде и нажмите ✅ ещё раз.
form-outdated = Эта карточка показывала старую версию формы; ничего не изменено. Пользуйтесь карточкой в нынешнем виде.
form-updated = ✔️ Изменено на карточке выше: проверьте её и нажмите ✅.
form-phone-question = ❓ <b>Вы имели в виду этот номер?</b> Он читается как номер страны: { $country }.
form-phone-foreign = Набран без кода страны, но это не номер страны по умолчанию ({ $region }).
form-phone-digits = В нём есть не все набранные цифры.
form-phone-unconfirmed = Сначала подтвердите номер (кнопка над ✅) или измените его: ✏️ Телефон.
form-use-buttons = Воспользуйтесь кнопками карточки выше: ✅ отправить, ✖️ отменить, ✏️ изменить поле.
card-sandbox = 🧪 <b>SANDBOX</b>: тестовая платформа, настоящие сообщения не уходят
card-account = 🏢 Аккаунт: { $account }

button-send = ✅ Отправить
button-cancel = ✖️ Отмена
button-edit-phone = ✏️ Телефон
button-show-phone = 📞 Номер
button-edit-text = ✏️ Текст
button-edit-code = ✏️ Код
button-edit-title = ✏️ Заголовок
button-edit-options = ⚙️ Параметры
button-edit-template = 🧩 Шаблон VK
button-app-user = 👤 Пользователю приложения (externalUserId)
button-edit-link = 🔗 Ссылка
button-edit-image = 🖼 Картинка
button-edit-button = 🔘 Кнопка
button-ttl = ⏱ Время жизни
button-sender = 👤 Отправитель
button-schedule = 📅 Расписание
button-send-time = 📅 Время отправки
button-delivery-name = 🏷 Название рассылки
button-json = { "{ }" } JSON
button-fallback = ↪️ SMS, если звонок не прошёл: { $state }
button-edit-sms-text = ✏️ Текст SMS
button-add-step = ➕ Добавить шаг
button-step-up = ⬆️ Шаг { $number } выше
button-step-remove = ✖ Убрать шаг { $number }
button-step-state = ⇄ Шаг { $number }: если не { $state }
button-refresh = 🔄 Обновить
refresh-nothing-new = Ничего нового с { $since }.
refresh-updated = Обновлено.
button-repeat = 🔁 Отправить ещё раз
button-retry = ↩️ Спросить ещё раз (тот же id)
button-repeat-anyway = ⚠️ Всё равно отправить ещё раз
button-confirm-phone = ✔️ Да, { $country }

prompt-phone = Пришлите номер с кодом страны, например +7 900 123-45-67 (push можно отправить пользователю приложения: <code>user:ID</code>).
prompt-text = Пришлите новый текст.
prompt-sms-text = Пришлите текст SMS: оно уйдёт, если звонок не пройдёт.
prompt-code = Пришлите код, 4 или 6 цифр, отдельно или в тексте: <code>Ваш код 2268</code>.
prompt-voice-code = Пришлите код VoiceCode: 4 цифры, только код.
prompt-title = Пришлите заголовок push.
prompt-link = Пришлите ссылку (или -, чтобы убрать).
prompt-image = Пришлите адрес картинки, https://… (или -, чтобы убрать).
prompt-button = Пришлите кнопку как <i>надпись | ссылка</i>, например <code>Открыть | https://example.com</code> (или -, чтобы убрать).
prompt-schedule = Пришлите окно времени как <code>10:00-21:00</code>, можно добавить дни 1 (пн) – 7 (вс) и крайний срок: <code>10:00-21:00 12345 2026-12-31T18:00:00+0300</code>. Добавьте <code>local</code>, чтобы учитывать часовой пояс абонента. <code>-</code> убирает расписание.
prompt-options = Пришлите дополнительные параметры push в JSON, имя: значение, например <code>{"{"}"RICH": {"{"}"imageUrl": "https://…"{"}"}, "SENDING_PLATFORMS": ["ANDROID"]{"}"}</code>: RICH, LIVE_ACTIVITY и SECURE принимают объект, SENDING_PLATFORMS список, остальные строку. <code>-</code> убирает их.
prompt-template = Пришлите номер шаблона VK и, если в нём есть параметры, их значения в JSON: <code>100 {"{"}"Name": "Иван"{"}"}</code>. Шаблон должен быть согласован с VK; его номер есть в личном кабинете платформы.
prompt-send-time = Пришлите время отправки по времени платформы как ГГГГ-ММ-ДД чч:мм, например <code>2026-12-31 18:00</code> (<code>-</code>: отправить сразу).
prompt-delivery-name = Пришлите название рассылки (<code>-</code>: по умолчанию платформы, «Шлюз»).

error-phone = { $problem ->
        [empty] Номер не указан.
        [characters] Это не номер телефона: в нём могут быть только цифры, +, пробелы, дефисы и скобки.
        [too_short] Номер слишком короткий: в полном номере есть код города или оператора, например 900 123-45-67.
        [too_long] Номер слишком длинный.
        [no_country] У номера неизвестный код страны: начните его с + и кода страны.
       *[other] В номере неверное число цифр для его страны.
    } Попробуйте ещё раз, например +7 900 123-45-67.
error-code = В тексте должен быть код, один раз: 4 или 6 цифр подряд, например <code>1234</code> или <code>Ваш код 1234</code>.
error-voice-code = VoiceCode: текст должен быть только кодом, 4 цифры, например 1234.
error-app-user = Напишите пользователя приложения после <code>user:</code>, например <code>user:5f1c-22a</code>.
error-app-user-push-only = Пользователю приложения (externalUserId) уходит только push; остальным каналам нужен телефон.
error-push-options-json = Это не JSON с параметрами: пишите <code>{"{"}"ИМЯ": значение{"}"}</code>, например <code>{"{"}"BADGE": "3"{"}"}</code>.
error-push-option-type = { $name } принимает { $kind ->
        [object] объект JSON, <code>{"{"}…{"}"}</code>
        [list] список JSON, <code>[…]</code>
       *[other] строку, <code>"…"</code>
    }.
error-template = Начните с номера шаблона: <code>100</code> или <code>100 {"{"}"Name": "Иван"{"}"}</code>.
error-template-data = templateData: объект JSON из имён и значений-строк или чисел, например <code>100 {"{"}"Name": "Иван", "Where": "Москва"{"}"}</code>.
error-send-time = Пишите время как ГГГГ-ММ-ДД чч:мм, например <code>2026-12-31 18:00</code>.
error-button = Кнопку пишите как <i>надпись | ссылка</i>, например <code>Открыть | https://example.com</code>.
error-schedule = Не получилось прочитать расписание. Пример: <code>10:00-21:00 12345</code>.

## /sms, /flashcall, /send, /cascade

sms-usage = Пишите так: <code>/sms +7 900 123-45-67 Ваш код 1234</code>
flashcall-usage = Пишите так: <code>/flashcall +7 900 123-45-67</code> (случайный 4-значный код), <code>/flashcall +7 900 123-45-67 5821</code> (свой код), <code>/flashcall +7 900 123-45-67 Ваш код 5821</code> (текст с кодом) или <code>/flashcall +7 900 123-45-67 6</code> (случайный 6-значный код).
voicecode-usage = Пишите так: <code>/voicecode +7 900 123-45-67</code> (случайный код) или <code>/voicecode +7 900 123-45-67 5821</code> (свои 4 цифры).
voicecode-no-account = /voicecode: ни у одного аккаунта здесь нет VoiceCode. Его подключают у платформы для аккаунта; затем укажите <code>voice_code = true</code> для этого аккаунта в ACCOUNTS_FILE (или PROVIDER_VOICE_CODE=true).
flashcall-sms-text = Ваш код: { $code }
send-choose-account = Какой аккаунт?
send-choose-channel = Какой канал?
send-ask-phone = { $channel }: пришлите номер с кодом страны или выберите недавний.
send-ask-phone-push = Push: пришлите номер с кодом страны или выберите недавний; или отправьте пользователю приложения по его id в нём (externalUserId): кнопка ниже или <code>user:ID</code>.
send-ask-app-user = Пришлите id пользователя в приложении (externalUserId), как его знает приложение клиента.
send-ask-sender = Какой отправитель?
send-ask-content-sms = Пришлите текст SMS.
send-ask-content-viber = Пришлите текст Viber или адрес картинки (https://…). Кнопку можно добавить на карточке.
send-ask-content-vk = Пришлите текст сообщения VK.
send-ask-content-vk-template = VK на этом аккаунте уходит по шаблону, согласованному с VK: пришлите номер шаблона и, если в нём есть параметры, их значения в JSON, например <code>100 {"{"}"Name": "Иван"{"}"}</code>.
send-ask-content-push = Пришлите push: первая строка заголовок, остальное текст (одна строка: только текст).
send-ask-content-telegram = Пришлите текст сообщения Telegram. Ссылку можно добавить на карточке.
send-ask-content-whatsapp = Пришлите текст WhatsApp или адрес картинки (https://…).
cascade-choose = Выберите каскад или соберите свой:
cascade-builder = 🛠 Собрать свой
cascade-ask-phone = Пришлите номер с кодом страны.
cascade-ask-text = Пришлите текст сообщений.
cascade-ask-text-flashcall = Пришлите текст сообщений. Шаг FlashingCall возьмёт его, если в нём есть код из 4 или 6 цифр (<code>Ваш код 2268</code>), иначе получит случайный код.
cascade-read-impossible = { $previous } никогда не сообщает READ, поэтому следующий шаг может ждать только DELIVERED.

## Ответы платформы

platform-refused =
    ❌ Платформа отклонила отправку (код { $code }: { $description }).
    { $details }
    { $explanation }
    Ничего не отправлено. Форма осталась на своей карточке: исправьте и нажмите ✅ ещё раз.
platform-not-reached = ❌ Не отправлено: платформа недоступна (соединение не установилось), значит, сообщения у неё нет. Форма осталась на своей карточке: нажмите ✅ ещё раз, когда платформа будет доступна.
provider-error-1 = Платформа временно недоступна. Повторите через минуту.
provider-error-2 = Платформа не принимает запросы с IP-адреса этого сервера. Попросите поддержку платформы разрешить его.
provider-error-3 = Слишком много запросов сразу. Подождите несколько секунд и повторите.
provider-error-4 = Запрос некорректен; подробности выше указывают поле.
provider-error-5 = Платформа не знает этот логин. Проверьте настройки аккаунта.
provider-error-6 = Платформа отклонила пароль. Проверьте настройки аккаунта.
provider-error-7 = Не указан отправитель (serviceNumber) или он не зарегистрирован для этого аккаунта и канала. Выберите другого отправителя.
provider-error-8 = Платформа не приняла номер телефона. Проверьте: сначала код страны.
provider-error-9 = Этот тип сообщения неизвестен или не подключён для аккаунта.
provider-error-10 = Платформа ответила кодом 10, <code>Prohibited sending duplicates</code>; её документация ничего больше о нём не говорит. Прежде чем отправлять снова, проверьте, не получил ли абонент это сообщение (/trace с номером, /status с mtNum).
provider-error-11 = Время жизни (ttl) вне допустимого для этого канала.
provider-error-100 = Внутренняя ошибка платформы. Повторите позже; если повторяется, сообщите в поддержку платформы.
provider-error-other = Этого кода нет в документации платформы; её собственное описание выше. Если повторяется, спросите поддержку платформы.

## Правила (ограничения платформы словами)

rule-empty-text = { $channel ->
        [Message] Текст сообщения пуст.
        [Image] Адрес картинки пуст.
       *[other] { $channel }: { $at ->
            [link] ссылка пуста.
            [imageURL] адрес картинки пуст.
           *[other] текст пуст.
        }
    }
rule-text-too-long = { $channel ->
        [Message] В тексте
       *[other] { $channel }: в тексте
    } { $length } символов, а можно не больше { $limit }.
rule-ttl-out-of-range = { $channel }: время жизни может быть от { $min } до { $max }, а указано { $given }.
rule-ttl-not-whole-days = { $channel }: время жизни задаётся целыми сутками, а указано { $given }.
rule-sender-required = Для { $channel } нужен отправитель.
rule-phone-invalid = { $problem ->
        [empty] Номер телефона не указан.
        [characters] Это не номер телефона: в нём могут быть только цифры, +, пробелы, дефисы и скобки.
        [too_short] Номер телефона слишком короткий.
        [too_long] Номер телефона слишком длинный.
        [no_country] У номера телефона неизвестный код страны: начните его с + и кода страны.
       *[other] В номере телефона неверное число цифр для его страны.
    }
rule-flashcall-code = В тексте FlashingCall должен быть код, один раз: 4 или 6 цифр подряд, например «Ваш код 2268».
rule-voice-code = VoiceCode: текст должен быть только кодом, { $length } цифры.
rule-voice-code-account = У аккаунта { $account } нет VoiceCode (его подключают у платформы для аккаунта: voice_code в ACCOUNTS_FILE). Выберите аккаунт, где он есть.
rule-caption = Надпись кнопки: от 1 до { $limit } символов, сейчас { $length }.
rule-action-url = { $at ->
        [link] Ссылка Telegram должна быть адресом: <code>{ $schemes }</code> и хост, например <code>https://example.com</code>.
       *[other] Ссылка кнопки должна начинаться с <code>{ $schemes }</code>.
    }
rule-length = { $at ->
        [title] Заголовок
        [action] Действие push
        [button-action] Ссылка кнопки
        [options] Параметры действия push
        [contentUrl] Адрес содержимого push
        [link] Ссылка Telegram
       *[other] <code>{ $field }</code>
    }: { $length } символов, а можно не больше { $limit }.
rule-missing = { $at ->
        [destAddr] Нет номера телефона: укажите его (без телефона уходит только push пользователю приложения).
       *[other] Не заполнено: <code>{ $field }</code>.
    }
rule-greater-than-equal = { $at ->
        [validity_period_viber] Время жизни Viber, в минутах
        [templateId] Номер шаблона VK
       *[other] <code>{ $field }</code>
    }: не меньше { $ge }.
rule-greater-than = { $at ->
        [validity_period_viber] Время жизни Viber, в минутах
        [templateId] Номер шаблона VK
       *[other] <code>{ $field }</code>
    }: больше { $gt }.
rule-dict-type = <code>{ $field }</code>: нужен объект JSON.
rule-list-type = <code>{ $field }</code>: нужен список JSON.
rule-string-type = <code>{ $field }</code>: нужна строка.
rule-cascade-state = Шаг { $number } ждёт READ, но { $previous } никогда не сообщает READ: выберите DELIVERED.
rule-weekdays = Дни: цифры от 1 (понедельник) до 7 (воскресенье), каждая один раз, например 12345.
rule-time-of-day = Время пишется как ЧЧ:ММ, например 10:00.
rule-deadline = Для крайнего срока нужен часовой пояс, например <code>2026-12-31T18:00:00+0300</code>.
rule-content-choice = { $channel } отправляет текст или картинку, но не то и другое сразу: уберите одно из них (✏️ Текст или 🖼 Картинка с -).

## Карточки статуса

status-title = <b>{ $channels }</b> → { $phone }
status-mtnum = 🆔 mtNum <code>{ $mt_num }</code>
status-partner-id = 🔖 id <code>{ $partner_id }</code>
status-submitting = ⏳ Отправляю на платформу…
status-failed = ❌ Не отправлено: <code>{ $error }</code>
status-unknown = ❓ <b>Исход неизвестен: сообщение может быть у платформы.</b> Её ответ потерялся (<code>{ $error }</code>); это не отказ.
status-unknown-settles-report = Выяснится само, когда придёт отчёт о доставке с этим id. У аккаунта нет контроля дублей: повторная отправка может дойти до абонента дважды.
status-unknown-settles-report-retry = Выяснится само, когда придёт отчёт о доставке с этим id. У аккаунта есть контроль дублей: повторный запрос с тем же id дважды не отправит.
status-unknown-settles-legacy = Бот спросит платформу ещё раз с этим id, как только позволит её правило одной минуты; один id платформа дважды не отправляет.
status-unknown-settles-never = По GET платформу о нём не спросить: прежде чем отправлять снова, проверьте телефон абонента или /trace.
status-repeat-warning = ⚠️ <b>Это сообщение, возможно, уже у платформы.</b> Если так, повторная отправка дойдёт до абонента дважды. Нажмите «Всё равно отправить ещё раз», чтобы открыть с ним новую форму.
repeat-maybe-twice = Это сообщение, возможно, уже у платформы: абонент может получить его дважды. Нажмите ещё раз, чтобы всё равно отправить.
retry-too-soon = Платформа не принимает одинаковый запрос чаще раза в минуту: спросите снова через { $seconds } с.
status-step-waiting = { $number }. { $channel }: ⏳ жду статус
status-step = { $number }. { $channel }: <b>{ $status }</b> { $time }
status-step-failed = { $number }. { $channel }: <b>{ $status }</b> · { $error } { $time }
    { $reason }
status-step-lapsed = { $number }. { $channel }: <b>{ $status }</b> · нет { $state } за { $ttl } → следующий шаг { $time }
status-step-not-needed = { $number }. { $channel }: — не отправлялось: { $right_before ->
        [yes] предыдущий шаг получил { $state }
       *[no] каскад закончился на шаге { $step }, он получил { $state }
    }
status-ttl-default = время жизни по умолчанию аккаунта
status-app-user = пользователь приложения { $user }

## Почему не доставлено

reason-unknown = Канал не назвал причину. Если повторяется, спросите поддержку платформы, назвав mtNum.
reason-absent-subscriber = Телефон выключен или вне зоны действия сети.
reason-call-barred = Запрещено: оператор абонента или мессенджер отказался принять сообщение (запрет на номер или на отправителя).
reason-failure = Сбой доставки в сети оператора (для FlashingCall: звонок не состоялся).
reason-memory-capacity-exceeded = Память телефона переполнена: новые сообщения он не принимает.
reason-teleservice-not-provisioned = Абонент не может принимать такие сообщения: услуга для номера не подключена (нет аккаунта в мессенджере, нет SMS или звонков).
reason-timeout = Не доставлено за время жизни сообщения (ttl).
reason-unknown-subscriber = Такого абонента нет: номер не обслуживается или получатель неизвестен.
reason-duplicated = Отброшено как повтор уже отправленного сообщения.
reason-filtered = Отфильтровано оператором или каналом: текст или отправитель не пропущены.
reason-unrouted = Нет маршрута: платформе некуда доставить сообщение этому абоненту в этом канале.
reason-oper-blacklisted = Номер в чёрном списке оператора.
reason-oper-invsrcaddr = Оператор отклонил имя отправителя: оно у него не зарегистрировано или не разрешено.
reason-oper-spamfiltered = Остановлено спам-фильтром оператора.
reason-busy = Линия абонента была занята во время звонка.
reason-bad-params = Платформа отклонила параметры сообщения (для Push: его содержимое или опции).
reason-consumer-id-not-found = Нет пользователя приложения с таким externalUserId.
reason-consumer-phone-not-found = Нет пользователя приложения с таким номером телефона.
reason-no-primary-devices = У пользователя нет основного устройства для получения push.
reason-no-active-installations = Приложение не установлено или не активно ни на одном устройстве пользователя.
reason-push-disabled = Пользователь отключил уведомления в приложении.
reason-push-os-disabled = Уведомления приложения отключены в настройках телефона.
reason-subscription-failed = Не удалось подписать устройство пользователя на уведомления.
reason-no-application = Приложение неизвестно платформе или не настроено для этого аккаунта.
reason-below-min-version = Версия приложения на устройстве ниже той, что принимает эти push.
reason-provider-error = Сервис push-уведомлений (Apple, Google, Huawei…) ответил ошибкой.

## Меню команд

command-send = Отправить в любой канал по шагам
command-sms = SMS одной строкой: /sms телефон текст
command-flashcall = Код FlashingCall: /flashcall телефон [код]
command-voicecode = VoiceCode: /voicecode телефон [код]
command-cascade = Каскад: Viber → SMS и другие
command-status = История отправки: /status mtNum
command-history = Последние отправки
command-trace = Всё, что уходило на номер: /trace телефон
command-cancel = Сбросить текущую форму
command-lang = Язык: /lang ru или /lang en
command-tz = Часовой пояс: /tz Europe/Moscow
command-help = Что я умею
command-operators = Кто пользуется ботом
command-grant = Дать роль: /grant id [роль]
command-revoke = Отозвать доступ: /revoke id
command-invite = Ссылка-приглашение: /invite [роль]
command-invites = Открытые приглашения

## /status, /history, /trace

status-usage = Пишите так: <code>/status 7390612217</code> (mtNum) или id отправки.
status-not-found = О { $reference } ничего не известно: ни нашей отправки, ни отчётов с таким mtNum.
status-events = <b>Полученные отчёты:</b>
status-event = { $time } · { $channel } · { $status } { $error }
status-outside = <b>mtNum { $mt_num }</b> (отправлено не этим ботом) → { $phone }
history-title = <b>Ваши последние отправки:</b>
history-title-all = <b>Последние отправки (все):</b>
history-line = #{ $id } { $time } · { $channels } → { $phone } · <b>{ $status }</b>
history-empty = Отправок пока нет.
history-code = 🔢 <code>{ $code }</code>
history-older = ◀️ Раньше
history-newer = ▶️ Позже
history-only-mine = 👤 Только мои
history-everyone = 👥 Все
trace-usage = Пишите так: <code>/trace +7 900 123-45-67</code> (за 24 ч) или <code>/trace +7 900 123-45-67 7d</code>.
trace-empty = На { $phone } за этот период ничего не отправлялось и отчётов не было.
trace-title = <b>Всё по { $phone }:</b>
trace-period = 🕒 За последние { $amount } { $unit ->
        [m] мин
        [d] дн.
       *[h] ч
    }, с { $since }
trace-outside-line = { $time } · mtNum { $mt_num } · { $channel } · { $status } (отправлено не этим ботом)
answer-more-lines = … и ещё { $count ->
    [one] { $count } строка не показана
    [few] { $count } строки не показаны
   *[many] { $count } строк не показано
}: сузьте поиск (например, период покороче).

## Администрирование

operators-title = <b>Операторы ({ $count }):</b>
operators-line = { $name } · <code>{ $user_id }</code> · { $role }
grant-usage = Пишите так: <code>/grant 123456789 operator</code> (роли: <code>admin</code>, <code>operator</code>, <code>viewer</code>).
grant-self = Свою роль менять нельзя.
granted = Готово: <code>{ $user_id }</code> теперь { $role }.
revoke-usage = Пишите так: <code>/revoke 123456789</code>.
revoke-self = Себя отозвать нельзя.
revoke-bootstrap = <code>{ $user_id }</code> — администратор из ADMIN_IDS; уберите его там.
revoked = Готово: у <code>{ $user_id }</code> больше нет доступа.
revoke-unknown = <code>{ $user_id }</code> не является активным оператором.
invite-usage = Пишите так: <code>/invite</code> или <code>/invite viewer</code> (роли: <code>admin</code>, <code>operator</code>, <code>viewer</code>).
invite-created = Одноразовое приглашение ({ $role }), действует { $hours } ч:
    { $link }
    Открытые приглашения (отменить): /invites
invites-title = <b>Открытые приглашения ({ $count }):</b>
invites-line = #{ $id } · { $role } · от <code>{ $creator }</code> · до { $until }
invites-empty = Открытых приглашений нет.
button-cancel-invite = ✖ #{ $id }
invite-cancel-done = Приглашение #{ $id } отменено.
invite-cancel-gone = Приглашение #{ $id } уже использовано или отменено.
rule-extra-param = <code>extraParam</code> пишется как <code>имя=значение,имя=значение</code> (запятая внутри значения удваивается).
rule-notify-url = Адрес для отчётов: от 1 до { $limit } символов.
rule-ttl-unit-without-ttl = Единица времени жизни указана без самого времени жизни.

## Оповещения

alert-undelivered = ❌ <b>{ $status }</b>: { $channels } → { $phone } { $error }
button-account = 🏢 Аккаунт

## Ошибки

error-platform = ❌ Платформа недоступна. Дважды ничего не отправлено; повторите через минуту.
error-unexpected = ❌ У нас что-то пошло не так, и ничего не отправлено. Попробуйте ещё раз; подробности в журнале бота.
error-unexpected-after-send = ❌ У нас что-то пошло не так после того, как была создана отправка #{ $id }. /status #{ $id } покажет, дошла ли она до платформы; дважды она не уйдёт.
error-unexpected-unsure = ❌ У нас что-то пошло не так. Прежде чем повторять, загляните в /history: там видно, ушло ли что-нибудь.

## Legacy API (что не может отправить аккаунт legacy-get/-json/-xml)

api-refused = { $command }: { $reason }
rule-legacy-channel = В API этого аккаунта ({ $api }) нет канала { $channel }; он отправляет { $channels }.
rule-legacy-repeated-channel = API { $api } пробует каждый канал один раз; { $channel } в цепочке дважды.
rule-legacy-schedule = В API { $api } нет окон доставки: очистите расписание.
rule-legacy-sms-lifetime = В API { $api } у SMS нет срока жизни: выберите «по умолчанию аккаунта».
rule-legacy-vk-lifetime = В API { $api } у VK нет срока жизни: выберите «по умолчанию аккаунта».
rule-legacy-viber-lifetime = API { $api } принимает срок жизни Viber в целых минутах; сейчас { $seconds } с.
rule-button-incomplete = Кнопке нужны и надпись, и ссылка.
rule-image-without-button = В этом API картинка Viber отправляется только с кнопкой: добавьте её.
rule-template-required = В этом API VK уходит только по шаблону, согласованному с VK: укажите его номер (🧩).
rule-template-data = templateData: объект JSON из имён и значений-строк или чисел, например <code>{"{"}"Name": "Иван"{"}"}</code>.
rule-time-send = Время отправки пишется как ГГГГ-ММ-ДД чч:мм, например <code>2026-12-31 18:00</code>.
rule-json-xml-only = { $at ->
        [name_delivery] Название рассылки
        [time_send] Время отправки
       *[other] <code>{ $fields }</code>
    }: через GET не передать, это есть только в JSON и XML. Уберите или выберите аккаунт legacy-json или legacy-xml.
rule-no-channel = Не выбран ни один канал.
rule-priority = Приоритет канала: 0 (не отправлять) или от { $min } до { $max }, а указано { $value }.
rule-client-id-message = client_id_message: число, своё для каждого телефона.
rule-no-phone = Нет номера телефона.
status-legacy-id = 🆔 id_message <code>{ $legacy_id }</code>
status-chain = ⛓ Цепочка: <b>{ $status }</b> { $time }
status-get-note = ℹ️ Через GET платформа сообщает только общий статус, не по каналам.
status-step-not-reported = { $number }. { $channel }: — (платформа не сообщила статус этого канала)
status-platform-text = { "   " }Ответ платформы: { $text }
provider-error-legacy = Выше ответ самой платформы. Исправьте форму и повторите; если речь об аккаунте или пароле, проверьте настройки аккаунта.
