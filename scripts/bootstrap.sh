#!/usr/bin/env bash
# Installs what the Campaign Manager needs on a Debian 12 machine, and nothing twice:
#   1. the Debian packages in APT_PACKAGES that are not installed yet (apt-get update only
#      when something is missing);
#   2. the virtualenv .venv (Python 3.11) with requirements-dev.txt, skipped when the
#      stamp .venv/.requirements.sha matches the requirement files.
# Safe to run again and again; a second run takes well under a second.
set -euo pipefail

# The Debian packages the project needs. Add to this list, nothing else needs changing.
APT_PACKAGES="gcc postgresql unixodbc unixodbc-dev libsqliteodbc odbc-postgresql redis-server chromium gettext"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
STAMP="$VENV/.requirements.sha"

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# One bootstrap at a time (make run and make test started together would both pip install).
exec 9<"${BASH_SOURCE[0]}"
flock 9

# --- Python 3.11 ---------------------------------------------------------------------
find_python() {
    local candidate
    for candidate in "$(command -v python3.11 || true)" /usr/bin/python3.11; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ]; then
    # A fresh Debian 12: its python3 is 3.11.
    APT_PACKAGES="python3 python3-venv python3-dev $APT_PACKAGES"
elif [ "$(dirname "$(readlink -f "$PYTHON")")" = /usr/bin ]; then
    # Debian's own Python splits venv/ensurepip and the C headers into packages.
    APT_PACKAGES="python3-venv python3-dev $APT_PACKAGES"
fi

# --- Debian packages -----------------------------------------------------------------
missing=()
for pkg in $APT_PACKAGES; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed$'; then
        missing+=("$pkg")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null; then
        SUDO=(sudo)
    else
        say "not root and no sudo: install these packages first: ${missing[*]}"
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" </dev/null
fi

if [ -z "$PYTHON" ]; then
    PYTHON="$(find_python)" || { say "no Python 3.11 found even after installing python3"; exit 1; }
fi

# --- virtualenv ----------------------------------------------------------------------
if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    say "creating $VENV with $PYTHON"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

want="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    say "installing requirements-dev.txt into $VENV"
    rm -f "$STAMP"
    # (sed drops a warning about this machine's local package mirrors that can't be fixed here)
    { PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$VENV/bin/python" -m pip install -q -r requirements-dev.txt </dev/null 2>&1 1>&3 |
        sed '/is ignored: it is neither a file nor a directory/d' >&2; } 3>&1
    echo "$want" >"$STAMP"
fi

# --- translations --------------------------------------------------------------------
# locale/*/LC_MESSAGES/django.po -> .mo (the .mo files are built, never committed).
for po in locale/*/LC_MESSAGES/*.po; do
    [ -e "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -e "$mo" ] || [ "$po" -nt "$mo" ]; then
        if command -v msgfmt >/dev/null; then
            msgfmt -o "$mo" "$po"
        else
            say "msgfmt (GNU gettext) not found: $po not compiled, the admin stays English"
        fi
    fi
done
