"""Shared pytest fixtures and hooks for the Campaign Manager's tests."""


def pytest_report_header(config):
    # make test runs the suite twice; say which database this run is on.
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f"{db.get('HOST')}:{db.get('PORT')}/" if db.get("HOST") else ""
    return f"database: {db['ENGINE']} {where}{db['NAME']}"
