## Старт, справка, доступ

start = Здравствуйте! Ваша роль: { $role }.
start-already = Вы уже в команде ({ $role }).
help =
    <b>Пульт доставки</b>: отправьте тестовое сообщение и следите за статусом.

    /sms <i>телефон текст</i>: SMS одной строкой
    /flashcall <i>телефон [код]</i>: FlashingCall с 4-значным кодом (или свои 4 или 6 цифр)
    /send: любой канал, по шагам
    /cascade: несколько каналов по очереди (Viber → SMS и другие)
    /status <i>mtNum или id</i>: история отправки
    /history: последние отправки
    /trace <i>телефон</i>: всё, что недавно уходило на номер
    /cancel: сбросить текущую форму
    /lang: язык
access-refused =
    Извините, этот бот только для команды поддержки.
    Ваш Telegram id: <code>{ $user_id }</code>. Передайте его администратору, чтобы получить доступ.
access-refused-short = Недоступно: бот только для команды поддержки (ваш id { $user_id }).
role-admin = администратор
role-operator = оператор
role-viewer = наблюдатель
role-not-allowed = Ваша роль ({ $role }) этого не позволяет. Если нужно, обратитесь к администратору.
unknown-command = Такой команды нет. /help покажет, что я умею.
no-form = Сейчас я не жду текста. Начните с /send, /sms или /flashcall.
cancelled = Отменено. Ничего не отправлено.
nothing-to-cancel = Отменять нечего.
button-stale = Эта кнопка уже не действует. Начните заново: /send.

## Приглашения

invite-welcome = Добро пожаловать в команду поддержки! Ваша роль: { $role }.
invite-unknown = Эта ссылка-приглашение недействительна. Попросите у администратора новую. (Ваш id: <code>{ $user_id }</code>)
invite-used = По этой ссылке уже вошли. Попросите у администратора новую. (Ваш id: <code>{ $user_id }</code>)
invite-expired = Срок приглашения истёк (оно действует 24 часа). Попросите у администратора новое. (Ваш id: <code>{ $user_id }</code>)
invite-already-active = Вы уже в команде; приглашение осталось неиспользованным.

## Язык

language-choose = Выберите язык:
language-ru = Русский
language-en = English
language-set = Готово: говорю по-русски.

## Формы

on = вкл
off = выкл
sending = Отправляю…
form-title = <b>{ $channels }</b>: проверьте и отправьте
form-phone = 📱 { $phone }
form-missing = <i>не указано</i>
form-sender = 👤 Отправитель: { $sender }
form-default-sender = <i>по умолчанию аккаунта</i>
form-push-title = 🏷 Заголовок: { $title }
form-text = 💬 { $text }
form-image = 🖼 Картинка: { $url }
form-button = 🔘 Кнопка: { $caption } → { $action }
form-link = 🔗 Ссылка: { $link }
form-code = 🔢 Код: <code>{ $code }</code>   <b>{ $spaced }</b>
form-sms-parts = 📏 { $parts ->
        [one] { $parts } часть
        [few] { $parts } части
       *[other] { $parts } частей
    } · { $encoding } · символов: { $units }
form-ttl = ⏱ Время жизни: { $ttl }
form-ttl-default = по умолчанию аккаунта
form-step = <b>Шаг { $number }: { $channel }</b>
form-step-after = <b>Шаг { $number }: { $channel }</b>, если предыдущий не { $state }
form-schedule = 📅 Расписание: { $begin }–{ $end }, дни { $weekdays }, до { $deadline }
form-problems = ⚠️ <b>Исправьте перед отправкой:</b>
form-stale = Эта форма уже не действует (отправлена, отменена или заменена). Начните заново: /send, /sms или /flashcall.
form-use-buttons = Воспользуйтесь кнопками карточки выше: ✅ отправить, ✖️ отменить, ✏️ изменить поле.
card-sandbox = 🧪 <b>SANDBOX</b>: тестовая платформа, настоящие сообщения не уходят
card-account = 🏢 Аккаунт: { $account }

button-send = ✅ Отправить
button-cancel = ✖️ Отмена
button-edit-phone = ✏️ Телефон
button-edit-text = ✏️ Текст
button-edit-code = ✏️ Код
button-edit-title = ✏️ Заголовок
button-edit-link = 🔗 Ссылка
button-edit-image = 🖼 Картинка
button-edit-button = 🔘 Кнопка
button-ttl = ⏱ Время жизни
button-sender = 👤 Отправитель
button-schedule = 📅 Расписание
button-json = { "{ }" } JSON
button-fallback = ↪️ SMS, если звонок не прошёл: { $state }
button-add-step = ➕ Добавить шаг
button-refresh = 🔄 Обновить
button-repeat = 🔁 Отправить ещё раз
button-retry = ↩️ Повторить (тот же id)

