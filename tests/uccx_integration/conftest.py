"""The integration tests' UCCX client: `client` talks to the in-process simulator.

The simulator and the other shared fixtures are in tests/conftest.py. `client` is
defined here (and in tests/reliability) only, because elsewhere it is pytest-django's
test client.
"""

import pytest

from callbacks.recall.models import RecallPolicy


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def policy(campaign):
    """Callback_Main's recall policy: no answer, 30 minutes then the next day, 3 rounds."""
    return RecallPolicy.objects.create(
        campaign=campaign, no_answer_after="30, next day", no_answer_rounds=3
    )


@pytest.fixture
def one_attempt(simulator):
    """The UCCX campaign makes one dial attempt per contact: one round, one dial."""
    for campaign in simulator.campaigns.values():
        campaign.max_dial_attempts = 1
