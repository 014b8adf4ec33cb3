"""Sign-in: a local OpenID Connect provider, and Qari signing readers in through it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import expect


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock serving on 127.0.0.1 (a free port) from a thread of this process; yields its
    address, which is also the issuer of its tokens. Any client id and secret are accepted, and any subject
    typed on its authorisation page signs in. It speaks plain http: the caller sets
    AUTHLIB_INSECURE_TRANSPORT=1 (loopback only)."""
    import threading

    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def sign_in_secrets(folder: Path, app_url: str, issuer: str) -> Path:
    """A secrets.toml whose [auth] section signs Qari's readers in with the provider at `issuer`."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(16).hex()}"\n'
        'client_id = "qari-tests"\n'
        'client_secret = "qari-tests-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def sign_in(page: Any, url: str, subject: str) -> None:
    """Sign in to Qari at `url` as `subject` through the provider's authorisation page."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    expect(page.get_by_role("button", name="Sign out")).to_be_attached(timeout=60_000)
