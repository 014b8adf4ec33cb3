"""The page's ordered channel: what the reader does in the browser reaches the server once, in order.

A one-shot trigger (components v2 `setTriggerValue`) sent while the run for the one before is still going
is replaced by the newer one (Streamlit keeps the newest trigger of a component), so quick marks on a busy
server were lost. Instead the page (`frontend/channel.js`) keeps a queue of numbered actions and sends the
whole unacknowledged queue as the component's state (`setStateValue`): a newer state holds every older
action still unanswered, so nothing is dropped. The server applies each action once, in order
(`Channel.take`): actions that change the reader's data (`durable`) through `models.study.actions`, their
record in the same transaction as their work; the rest (the selected sentence, a request to hear a word)
at most once per server session. Each run tells the page how far it has got (`Channel.acknowledged`); the
page drops what is acknowledged, shows the rest as pending and sends it again after a while (a rerun cut
short, a slow server, a reconnect: the page keeps its queue in the tab's sessionStorage).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.engine import Connection

from components import account
from models.study.actions import ActionLog

STATE = "actions"  # the component state's name, as channel.js sends it
# Streamlit's page asks a server it reconnects to (a restarted one) for a whole run only while some
# fragment of it reruns on a timer (Streamlit 1.67's frontend, `handleConnectionStateChanged`). Without
# one, the page kept the old server's reader, whose fragment the new server does not know: the reader's
# re-sent actions were dropped ("fragment … does not exist anymore") and never acknowledged.
RECONNECT_SECONDS = 300.0


@dataclass(frozen=True)
class Handler:
    """How one kind of action is applied: `run(action, conn)`; `durable` ones get the transaction that
    records them (and must do their database work in it), the others None."""

    run: Callable[[dict, Connection | None], None]
    durable: bool = False
    ready: bool = True  # False: not now (a mark while the text's words are still being looked up): this
    # action and those after it wait, unacknowledged, for a later run


def later() -> Handler:
    """The handler of a kind of action that cannot be applied yet: it and everything after it wait."""
    return Handler(lambda _action, _conn: None, ready=False)


def queued(value: Any) -> tuple[str | None, list[dict]]:
    """(page session, its actions in order) from the component's state; nothing for anything malformed."""
    if not isinstance(value, Mapping):
        return None, []
    session, actions = value.get("session"), value.get("actions")
    if not isinstance(session, str) or not 0 < len(session) <= 64 or not isinstance(actions, list):
        return None, []
    good = [a for a in actions if isinstance(a, dict) and isinstance(a.get("seq"), int) and a["seq"] > 0]
    return session, sorted(good, key=lambda a: a["seq"])


class Channel:
    """One component's actions: which were applied (kept in session_state) and applying the rest."""

    def __init__(self, key: str, applied: dict[str, int] | None = None) -> None:
        """`applied`: where this session keeps page session → last action applied (the reading session's);
        else a dict in session_state under the component's key."""
        self.key = key
        self._done = applied if applied is not None else st.session_state.setdefault(f"{key}.applied", {})

    def take(self, value: Any, handlers: Mapping[str, Handler]) -> list[str]:
        """Apply the actions in `value` not applied yet, in order; the kinds of those applied now."""
        session, actions = queued(value)
        if session is None:
            return []
        done, ran = self._done.get(session, 0), []
        log: ActionLog | None = None
        for action in actions:
            if action["seq"] <= done:
                continue
            handler = handlers.get(str(action.get("kind")))
            if handler is not None and not handler.ready:
                break  # in order: nothing after it either (the page keeps sending them)
            try:
                if handler is not None and handler.durable:
                    if log is None:
                        vocab = account.reader_vocabulary()
                        log = ActionLog(vocab.db, vocab.reader)
                    if log.apply(session, action["seq"], _bound(handler, action)):
                        ran.append(str(action["kind"]))
                elif handler is not None:
                    handler.run(action, None)
                    ran.append(str(action["kind"]))
            except ValueError as exc:  # said on the page; the action counts as done (it would fail again)
                st.session_state.input_error = str(exc)
            done = self._done[session] = action["seq"]
        return ran

    def acknowledged(self) -> dict[str, int]:
        """page session → the last action applied, for the page (it drops those and what came before)."""
        return dict(self._done)


def _bound(handler: Handler, action: dict) -> Callable[[Connection], None]:
    def work(conn: Connection) -> None:
        handler.run(action, conn)

    return work


def _nothing() -> None:
    """The timer fragment's body: nothing to draw."""


def rerun_on_reconnect() -> None:
    """An empty fragment on a long timer, so a page that reconnects to a restarted server asks it for a
    whole run and its queued actions are applied (a few ms every `RECONNECT_SECONDS` per reader)."""
    st.fragment(_nothing, run_every=RECONNECT_SECONDS)()
