#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#        scripts/with-postgres.sh --version     (prints the PostgreSQL major version used)
#
# Starts a throw-away PostgreSQL server (Debian's, from /usr/lib/postgresql/<ver>/bin) on
# 127.0.0.1 and a free port, creates the database campaign_manager, runs CMD with
#   DATABASE_URL=postgres://postgres@127.0.0.1:PORT/campaign_manager
# then stops the server and deletes its files whatever CMD did, and exits with CMD's
# exit code. Durability is switched off (fsync, synchronous_commit, full_page_writes):
# the data lives only as long as CMD.
set -euo pipefail

say() { printf 'with-postgres: %s\n' "$*" >&2; }

# Debian's server binaries; never whatever pg_ctl happens to be on PATH.
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    say "no PostgreSQL server under /usr/lib/postgresql/*/bin: run scripts/bootstrap.sh"
    exit 1
fi
PG_MAJOR="$(basename "$(dirname "$PGBIN")")"

if [ "${1:-}" = "--version" ]; then
    echo "$PG_MAJOR"
    exit 0
fi
if [ "$#" -eq 0 ]; then
    say "usage: $0 CMD [ARGS...]"
    exit 2
fi

# initdb refuses to run as root: the server then runs as an unprivileged user.
if [ "$(id -u)" -eq 0 ]; then
    PGUSER_OS=postgres
    if ! id -u "$PGUSER_OS" >/dev/null 2>&1; then
        PGUSER_OS=cm-postgres
        id -u "$PGUSER_OS" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS"
    fi
    as_pg() { runuser -u "$PGUSER_OS" -- "$@"; }
else
    PGUSER_OS="$(id -un)"
    as_pg() { "$@"; }
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/cm-postgres.XXXXXX")"
chmod 700 "$TMP"
[ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS": "$TMP"
DATA="$TMP/data"
SOCK="$TMP/sock"
LOG="$TMP/server.log"
STARTED=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$STARTED" ]; then
        (cd "$TMP" && as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1) ||
            say "could not stop the server cleanly"
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cd "$TMP"  # the server's user may not be able to read the caller's directory
as_pg mkdir "$SOCK"
as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --no-sync --no-instructions >"$TMP/initdb.log" 2>&1 || {
    cat "$TMP/initdb.log" >&2
    say "initdb failed"
    exit 1
}

# A free port can be taken between the check and the start: try a few.
for attempt in 1 2 3 4 5; do
    PORT="$(free_port)"
    if as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -s start -o \
        "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$SOCK \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null 2>&1; then
        STARTED=1
        break
    fi
    say "the server did not start on port $PORT (attempt $attempt)"
    tail -n 5 "$LOG" >&2 || true
done
if [ -z "$STARTED" ]; then
    say "giving up: could not start PostgreSQL"
    exit 1
fi

for _ in $(seq 1 100); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres && break
    sleep 0.1
done
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres || {
    say "the server never became ready"
    exit 1
}

PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE campaign_manager"
say "$("${PSQL[@]}" -d campaign_manager -At -c 'select version()')"
say "listening on 127.0.0.1:$PORT, data in $DATA"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/campaign_manager"
cd "$OLDPWD"
set +e
"$@"
rc=$?
set -e
exit "$rc"
