"""Agent sessions: who the gadget's agent is, as Finesse said once (docs/security.md).

A session is a django.core.signing token (salted, time-stamped) naming the agent, their
roles and the agents of the teams they supervise, bound to the gadget key that asked for
it. It lives AGENT_SESSION_HOURS; then the gadget verifies the agent with Finesse again.
With AGENT_AUTH=key_only there are no sessions: the key acts for any agent it names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from .finesse import FinesseUser

SALT = "callbacks.agent-session"


def key_only() -> bool:
    return settings.AGENT_AUTH == "key_only"


def session_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.AGENT_SESSION_HOURS)


@dataclass(frozen=True)
class AgentSession:
    agent_id: str
    name: str
    supervisor: bool
    agents: frozenset[str]  # the agents whose callbacks this agent may see and act on
    key_prefix: str

    def may_act_for(self, agent_id: str) -> bool:
        return agent_id in self.agents


class SessionRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def session_sign(user: FinesseUser, key_prefix: str) -> str:
    payload = {
        "a": user.login_id,
        "n": user.name,
        "s": user.is_supervisor,
        "t": list(user.supervised_agents),
        "k": key_prefix,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def session_read(token: str, key_prefix: str) -> AgentSession:
    try:
        payload = signing.loads(token, salt=SALT, max_age=session_lifetime())
    except signing.SignatureExpired:
        raise SessionRefused(
            "agent_session_expired",
            "Your agent session has expired. The gadget signs you in again with Finesse.",
        ) from None
    except signing.BadSignature:
        raise SessionRefused(
            "agent_session_invalid", "The agent session is not valid. Reload the gadget."
        ) from None
    if payload.get("k") != key_prefix:
        raise SessionRefused(
            "agent_session_invalid", "The agent session belongs to another gadget key."
        )
    agent = payload["a"]
    return AgentSession(
        agent_id=agent,
        name=payload.get("n", ""),
        supervisor=bool(payload.get("s")),
        agents=frozenset([agent, *payload.get("t", [])]),
        key_prefix=key_prefix,
    )
