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
# Install the project with its dependencies and the `images` extra (OCR of quote cards and
# screenshots, its models inside the wheel), then drop the project itself (the image runs the code
# from /app, so that config/, corpus/ and data/ are found next to it) and the installers, which the
# running bot never needs (about 25 MB).
# The OCR package asks for opencv-python, which links the desktop's OpenGL libraries that a slim
# image lacks (`import cv2` fails on libGL.so.1); the headless build of the same version is the same
# cv2 without them. The import check makes a broken OCR install fail the build, not the first picture.
RUN pip install --no-cache-dir "/src[images]" \
    && opencv_version="$(python -c 'import importlib.metadata as m; print(m.version("opencv-python"))')" \
    && pip uninstall --yes opencv-python \
    && pip install --no-cache-dir --no-deps "opencv-python-headless==${opencv_version}" \
    && python -c "import cv2, wordsegment; from rapidocr_onnxruntime import RapidOCR" \
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
# The OCR engine loads in the runtime image too (its libraries, not the build stage's).
RUN python -c "import cv2; from rapidocr_onnxruntime import RapidOCR"
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
