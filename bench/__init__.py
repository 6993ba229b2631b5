"""Benchmarks of the delivery-report pipeline (see bench/README.md).

``python -m bench.ingest``: reports/s, ack latency and loss of the report receiver against a
bare aiohttp endpoint. ``python -m bench.cards``: report-to-card latency and flood-limit
behaviour of the card notifier against the local Bot API (the playground).
"""
