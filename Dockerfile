# syntax=docker/dockerfile:1
# quotecheck: the Discord bot that verifies quotations.
# Build: docker build -t quotecheck .    Run with PostgreSQL: docker compose up -d (see compose.yaml)

# ---- build: dependencies into a virtual environment -------------------------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY bot ./bot
# Install the project with its dependencies, then drop the project itself (the image runs the code
# from /app, so that config/, corpus/ and data/ are found next to it) and the installers, which the
# running bot never needs (about 25 MB).
RUN pip install --no-cache-dir . \
    && pip uninstall --yes quotecheck \
    && python -m pip uninstall --yes pip setuptools \
    && find /opt/venv -depth -type d -name "__pycache__" -exec rm -rf {} +

# ---- runtime: the virtual environment, the code, a non-root user -------------------------------
FROM python:3.11-slim-bookworm AS runtime
LABEL org.opencontainers.image.title="quotecheck" \
      org.opencontainers.image.description="Discord bot that verifies quotations against a corpus of verified statements" \
      org.opencontainers.image.licenses="MIT"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    XDG_CACHE_HOME=/tmp/.cache \
    QUOTECHECK_CONFIG=/app/config/quotecheck.toml
RUN groupadd --system --gid 10001 quotecheck \
    && useradd --system --uid 10001 --gid quotecheck --home-dir /app --no-create-home --shell /usr/sbin/nologin quotecheck
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY bot ./bot
COPY config ./config
COPY corpus ./corpus
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/quotecheck-entrypoint
# data/ holds the SQLite database, its backups, the inbox and the heartbeat: the only writable place.
RUN mkdir -p /app/data/inbox /app/data/backups \
    && chown -R quotecheck:quotecheck /app/data
USER 10001:10001
VOLUME ["/app/data"]
# The scheduler's watchdog rewrites the heartbeat every minute while the bot's loop is alive.
HEALTHCHECK --interval=60s --timeout=10s --start-period=300s --retries=3 \
    CMD ["quotecheck-entrypoint", "healthcheck"]
ENTRYPOINT ["quotecheck-entrypoint"]
CMD ["run"]
