#!/bin/sh
# Container entry point: wait for the database, bring its schema up to date, then run the command.
#
#   quotecheck-entrypoint run                 the chat bot (the default command)
#   quotecheck-entrypoint SUBCOMMAND ARGS...  any quotecheck subcommand (ingest, check, jobs, backup...)
#   quotecheck-entrypoint healthcheck         exit 0 while the bot's scheduler heartbeat is fresh
#   quotecheck-entrypoint COMMAND ARGS...     anything else is run as is (sh, for a look around)
#
# Environment: QUOTECHECK_DATABASE_URL (default: the SQLite file in the data volume),
# QUOTECHECK_DATABASE_PASSWORD_FILE (a file holding the PostgreSQL password),
# QUOTECHECK_DB_WAIT_SECONDS (how long to wait for the database, default 60), and every
# QUOTECHECK_* setting described in config/quotecheck.toml.
set -eu

PYTHON="${QUOTECHECK_PYTHON:-python}"
WAIT_SECONDS="${QUOTECHECK_DB_WAIT_SECONDS:-60}"

log() {
    printf 'quotecheck-entrypoint: %s\n' "$*" >&2
}

# Opening the database runs the migrations; retried while PostgreSQL is still starting.
prepare_database() {
    deadline=$(( $(date +%s) + WAIT_SECONDS ))
    while :; do
        if error=$("$PYTHON" -c 'import sys
from bot.config import load_settings
from bot.store.database import StoreError, make_engine
try:
    make_engine(load_settings().resolved_database_url).dispose()
except StoreError as exc:
    sys.exit(str(exc))' 2>&1); then
            return 0
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            log "database not reachable after ${WAIT_SECONDS}s: ${error}"
            return 1
        fi
        log "waiting for the database: ${error}"
        sleep 2
    done
}

# A password kept in a secret file reaches PostgreSQL through libpq's PGPASSWORD, never the URL.
if [ -n "${QUOTECHECK_DATABASE_PASSWORD_FILE:-}" ]; then
    if [ ! -r "$QUOTECHECK_DATABASE_PASSWORD_FILE" ]; then
        log "cannot read QUOTECHECK_DATABASE_PASSWORD_FILE=${QUOTECHECK_DATABASE_PASSWORD_FILE}"
        exit 2
    fi
    PGPASSWORD=$(cat "$QUOTECHECK_DATABASE_PASSWORD_FILE")
    export PGPASSWORD
fi

if [ "$(id -u)" = "0" ]; then
    log "warning: running as root; the image's user is 'quotecheck'"
fi

command="${1:-run}"
case "$command" in
    healthcheck)
        shift || true
        exec "$PYTHON" -m bot.jobs.health "$@"
        ;;
    run|ingest|check|export|stats|jobs|backup|restore|sync|console)
        [ "$#" -gt 0 ] && shift
        prepare_database
        exec "$PYTHON" -m bot "$command" "$@"
        ;;
    -*)
        prepare_database
        exec "$PYTHON" -m bot "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
