#!/usr/bin/env bash
# Usage: scripts/run-demo.sh      (what `make run` does after bootstrap)
#
# The whole Campaign Manager on one machine, on the embedded defaults: migrates the
# database, loads the demo (seed_demo --demo: admin / admin, campaigns, skills, callbacks,
# two API keys), then starts under ONE supervisor (honcho, with the Procfile):
#   web        manage.py runserver 127.0.0.1:8000
#   worker     Celery worker with embedded beat (the schedule in django-celery-beat), on
#              CELERY_BROKER_URL or, unset, the embedded filesystem broker under var/
#   simulator  the UCCX simulator on 127.0.0.1:8089, dialing every 5 s and calling the
#              IVR API with the demo IVR key, its dialing list in var/
# so that a callback booked in the admin or the API is exported, dialed, routed by the
# IVR and closed on its own. Ctrl-C (or SIGTERM) stops all three.
# Run-time files go to CM_VAR_DIR (default var/ in the repository).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON=.venv/bin/python
WEB_PORT="${WEB_PORT:-8000}" # another port: WEB_PORT=8001 make run
SIMULATOR_PORT="${SIMULATOR_PORT:-8089}"
BASE="http://127.0.0.1:$WEB_PORT"

say() { printf 'run: %s\n' "$*" >&2; }

export DEBUG=true
export PYTHONUNBUFFERED=1 # honcho reads the processes' output through pipes
CM_VAR_DIR="$(mkdir -p "${CM_VAR_DIR:-$ROOT/var}" && cd "${CM_VAR_DIR:-$ROOT/var}" && pwd)"
export CM_VAR_DIR

# A second `make run` would start and then stop at once, taking this one's ports.
for port in "$WEB_PORT" "$SIMULATOR_PORT"; do
    if { exec 8<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
        exec 8<&- 8>&-
        say "127.0.0.1:$port is already in use (another make run?): stop it first"
        exit 1
    fi
done

echo "$PYTHON manage.py migrate --noinput"
"$PYTHON" manage.py migrate --noinput
echo "$PYTHON manage.py seed_demo --demo"
seeded="$("$PYTHON" manage.py seed_demo --demo)"
echo "$seeded"

KEYS="$CM_VAR_DIR/demo-api-keys.txt"
CM_IVR_API_KEY="$(sed -n 's/^ivr=//p' "$KEYS")"
if [ -z "$CM_IVR_API_KEY" ]; then
    say "no ivr= line in $KEYS: delete it and run again to get new demo keys"
    exit 1
fi
export CM_IVR_API_KEY

# The simulator stands in for UCCX: its REST API and its db_cra-shaped dialing list,
# which the poll task reads through unixODBC's SQLite3 driver as it would Informix.
export CM_SIMULATOR_DB="$CM_VAR_DIR/uccx-simulator.sqlite3"
export WEB_PORT SIMULATOR_PORT
export UCCX_URL="http://127.0.0.1:$SIMULATOR_PORT"
# The simulator also stands in for Finesse (agent sessions; simulator/finesse.py).
export FINESSE_URL="http://127.0.0.1:$SIMULATOR_PORT"
# Its administrator, for the dial-time state of personal callbacks' agents (agent003 is
# logged out: SIMULATOR_FINESSE_STATES or POST /simulator/finesse-states changes that).
export FINESSE_USERNAME=administrator
export FINESSE_PASSWORD=ciscocisco
export UCCX_USERNAME=administrator
export UCCX_PASSWORD=ciscocisco
export INFORMIX_DSN="DRIVER=SQLite3;Database=$CM_SIMULATOR_DB;NoCreat=1"

# Seconds between runs of export and poll, as stored (an administrator may change them).
read -r EXPORT_EVERY POLL_EVERY < <(DJANGO_SETTINGS_MODULE=campaign_manager.settings "$PYTHON" -c "
import django
django.setup()
from django_celery_beat.models import PeriodicTask
def every(name):
    t = PeriodicTask.objects.filter(task='uccx_integration.' + name, enabled=True).first()
    return t.interval.every if t and t.interval and t.interval.period == 'seconds' else '?'
print(every('export_due_callbacks'), every('poll_dialer_results'))")

cat <<EOF

==================================================================
 Campaign Manager: $BASE/admin/   login: admin / password: admin
   Callbacks and their timeline: $BASE/admin/callbacks/callback/
   Beat schedule:                $BASE/admin/django_celery_beat/periodictask/
   Check a time:                 $BASE/admin/scheduling/skill/check-time/
   Reports (a demo month, CSV):  $BASE/admin/reports/
 Health: $BASE/healthz  $BASE/readyz  $BASE/metrics
 Finesse gadget preview: $BASE/gadget/preview/
 API docs: $BASE/api/docs/
 Demo API keys ($KEYS):
$(sed 's/^/   /' "$KEYS")
   curl -H "Authorization: Api-Key <gadget key>" $BASE/api/v1/config
 UCCX simulator: $UCCX_URL/adminapi/campaign (administrator / ciscocisco),
   $UCCX_URL/simulator/stats; dialing list in $CM_SIMULATOR_DB
 Finesse stand-in: $FINESSE_URL/finesse/api/User/agent001 (agent001..agent003,
   supervisor super001 of team 1; password ciscocisco; agent003 logged out; states:
   curl -d '{"agent003": "READY"}' $FINESSE_URL/simulator/finesse-states)
 How a callback goes (no step by hand):
   the worker exports it to UCCX at its time (every ${EXPORT_EVERY} s, and a run aimed at
   the next callback), the simulator dials within 5 s, never before the promised time
   (70 % answered, busy/no answer retried up to 3 times),
   an answered call asks the IVR API where to go (in_ivr), and the results are read
   every ${POLL_EVERY} s: completed or failed, all in the callback's timeline.
   Recall demo: the simulator never answers +48225550103 (Zofia Recall); after UCCX's
   3 attempts the recall policy of Callback_Main (admin: Recall policies; demo: no
   answer: 30, next day, at most 3 rounds) books round 2, then round 3, then failed.
   A callback you book is due at least the minimum lead time (GlobalRules) ahead; the
   live demo callbacks below are due a minute after start and so end about two
   minutes after start (the first export run, then the first results poll):
$(grep '^Live demo\|^  (not in a minute' <<<"$seeded" | sed 's/^/   /')
 Ctrl-C stops the web server, the worker and the simulator.
==================================================================

EOF

# Stopping: Ctrl-C (SIGINT) or SIGTERM, to this script or to its whole process group.
# honcho runs in its own session, so exactly one SIGTERM reaches it: from the trap below.
# It passes SIGTERM to each process (each in its own session too) and answers 143; a
# stop that was asked for is a clean end, exit 0, so `make run` ends without
# "make: *** Error 143". Any other end (a process died on its own) keeps its status.
# scripts/supervise.py is honcho start, with 20 s rather than 5 before it kills a process.
stop_asked=""
setsid .venv/bin/python scripts/supervise.py start --no-colour --procfile "$ROOT/Procfile" --app-root "$ROOT" &
honcho=$!
trap 'stop_asked=1; kill -TERM "$honcho" 2>/dev/null || true' INT TERM
while :; do
    status=0
    wait "$honcho" || status=$?
    kill -0 "$honcho" 2>/dev/null || break # else the wait was cut short by the trap
done
if [ -n "$stop_asked" ] && [[ " 0 130 143 " == *" $status "* ]]; then
    say "stopped"
    exit 0
fi
exit "$status"
