#!/usr/bin/env bash
# Usage: scripts/with-redis.sh CMD [ARGS...]
#
# Starts a throw-away Redis server (Debian's redis-server) on 127.0.0.1 and a free port,
# without persistence (no RDB snapshots, no AOF), runs CMD with
#   REDIS_URL=redis://127.0.0.1:PORT/0
# then stops the server and deletes its files whatever CMD did, and exits with CMD's
# exit code. make test runs its PostgreSQL pass inside it, where the real Celery worker
# test uses it as the broker.
set -euo pipefail

say() { printf 'with-redis: %s\n' "$*" >&2; }

# Debian's server; never whatever redis-server happens to be first on PATH.
REDIS_SERVER=/usr/bin/redis-server
if [ ! -x "$REDIS_SERVER" ]; then
    say "no $REDIS_SERVER: run scripts/bootstrap.sh"
    exit 1
fi
if [ "$#" -eq 0 ]; then
    say "usage: $0 CMD [ARGS...]"
    exit 2
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/cm-redis.XXXXXX")"
LOG="$TMP/server.log"
PID=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill "$PID" 2>/dev/null || true
        # Without persistence the server exits at once; do not wait forever all the same.
        for _ in $(seq 1 50); do
            kill -0 "$PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$PID" 2>/dev/null && kill -9 "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null || true
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

# Answers PONG to a PING on 127.0.0.1:$1 (bash's /dev/tcp: no redis-cli needed).
pong() {
    local reply=""
    { exec 8<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&8
    read -r -t 1 reply <&8 || true
    exec 8<&- 8>&-
    [ "${reply%$'\r'}" = "+PONG" ]
}

# A free port can be taken between the check and the start: try a few.
for attempt in 1 2 3 4 5; do
    PORT="$(free_port)"
    "$REDIS_SERVER" --bind 127.0.0.1 --port "$PORT" --dir "$TMP" --save "" --appendonly no \
        --daemonize no --logfile "$LOG" &
    PID=$!
    for _ in $(seq 1 100); do
        pong "$PORT" && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    if pong "$PORT"; then
        break
    fi
    say "the server did not start on port $PORT (attempt $attempt)"
    tail -n 5 "$LOG" >&2 || true
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=""
done
if [ -z "$PID" ]; then
    say "giving up: could not start Redis"
    exit 1
fi
say "$("$REDIS_SERVER" --version | cut -d' ' -f1-3) listening on 127.0.0.1:$PORT (pid $PID)"

export REDIS_URL="redis://127.0.0.1:$PORT/0"
set +e
"$@"
rc=$?
set -e
exit "$rc"
