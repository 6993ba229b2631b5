"""The messaging platform's APIs as a typed library. Knows nothing of Telegram."""
