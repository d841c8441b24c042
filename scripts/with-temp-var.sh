#!/usr/bin/env bash
# Usage: scripts/with-temp-var.sh CMD [ARGS...]
#
# Runs CMD on the embedded development defaults, away from the developer's own data:
# DEBUG=true, DATABASE_URL unset (so SQLite under CM_VAR_DIR), and CM_VAR_DIR set to a
# fresh temporary directory that is removed afterwards whatever CMD did. Exits with CMD's
# exit code. Used by make lint/test/bench; wrap scripts/with-postgres.sh inside it to get
# PostgreSQL instead of SQLite.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

CM_VAR_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cm-var.XXXXXX")"
trap 'rm -rf "$CM_VAR_DIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export CM_VAR_DIR
export DEBUG=true
unset DATABASE_URL

set +e
"$@"
rc=$?
set -e
exit "$rc"
