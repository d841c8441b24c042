"""Recall rounds: a callback the dialer could not complete gets another round, as its
campaign's recall policy says (docs/decisions/recall-rounds.md).

`models` holds the policy (imported by callbacks.models, so this package imports
nothing at load time); `rounds` decides and books the next round.
"""
