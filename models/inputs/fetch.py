"""Fetching a web address for a reader without reaching into the server's own network (see
`models.inputs.web`): each address and redirect checked, the connection pinned to the checked address,
the body capped; and the reader-facing words for what went wrong.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from models.inputs.files import MAX_FILE_BYTES, MB, InputError
from models.settings import ALLOW_PRIVATE_URLS_ENV, allow_private_urls

MAX_PAGE_BYTES = MAX_FILE_BYTES  # the same limit as an uploaded HTML page (decompressed bytes)
TIMEOUT_S = 15.0  # to connect, and between two pieces of the answer
TOTAL_TIMEOUT_S = 30.0  # for the whole fetch, redirects included
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
USER_AGENT = "Qari/1.0 (Arabic reading aid; fetches one page a reader asked for)"

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    total_timeout: float = TOTAL_TIMEOUT_S,
    max_bytes: int = MAX_PAGE_BYTES,
) -> tuple[str, str, bytes]:
    """(final address, Content-Type, body) of the page or feed at `url`, redirects followed and checked
    one by one."""
    deadline = time.monotonic() + total_timeout
    current = url.strip()
    for _ in range(MAX_REDIRECTS + 1):
        pool, response = _request(current, timeout, deadline)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = _header_text(response.headers.get("Location", "")).strip()
                if not location:
                    raise InputError(f"{_short(current)} redirects without saying where to.")
                current = urljoin(current, location)
                continue
            if response.status >= 400:
                raise InputError(f"{_short(current)} answered with an error: {_status(response.status)}.")
            if response.status != 200:
                raise InputError(f"{_short(current)} gave no page (HTTP status {response.status}).")
            content_type = response.headers.get("Content-Type", "")
            _check_type(content_type, current)  # before reading: a large PDF is refused unread
            data = _read_capped(response, current, max_bytes, timeout, deadline)
            if not content_type:
                _check_sniffed(data, current)
            return current, content_type, data
        finally:
            response.release_conn()
            pool.close()
    raise InputError(
        f"{_short(url)} redirects too many times (more than {MAX_REDIRECTS}); open the final page's address."
    )


def _header_text(value: str) -> str:
    """A header as sent: HTTP headers are read as Latin-1, but servers send an Arabic Location in UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _request(url: str, timeout: float, deadline: float) -> tuple[Any, Any]:
    """One GET of `url` to a checked address of its host, redirects not followed: (pool, open response)."""
    import certifi
    import urllib3
    from urllib3.exceptions import (
        HTTPError,
        NameResolutionError,
        NewConnectionError,
        ProtocolError,
        SSLError,
    )
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    parts = _split(url)
    host, port, scheme = parts.hostname or "", parts.port, parts.scheme.lower()
    port = port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port, timeout=min(timeout, max(0.1, deadline - time.monotonic())))
    host_header = _ascii_host(host) + ("" if parts.port is None else f":{parts.port}")
    # An address pasted with Arabic in its path is sent percent-encoded, as a browser sends it (UTF-8);
    # what is already encoded stays as it is.
    target = quote(parts.path or "/", safe=_PATH_SAFE) + (
        f"?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else ""
    )
    headers = {
        "Host": host_header,
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "Accept-Language": "ar,en;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    failure: str | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        per_step = urllib3.Timeout(connect=min(timeout, remaining), read=min(timeout, remaining))
        common: dict[str, Any] = {"timeout": per_step, "retries": False, "maxsize": 1}
        if scheme == "https":
            server_name = _ascii_host(host).strip("[]")  # the name (or address) the certificate must be for
            pool: Any = urllib3.HTTPSConnectionPool(
                str(address),
                port,
                server_hostname=server_name,
                assert_hostname=server_name,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
                **common,
            )
        else:
            pool = urllib3.HTTPConnectionPool(str(address), port, **common)
        try:
            return pool, pool.urlopen(
                "GET",
                target,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        except (NewConnectionError, NameResolutionError):  # before timeouts: urllib3 makes it one of them
            failure = f"Could not connect to {host}: the site is down or unreachable from this server."
        except Urllib3Timeout:
            failure = f"{_short(url)} did not answer within {timeout:g} seconds; try again later."
        except SSLError:
            pool.close()
            raise InputError(
                f"{_short(url)} could not be opened securely: its certificate is not valid for {host}, "
                "or it does not speak HTTPS."
            ) from None
        except ProtocolError:
            failure = f"{host} closed the connection without answering; try again later."
        except HTTPError:
            failure = f"Could not fetch {_short(url)}."
        pool.close()
    raise InputError(failure or f"{_short(url)} did not answer in time; try again later.")


def _split(url: str) -> Any:
    """The parts of an http(s) address; InputError for anything else."""
    if not url:
        raise InputError("The web address is empty: paste an address such as https://www.example.com/news/1.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise InputError(f"{_short(url)} is not a valid web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no http:// or https://"
        raise InputError(
            f"Qari opens only web addresses starting with http:// or https:// ({_short(url)} has {shown})."
        )
    if not parts.hostname:
        raise InputError(f"{_short(url)} has no host name.")
    if parts.username is not None or parts.password is not None:
        raise InputError("Qari does not open web addresses with a user name or password in them.")
    return parts


def _ascii_host(host: str) -> str:
    """The host as sent on the wire: IPv6 in brackets, an Arabic (IDN) name in its xn-- form."""
    if ":" in host:
        return f"[{host}]"
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InputError(f"{host} is not a valid host name.") from None


def resolve(
    host: str, port: int, *, timeout: float = TIMEOUT_S
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses of `host`, each checked (`check_address`); InputError when none or any is refused,
    or when the lookup takes longer than `timeout` seconds."""
    try:
        literal = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        literal = None
    if literal is not None:
        found = [literal]
    else:
        infos = _lookup(_ascii_host(host), port, timeout)
        if infos is None:
            raise InputError(f"Looking up {host} took longer than {timeout:g} seconds; try again later.")
        if not infos:
            raise InputError(
                f"Could not find {host}: check the address, or whether this server can reach the internet."
            )
        found = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if address not in found:
                found.append(address)
        if not found:
            raise InputError(f"Could not find {host}: it has no address.")
    if not allow_private_urls():
        for address in found:  # every one: a name may resolve to a public and a private address
            check_address(address, host)
    return found


def _lookup(name: str, port: int, timeout: float) -> list[Any] | None:
    """getaddrinfo within `timeout` seconds (the system resolver has no timeout of its own): its answers,
    [] for a name that does not resolve, None when it took too long (the lookup finishes on its own)."""
    answer: list[list[Any]] = []

    def look_up() -> None:
        try:
            answer.append(socket.getaddrinfo(name, port, type=socket.SOCK_STREAM))
        except (socket.gaierror, UnicodeError, OSError):
            answer.append([])

    thread = threading.Thread(target=look_up, name=f"qari-dns-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    return answer[0] if answer else None


def check_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address, host: str = "") -> None:
    """InputError unless `address` is a public internet address (see the module docstring)."""
    plain = address
    if isinstance(plain, ipaddress.IPv6Address) and plain.ipv4_mapped is not None:
        plain = plain.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if plain.is_global and not plain.is_multicast:
        return
    kind = (
        "a loopback address (this server itself)"
        if plain.is_loopback
        else "a link-local address"
        if plain.is_link_local
        else "a private network address"
        if plain.is_private
        else "not a public internet address"
    )
    where = f"{host} is {address}, " if host and host.strip("[]") != str(address) else f"{address} is "
    raise InputError(
        f"Qari does not open addresses inside the server's own network: {where}{kind}. "
        f"Whoever runs this Qari can allow them with {ALLOW_PRIVATE_URLS_ENV}=1."
    )


def _read_capped(response: Any, url: str, max_bytes: int, timeout: float, deadline: float) -> bytes:
    """The decompressed body, at most `max_bytes`, within the deadline; InputError otherwise."""
    from urllib3.exceptions import DecodeError, HTTPError, ProtocolError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    too_big = f"The page at {_short(url)} is larger than {_mb(max_bytes)}, more than Qari reads from the web."
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(too_big)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise InputError(f"{_short(url)} took too long to send its page; try again later.")
            # read1: what has arrived (read would wait for the whole 64 KB, past the deadline)
            chunk = response.read1(64 * 1024, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise InputError(too_big)
            chunks.append(chunk)
    except Urllib3Timeout:
        raise InputError(
            f"{_short(url)} stopped sending its page for more than {timeout:g} seconds."
        ) from None
    except DecodeError:
        raise InputError(
            f"The page at {_short(url)} came back damaged (it could not be decompressed)."
        ) from None
    except (ProtocolError, HTTPError):
        raise InputError(f"The connection to {_short(url)} broke off before the page was complete.") from None
    return b"".join(chunks)


def _check_type(content_type: str, url: str) -> None:
    """InputError unless the answer is declared HTML or a feed (or not declared: then `_check_sniffed`)."""
    media = content_type.split(";")[0].strip().lower()
    if not media or media in HTML_TYPES or media in FEED_TYPES:
        return
    hint = ""
    if media in ("application/pdf", "text/plain", "application/msword") or media.startswith(
        ("image/", "application/vnd.")
    ):
        hint = "; download it and upload the file instead"
    raise InputError(f"{_short(url)} is not a web page or a news feed (it is {media}){hint}.")


def _check_sniffed(data: bytes, url: str) -> None:
    """An answer without a Content-Type: a page or feed only if it plainly starts like one."""
    head = data[:1024].lstrip().lower()
    if not head.startswith((b"<!doctype html", b"<html")) and not _looks_like_feed(data):
        raise InputError(f"{_short(url)} is not a web page (the site does not say what it is).")


def _looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()  # a UTF-8 BOM, then space
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))


def _is_feed(content_type: str, data: bytes) -> bool:
    media = content_type.split(";")[0].strip().lower()
    if media in HTML_TYPES:
        return False
    # application/xml and text/xml are also XHTML pages now and then: those are read as pages
    head = data[:4096].lower()
    return media in FEED_TYPES[:3] or (
        _looks_like_feed(data) and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel"))
    )


def _short(url: str, limit: int = 80) -> str:
    url = url.strip()
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _mb(size: int) -> str:
    return f"{size // MB} MB" if size % MB == 0 else f"{size:,} bytes"


_REASONS = {
    400: "bad request",
    401: "a login is needed",
    403: "access forbidden",
    404: "page not found",
    410: "page removed",
    429: "too many requests; try again later",
    451: "unavailable for legal reasons",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable; try again later",
    504: "gateway timeout",
}


def _status(code: int) -> str:
    reason = _REASONS.get(code)
    return f"{code} ({reason})" if reason else str(code)
