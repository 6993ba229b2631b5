"""``python -m bot.reports.writer``: the report writer's process (started by the bot)."""

from bot.reports.writer.child import main

main()
