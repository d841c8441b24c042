# syntax=docker/dockerfile:1
# The Campaign Manager: one image for the web server (gunicorn), the Celery worker and
# Celery beat; docker-compose.yml runs all three, docs/operations.md explains them.
#
#   docker build -t campaign-manager .
#
# Runs as the unprivileged user "cm" (uid 10001). Static files are collected at build
# time into /app/staticfiles and served by whitenoise. Run-time files (nothing essential
# with a server database and Redis) go to the volume /var/lib/campaign-manager.
# Settings: environment variables, see .env.example; secrets as NAME_FILE files.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the virtualenv, compiled where no wheel fits ------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc g++ libc6-dev unixodbc-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

# --- runtime ----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# unixODBC and Microsoft ODBC Driver 18 for SQL Server (mssql-django, DATABASE_URL=mssql://)
# from Microsoft's Debian 12 repository. Informix (db_cra) needs IBM's Informix ODBC
# driver, which no public repository carries: docs/operations.md shows an image built on
# this one that adds it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
    && curl -fsSL https://packages.microsoft.com/keys/microsoft.asc \
        | gpg --dearmor -o /usr/share/keyrings/microsoft-prod.gpg \
    && echo "deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/microsoft-prod.gpg] https://packages.microsoft.com/debian/12/prod bookworm main" \
        > /etc/apt/sources.list.d/mssql-release.list \
    && apt-get update \
    && ACCEPT_EULA=Y apt-get install -y --no-install-recommends msodbcsql18 unixodbc \
    && apt-get purge -y --auto-remove curl gnupg \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cm \
    && useradd --system --uid 10001 --gid cm --home-dir /var/lib/campaign-manager \
        --no-create-home --shell /usr/sbin/nologin cm \
    && install -d -o cm -g cm -m 0750 /var/lib/campaign-manager

COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=campaign_manager.settings \
    CM_VAR_DIR=/var/lib/campaign-manager \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
# The code belongs to root and is read-only for cm (see .dockerignore for what is left out).
COPY . /app

# Collected with production settings; the key and the directory exist for this step only.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-used-at-run-time CM_VAR_DIR=/tmp/cm-build \
        python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/cm-build \
    && python -m compileall -q /app/campaign_manager /app/scheduling /app/callbacks \
        /app/uccx_integration /app/reporting /app/ops

USER cm
EXPOSE 8000
# Web by default; docker-compose.yml runs the worker and beat from the same image.
CMD ["gunicorn", "--config", "python:campaign_manager.gunicorn_conf", \
     "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "campaign_manager.wsgi"]
