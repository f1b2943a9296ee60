# The scheduled worker (`aggregator serve`) for one or more campaign files.
#
#   docker build -t aggregator .
#   docker run -d --name aggregator --restart unless-stopped --stop-timeout 120 \
#     -v "$PWD/secrets/google.json:/run/secrets/google.json:ro" \
#     -v "$PWD/my-campaign:/config:ro" -e AGGREGATOR_CONFIG=/config/campaign.yaml \
#     -v aggregator-data:/data \
#     aggregator
#
# - Credentials: a service-account JSON key mounted as a file (never baked into the image). It must
#   be readable by uid 10001 (compose/swarm secrets are; for a bind mount, chmod 0644 the copy).
# - AGGREGATOR_CONFIG: one or more campaign files separated by spaces; mount the folder holding a
#   campaign file with its roster (relative paths in a campaign file are resolved against its folder).
#   The default runs the bundled Nha Trang demo (xlsx source, no Google needed).
# - /data: outputs and state (out/<campaign-id>/: dashboard copy, report, status.json, history.sqlite).
# - SIGTERM stops the worker after the running cycle; --stop-timeout gives that cycle time to finish.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY aggregator ./aggregator
RUN pip install . && rm -rf build aggregator.egg-info
COPY config ./config
COPY templates ./templates

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin aggregator \
    && mkdir -p /data \
    && chown aggregator:aggregator /data

ENV GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/google.json \
    AGGREGATOR_CONFIG=/app/config/nhatrang-2024.yaml \
    TZ=Asia/Ho_Chi_Minh

USER aggregator
WORKDIR /data
VOLUME ["/data"]

# exec: the worker is PID 1 and receives SIGTERM itself.
CMD ["/bin/sh", "-c", "set --; for c in $AGGREGATOR_CONFIG; do set -- \"$@\" --config \"$c\"; done; exec aggregator serve \"$@\""]
