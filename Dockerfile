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
COPY playground ./playground
COPY serving ./serving
COPY locales ./locales
RUN pip install . \
    && useradd --create-home --uid 10001 desk \
    && mkdir -p /app/data \
    && chown desk:desk /app/data

USER desk
VOLUME ["/app/data"]
EXPOSE 8081

# GET /health on the report receiver: 200 when the database and Telegram answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/health', timeout=4)"

CMD ["python", "-m", "bot"]
