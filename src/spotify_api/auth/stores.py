"""The session store and the login attempt counter, built once per Redis client.

Both register Lua scripts, and a `Script` is bound to the client it was registered on: building
them per request costs a SHA-1 and an encoder look-up per script, every time. They are kept on
the app's state and rebuilt when the client (or the sessions' clock) on the state is no longer
the one they were built on, as when a test swaps either: a script always follows the client.
"""

from __future__ import annotations

from starlette.datastructures import State

from spotify_api.auth.sessions import SessionStore
from spotify_api.core.rate_limit import AttemptCounter

#: The attempt counter of logins and password changes, and the prefix of its buckets.
LOGIN_ATTEMPTS = "auth-attempts"


def session_store(state: State) -> SessionStore:
    store: SessionStore | None = getattr(state, "session_store", None)
    if store is None or store.redis is not state.redis or store.clock is not state.clock:
        store = SessionStore(state.redis, state.settings, state.clock)
        state.session_store = store
    return store


def login_attempts(state: State) -> AttemptCounter:
    counter: AttemptCounter | None = getattr(state, "login_attempts", None)
    if counter is None or counter.redis is not state.redis:
        window = state.settings.login_failure_window_seconds
        counter = AttemptCounter(state.redis, LOGIN_ATTEMPTS, window)
        state.login_attempts = counter
    return counter
