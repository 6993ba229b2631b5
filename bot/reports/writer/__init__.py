"""The report writer, in a process of its own: the receiver parses nothing and stores nothing.

CPython runs one thread at a time, so in the bot's process every report's parsing,
validation, scrubbing and recording competed with aiohttp (and with Telegram) for one
core. Here the receiver only checks the path and forwards each request's body; a child
process (``python -m bot.reports.writer``) parses, validates and stores it with the group
commit of :class:`~bot.reports.store.ReportStore`, and answers when it is durable, so a 200
still means "in the database".

Protocol, over the child's stdin and stdout:

* the first line is the configuration (JSON): database path, busy timeout, literal secrets
  for the scrubber (the bot token and passwords: never in its argv; its environment is the
  bot's without the variables whose names look sensitive), log level;
* then one frame per request: ``<request id> <body length>\\n`` and the body, as posted;
* each answer is one line: ``<request id> <status> <reports stored> <changed 0|1>``, then
  for a 400/500/503 a space and the reason as a JSON string (200, 400, 500 or 503).

The child stops when its stdin closes (the bot stopped, or died: it never outlives the bot)
after answering what it has read. The bot starts it with the receiver (in the background:
a report that comes first waits for it), and again a second after it died; requests in
flight when it dies, and those that come before the new one runs, get 503 (the platform
posts them again). ``GET /health`` shows its state as ``reports``.
"""