prompt-phone = Пришлите номер с кодом страны, например +7 900 123-45-67.
prompt-text = Пришлите новый текст.
prompt-code = Пришлите код: 4 или 6 цифр.
prompt-title = Пришлите заголовок push.
prompt-link = Пришлите ссылку (или -, чтобы убрать).
prompt-image = Пришлите адрес картинки, https://… (или -, чтобы убрать).
prompt-button = Пришлите кнопку как <i>надпись | ссылка</i>, например <code>Открыть | https://example.com</code> (или -, чтобы убрать).
prompt-schedule = Пришлите окно времени как <code>10:00-21:00</code>, можно добавить дни 1 (пн) – 7 (вс) и крайний срок: <code>10:00-21:00 12345 2026-12-31T18:00:00+0300</code>. Добавьте <code>local</code>, чтобы учитывать часовой пояс абонента. <code>-</code> убирает расписание.

error-phone = Это не номер телефона: { $reason }. Попробуйте ещё раз, например +7 900 123-45-67.
error-code = Код: 4 или 6 цифр, например 1234.
error-button = Кнопку пишите как <i>надпись | ссылка</i>, например <code>Открыть | https://example.com</code>.
error-schedule = Не получилось прочитать расписание. Пример: <code>10:00-21:00 12345</code>.

## /sms, /flashcall, /send, /cascade

