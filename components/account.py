"""Who is reading: the signed-in reader, or the one local reader; their library and vocabulary.

With an `[auth]` section in `.streamlit/secrets.toml`, Qari signs readers in through Streamlit's own
OpenID Connect support (`st.login`, `st.user`, `st.logout`; the identity arrives in a cookie Streamlit
signs and checks): a visitor who is not signed in sees only the sign-in page, and a reader is known by the
provider's issuer and subject (`models.study.vocab.reader_key`), never by an e-mail address. Without it,
Qari is a one-reader app and every visitor is `LOCAL_READER`; the page then says plainly when it is served
beyond this machine, where anyone who reaches it reads and changes that one reader's library.

The reader key is worked out here, on the server, from Streamlit's session each time it is needed, and
the stores are made for that key only: nothing the browser sends (a widget's value, a query parameter, a
text id) can name another reader.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

import streamlit as st

from models.study.library import Library
from models.study.vocab import LOCAL_READER, VocabStore, reader_key

SIGN_IN_DOC = "docs/classroom.md"
EVERY_ADDRESS = "it listens on every network address of this machine"


def sign_in_configured() -> bool:
    """Whether this deployment signs readers in (`[auth]` in Streamlit's secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all, or one that cannot be read: no sign-in
        return False


def providers() -> list[str]:
    """The named providers of `[auth.NAME]` sections; empty when `[auth]` itself names the one provider."""
    try:
        auth = st.secrets["auth"]
    except Exception:  # noqa: BLE001 - see sign_in_configured
        return []
    return sorted(name for name, value in auth.items() if isinstance(value, Mapping))


def current_reader() -> str | None:
    """This session's reader key: the signed-in reader's, `LOCAL_READER` without sign-in, or None for a
    visitor not (or no longer) signed in on a deployment with sign-in."""
    if not sign_in_configured():
        return LOCAL_READER
    if not st.user.is_logged_in:
        return None
    issuer, subject = st.user.get("iss"), st.user.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not issuer or not subject:
        return None
    return reader_key(issuer, subject)


def library() -> Library | None:
    """This session's reader's library (None for a visitor who is not signed in)."""
    reader = current_reader()
    return Library(reader=reader) if reader is not None else None


def vocabulary() -> VocabStore | None:
    """This session's reader's vocabulary (None for a visitor who is not signed in)."""
    reader = current_reader()
    return VocabStore(reader=reader) if reader is not None else None


def reader_vocabulary() -> VocabStore:
    """This session's reader's vocabulary; a visitor signed out meanwhile stops the run here."""
    store = vocabulary()
    if store is None:
        st.stop()
    return store


def require_reader() -> str:
    """The reader of this run of the page. Where sign-in is configured, a visitor who is not signed in
    sees the sign-in page and nothing else (the script stops here); without sign-in, the page says when
    it is open to other machines."""
    if not sign_in_configured():
        _exposure_notice()
        return LOCAL_READER
    reader = current_reader()
    if reader is None:
        _sign_in_page()
        st.stop()
    return reader


def _sign_in_page() -> None:
    st.header("قارئ Qari", anchor=False)
    if st.user.is_logged_in:  # signed in, but the provider did not say who (no issuer or subject)
        st.error(
            "Your sign-in provider did not say who you are (no issuer or subject). Ask whoever runs "
            "this Qari to check its OpenID Connect settings."
        )
        st.button("Sign out", on_click=st.logout)
        return
    st.write("Sign in to read: your texts, where you stopped in each, and your words are kept for you alone.")
    names = providers()
    if not names:
        st.button("Sign in", type="primary", on_click=st.login)
    for name in names:
        st.button(
            f"Sign in with {name}", type="primary", key=f"login-{name}", on_click=st.login, args=(name,)
        )


def account_section() -> None:
    """The sidebar's account lines: who is signed in, and the way out (nothing without sign-in)."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return
    st.subheader("Account")
    who = st.user.get("name") or st.user.get("email") or "you"
    st.caption(f"Signed in as {who}.")
    st.button("Sign out", key="logout", on_click=st.logout)


def exposure(server_address: str | None, host: str | None, client: str | None) -> str | None:
    """Why a page without sign-in may be read by others, or None when only this machine can reach it.

    `server_address` is Streamlit's `server.address` (unset: every address of this machine), `host` the
    request's Host header (a reverse proxy's public name shows here), `client` the browser's address.
    """
    if client and not _loopback(client):
        return f"it is being read from another machine ({client})"
    if host and not _loopback(_host_name(host)):
        return f"it is being read through the address {_host_name(host)}"
    if server_address and not _loopback(server_address):
        return f"it listens on {server_address}"
    if not server_address:
        return EVERY_ADDRESS
    return None


def _host_name(host: str) -> str:
    host = host.strip()
    if host.startswith("["):  # [::1]:8501
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _loopback(address: str) -> bool:
    address = address.strip().lower()
    if address in ("localhost", "localhost.") or address.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _exposure_notice() -> None:
    context: Any = st.context
    try:
        host = context.headers.get("Host")
    except Exception:  # noqa: BLE001 - no request (a script run without a browser)
        host = None
    client = getattr(context, "ip_address", None)
    server_address = st.get_option("server.address")
    reason = exposure(server_address, host, client)
    if reason is None:
        return
    text = (
        f"**Qari has no sign-in, and {reason}:** anyone who can reach this page reads and changes the same "
        "library and vocabulary. Keep it to this machine (`--server.address 127.0.0.1`), or, for more than "
        f"one reader, configure sign-in ({SIGN_IN_DOC})."
    )
    if reason == EVERY_ADDRESS:  # Streamlit's default, with nobody seen reading from elsewhere yet
        st.info(text, icon=":material/lock_open:")
    else:
        st.warning(text, icon=":material/lock_open:")
