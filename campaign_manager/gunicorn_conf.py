"""gunicorn's settings for the web process (Dockerfile, docker-compose.yml, the systemd
unit in docs/operations.md):

    gunicorn --config python:campaign_manager.gunicorn_conf --bind 0.0.0.0:8000 \
        campaign_manager.wsgi

Command-line options and GUNICORN_CMD_ARGS override these.
"""

import os

from campaign_manager.envconf import read_int
from campaign_manager.logs import gunicorn_logconfig, log_format

# Sync workers: each answers one request at a time, the IVR API within UCCX's 5 s.
workers = read_int("WEB_CONCURRENCY", min(2 * len(os.sched_getaffinity(0)) + 1, 9), minimum=1)
# A request still running after this is killed and its worker replaced.
timeout = read_int("WEB_TIMEOUT", 30, minimum=1)
graceful_timeout = timeout
# The control socket (gunicornc) is not used; it would live in $HOME.
control_socket_disable = True
if log_format() == "json":
    logconfig_dict = gunicorn_logconfig()