sms-usage = Пишите так: <code>/sms +7 900 123-45-67 Ваш код 1234</code>
flashcall-usage = Пишите так: <code>/flashcall +7 900 123-45-67</code> (случайный 4-значный код), <code>/flashcall +7 900 123-45-67 5821</code> (свой код) или <code>/flashcall +7 900 123-45-67 6</code> (случайный 6-значный код).
flashcall-sms-text = Ваш код: { $code }
send-choose-account = Какой аккаунт?
send-choose-channel = Какой канал?
send-ask-phone = { $channel }: пришлите номер с кодом страны или выберите недавний.
send-ask-sender = Какой отправитель?
send-ask-content-sms = Пришлите текст SMS.
send-ask-content-viber = Пришлите текст Viber или адрес картинки (https://…). Кнопку можно добавить на карточке.
send-ask-content-vk = Пришлите текст сообщения VK.
send-ask-content-push = Пришлите push: первая строка заголовок, остальное текст (одна строка: только текст).
send-ask-content-telegram = Пришлите текст сообщения Telegram. Ссылку можно добавить на карточке.
send-ask-content-whatsapp = Пришлите текст WhatsApp или адрес картинки (https://…).
cascade-choose = Выберите каскад или соберите свой:
cascade-builder = 🛠 Собрать свой
cascade-ask-phone = Пришлите номер с кодом страны.
cascade-ask-text = Пришлите текст сообщений (шаг FlashingCall получит случайный код).
cascade-read-impossible = { $previous } никогда не сообщает READ, поэтому следующий шаг может ждать только DELIVERED.

## Ответы платформы

platform-refused =
    ❌ Платформа отклонила отправку (код { $code }: { $description }).
    { $details }
    { $explanation }
    Форма осталась: исправьте и нажмите ✅ ещё раз.
provider-error-1 = Платформа временно недоступна. Повторите через минуту.
provider-error-2 = Платформа не принимает запросы с IP-адреса этого сервера. Попросите поддержку платформы разрешить его.
provider-error-3 = Слишком много запросов сразу. Подождите несколько секунд и повторите.
provider-error-4 = Запрос некорректен; подробности выше указывают поле.
provider-error-5 = Платформа не знает этот логин. Проверьте настройки аккаунта.
provider-error-6 = Платформа отклонила пароль. Проверьте настройки аккаунта.
provider-error-7 = Не указан отправитель (serviceNumber) или он не зарегистрирован для этого аккаунта и канала. Выберите другого отправителя.
provider-error-8 = Платформа не приняла номер телефона. Проверьте: сначала код страны.
provider-error-9 = Этот тип сообщения неизвестен или не подключён для аккаунта.
provider-error-10 = Платформа отклонила дубликат. Отправьте как новое сообщение.
provider-error-11 = Время жизни (ttl) вне допустимого для этого канала.
provider-error-100 = Внутренняя ошибка платформы. Повторите позже; если повторяется, сообщите в поддержку платформы.

## Правила (ограничения платформы словами)

rule-empty-text = { $channel }: поле «{ $field }» пустое.
rule-text-too-long = { $channel }: в поле «{ $field }» { $length } символов, максимум { $limit }.
rule-ttl-out-of-range = { $channel }: время жизни должно быть от { $min } до { $max }, а указано { $given }.
rule-ttl-not-whole-days = { $channel }: время жизни задаётся целыми сутками, а указано { $given }.
rule-sender-required = Для { $channel } нужен отправитель.
rule-phone-invalid = Номер телефона неверен: { $reason }.
rule-flashcall-code = Код FlashingCall: { $lengths } цифр.
rule-caption = Надпись кнопки: от 1 до { $limit } символов, сейчас { $length }.
rule-action-url = { $what }: должно начинаться с { $schemes }.
rule-image-url = { $what }: должно начинаться с { $schemes }.
rule-length = { $what }: { $length } символов, максимум { $limit }.
rule-cascade-state = Шаг { $number } ждёт READ, но { $previous } никогда не сообщает READ: выберите DELIVERED.
rule-weekdays = Дни: цифры от 1 (понедельник) до 7 (воскресенье), каждая один раз, например 12345.
rule-time-of-day = Время пишется как ЧЧ:ММ, например 10:00.
rule-deadline = Для крайнего срока нужен часовой пояс, например 2026-12-31T18:00:00+0300.

## Карточки статуса

status-title = <b>{ $channels }</b> → { $phone }
status-mtnum = 🆔 mtNum <code>{ $mt_num }</code>
status-partner-id = 🔖 id <code>{ $partner_id }</code>
status-submitting = ⏳ Отправляю на платформу…
status-failed = ❌ Не отправлено: { $error }
status-unknown = ❓ Платформа не ответила вовремя: сообщение могло уйти, а могло и нет. Повторите с тем же id: дважды оно не уйдёт.
status-step-waiting = { $number }. { $channel }: ⏳ жду статус
status-step = { $number }. { $channel }: <b>{ $status }</b> { $time }
status-step-failed = { $number }. { $channel }: <b>{ $status }</b> · { $error } { $time }
    { $reason }

## Почему не доставлено

reason-absent-subscriber = Телефон выключен или вне зоны действия сети.
reason-unknown-subscriber = Такого абонента нет: номер не обслуживается.
reason-call-barred = Оператор абонента запретил сообщение.
reason-memory-capacity-exceeded = Память телефона переполнена.
reason-timeout = Не доставлено за время жизни сообщения.
reason-filtered = Отфильтровано оператором или каналом.
reason-busy = Линия была занята.
reason-unrouted = Нет маршрута до этого номера.
reason-teleservice-not-provisioned = Абонент не может принимать такие сообщения.
reason-oper-spamfiltered = Остановлено спам-фильтром оператора.
reason-oper-blacklisted = Номер в чёрном списке оператора.
reason-duplicated = Отброшено как дубликат.

## Меню команд

command-send = Отправить в любой канал по шагам
command-sms = SMS одной строкой: /sms телефон текст
command-flashcall = Код FlashingCall: /flashcall телефон [код]
command-cascade = Каскад: Viber → SMS и другие
command-status = История отправки: /status mtNum
command-history = Последние отправки
command-trace = Всё, что уходило на номер: /trace телефон
command-cancel = Сбросить текущую форму
command-lang = Язык
command-help = Что я умею

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
history-older = ◀️ Раньше
trace-usage = Пишите так: <code>/trace +7 900 123-45-67</code> (за 24 ч) или <code>/trace +7 900 123-45-67 7d</code>.
trace-empty = На { $phone } за этот период ничего не отправлялось и отчётов не было.
trace-title = <b>Всё по { $phone }:</b>
trace-outside-line = { $time } · mtNum { $mt_num } · { $channel } · { $status } (отправлено не этим ботом)
answer-more-lines = … и ещё { $count ->
    [one] { $count } строка не показана
    [few] { $count } строки не показаны
   *[many] { $count } строк не показано
}: сузьте поиск (например, период покороче).

## Администрирование

operators-title = <b>Операторы ({ $count }):</b>
operators-line = { $name } · <code>{ $user_id }</code> · { $role }
grant-usage = Пишите так: <code>/grant 123456789 operator</code> (роли: admin, operator, viewer).
grant-self = Свою роль менять нельзя.
granted = Готово: <code>{ $user_id }</code> теперь { $role }.
revoke-usage = Пишите так: <code>/revoke 123456789</code>.
revoke-self = Себя отозвать нельзя.
revoke-bootstrap = <code>{ $user_id }</code> — администратор из ADMIN_IDS; уберите его там.
revoked = Готово: у <code>{ $user_id }</code> больше нет доступа.
revoke-unknown = <code>{ $user_id }</code> не является активным оператором.
invite-usage = Пишите так: <code>/invite</code> или <code>/invite viewer</code> (роли: admin, operator, viewer).
invite-created = Одноразовое приглашение ({ $role }), действует { $hours } ч:
    { $link }
rule-extra-param = extraParam пишется как имя=значение,имя=значение: { $reason }.
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
rule-legacy-get-cascade = Через { $api } платформа сообщает только общий статус сообщения, и за каскадом не проследить: отправьте один канал (каскады — через legacy-json или legacy-xml).
rule-legacy-schedule = В API { $api } нет окон доставки: очистите расписание.
rule-legacy-sms-lifetime = В API { $api } у SMS нет срока жизни: выберите «по умолчанию аккаунта».
rule-legacy-viber-lifetime = API { $api } принимает срок жизни Viber в целых минутах; сейчас { $seconds } с.
rule-button-incomplete = Кнопке нужны и надпись, и ссылка.
rule-image-without-button = В этом API картинка Viber отправляется только с кнопкой: добавьте её.
status-legacy-id = 🆔 id_message <code>{ $legacy_id }</code>
provider-error-legacy = Выше ответ самой платформы. Исправьте форму и повторите; если речь об аккаунте или пароле, проверьте настройки аккаунта.
