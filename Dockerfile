FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY provider ./provider
RUN pip install . \
    && useradd --create-home --uid 10001 desk \
    && mkdir -p /app/data \
    && chown desk:desk /app/data

USER desk
VOLUME ["/app/data"]
EXPOSE 8081

# Placeholder until the status pipeline adds GET /health on the report receiver:
# it only proves that the bot process is alive (PID 1 is `python -m bot`).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import pathlib, sys; sys.exit(0 if b'bot' in pathlib.Path('/proc/1/cmdline').read_bytes() else 1)"

CMD ["python", "-m", "bot"]
