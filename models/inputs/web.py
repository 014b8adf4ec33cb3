"""Opening a web address: the page is fetched by the server and reduced to its article (title and body),
or, for a news feed (RSS or Atom), its latest items.

`open_address(url)` → `WebPage` (text, title, final address, date) or `Feed` (title, items with their
addresses and dates); `fetch_article(url)` wants a page. Either raises an `InputError` with one plain
sentence for the reader: a malformed or non-web address, a host that does not resolve or answer, a
timeout, an error status, too many redirects, an answer that is neither HTML nor a feed, a page over the
size limit, a page with no article or no Arabic, a feed with no items.

The address is fetched from the server, so an address must not reach into the server's own network:
the host is resolved and every address it resolves to must be public (not loopback, private,
link-local, shared, multicast or reserved); the connection then goes to the checked address itself (no
second lookup a DNS answer could change in between), with the host name in the Host header and for
TLS. Redirects are not followed by the HTTP library but one hop at a time, each checked like the
first. `QARI_ALLOW_PRIVATE_URLS=1` lifts the network check (a Qari reading an intranet); only http and
https are ever fetched.

The body is streamed with a byte cap (`MAX_PAGE_BYTES`, decompressed) and an overall deadline, decoded
from its declared charset (HTTP header, then `<meta>`), else UTF-8, else Windows-1256, else detection,
and the article is extracted by trafilatura (no menus, related links, comments, scripts). A feed is
parsed by feedparser from the fetched bytes (it never fetches anything itself); its items' addresses
are fetched, and checked, only when the reader opens one.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from models.inputs.files import MAX_FILE_BYTES, MB, InputError
from models.settings import ALLOW_PRIVATE_URLS_ENV, allow_private_urls
from models.text.arabic import arabic_ratio, has_arabic

MAX_PAGE_BYTES = MAX_FILE_BYTES  # the same limit as an uploaded HTML page (decompressed bytes)
TIMEOUT_S = 15.0  # to connect, and between two pieces of the answer
TOTAL_TIMEOUT_S = 30.0  # for the whole fetch, redirects included
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
MAX_FEED_ITEMS = 20  # the latest ones: what a reader chooses from
MIN_PARAGRAPH_WORDS = 8  # a page whose longest paragraph is shorter has no article (a front page)
USER_AGENT = "Qari/1.0 (Arabic reading aid; fetches one page a reader asked for)"

_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)


@dataclass
class WebPage:
    """An article read from the web: its text (title first), title, final address, date and notes."""

    text: str
    title: str
    url: str  # where the article was read, after redirects
    date: str | None = None  # the publication date the page gives (YYYY-MM-DD), if any
    site: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class FeedItem:
    """One entry of a news feed: its headline, article address, date (YYYY-MM-DD) and summary."""

    title: str
    url: str
    date: str | None = None
    summary: str = ""


@dataclass
class Feed:
    """A news feed: its title, where it was read, and its latest items (newest first where dated)."""

    title: str
    url: str
    items: list[FeedItem] = field(default_factory=list)


def looks_like_url(text: str) -> bool:
    """True for a single http(s) address (what the paste box and the command line treat as one)."""
    return bool(_URL.match(text.strip()))


def fetch_article(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    total_timeout: float = TOTAL_TIMEOUT_S,
    max_bytes: int = MAX_PAGE_BYTES,
) -> WebPage:
    """Fetch `url` and read its article; InputError with a reader-facing message when that fails (a feed too)."""
    found = open_address(url, timeout=timeout, total_timeout=total_timeout, max_bytes=max_bytes)
    if isinstance(found, Feed):
        first = f" (the latest: {found.items[0].url})" if found.items else ""
        raise InputError(f"{_short(url)} is a news feed, not an article; open one of its articles{first}.")
    return found


def open_address(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    total_timeout: float = TOTAL_TIMEOUT_S,
    max_bytes: int = MAX_PAGE_BYTES,
) -> WebPage | Feed:
    """The article at `url`, or the feed's items if it is a news feed; InputError when neither can be read."""
    final_url, content_type, data = fetch(url, timeout=timeout, total_timeout=total_timeout, max_bytes=max_bytes)
    if _is_feed(content_type, data):
        return parse_feed(data, final_url, content_type)
    return extract_article(decode_html(data, content_type), final_url)


# ------------------------------------------------------------------------------------------ fetching


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
    target = quote(parts.path or "/", safe=_PATH_SAFE) + (f"?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else "")
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
                str(address), port, server_hostname=server_name, assert_hostname=server_name,
                cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(), **common,
            )
        else:
            pool = urllib3.HTTPConnectionPool(str(address), port, **common)
        try:
            return pool, pool.urlopen(
                "GET", target, headers=headers, redirect=False, retries=False,
                preload_content=False, assert_same_host=False,
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


def resolve(host: str, port: int, *, timeout: float = TIMEOUT_S) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
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
        "a loopback address (this server itself)" if plain.is_loopback
        else "a link-local address" if plain.is_link_local
        else "a private network address" if plain.is_private
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
        raise InputError(f"{_short(url)} stopped sending its page for more than {timeout:g} seconds.") from None
    except DecodeError:
        raise InputError(f"The page at {_short(url)} came back damaged (it could not be decompressed).") from None
    except (ProtocolError, HTTPError):
        raise InputError(f"The connection to {_short(url)} broke off before the page was complete.") from None
    return b"".join(chunks)


def _check_type(content_type: str, url: str) -> None:
    """InputError unless the answer is declared HTML or a feed (or not declared: then `_check_sniffed`)."""
    media = content_type.split(";")[0].strip().lower()
    if not media or media in HTML_TYPES or media in FEED_TYPES:
        return
    hint = ""
    if media in ("application/pdf", "text/plain", "application/msword") or media.startswith(("image/", "application/vnd.")):
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


# ------------------------------------------------------------------------------------------ decoding


def decode_html(data: bytes, content_type: str = "") -> str:
    """The text of an HTML page: BOM, then the charset of the HTTP header, then of a `<meta>`, then
    UTF-8, then Windows-1256 (the legacy Arabic encoding), then detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    for label in (_header_charset(content_type), _meta_charset(data)):
        encoding = _encoding(label)
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue  # a wrong declaration is common (a server saying UTF-8 for a Windows-1256 page)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    legacy = data.decode("cp1256", "replace")
    if arabic_ratio(legacy) >= 0.5:
        return legacy
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", "replace")


def _header_charset(content_type: str) -> str | None:
    match = _CHARSET.search(content_type.encode("latin-1", "replace"))
    return match.group(1).decode("ascii") if match else None


def _meta_charset(data: bytes) -> str | None:
    """The charset of `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">`."""
    for tag in _META.findall(data[:8192]):
        match = _CHARSET.search(tag)
        if match:
            return match.group(1).decode("ascii")
    return None


# Labels that browsers read differently from Python (WHATWG Encoding): Latin-1 means Windows-1252.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "iso-8859-6": "iso8859_6", "arabic": "iso8859_6", "x-cp1256": "cp1256"}


def _encoding(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    try:
        return codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None


# ---------------------------------------------------------------------------------------- extraction


def extract_article(markup: str, url: str) -> WebPage:
    """The article of a fetched page: its title and body text (no menus, related links, comments)."""
    import trafilatura

    options: dict[str, Any] = {
        "url": url, "with_metadata": True, "include_comments": False, "include_tables": True,
        "include_images": False, "include_links": False, "deduplicate": False,
    }
    found = trafilatura.bare_extraction(markup, favor_precision=True, **options)
    if found is None or not (found.text or "").strip():
        found = trafilatura.bare_extraction(markup, **options)  # a short page the precise mode passes over
    body = _clean(found.text if found is not None else "")
    # An article has at least one sentence-long paragraph; a front page or a list of links only has
    # headlines and link texts (what the less precise mode returns for them).
    if not any(len(line.split()) >= MIN_PARAGRAPH_WORDS for line in body.splitlines()):
        raise InputError(
            f"Qari found no article text on the page at {_short(url)} (it may be a front page, a list of "
            "links, or a page that needs JavaScript to show its text)."
        )
    if not has_arabic(body):
        raise InputError(f"The page at {_short(url)} has no Arabic text to read; Qari reads Arabic articles.")
    title = " ".join((found.title or "").split()) if found is not None else ""
    text = body if not title or body.startswith(title) else f"{title}\n{body}"
    date = found.date if found is not None else None
    site = found.sitename if found is not None else None
    source = f"Read from {url}" + (f", published {date}" if date else "") + (
        ": the article's title and text only, without the site's menus, links and comments."
    )
    return WebPage(text=text, title=title, url=url, date=date or None, site=site or None, notes=[source])


def _clean(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------- feeds


def parse_feed(data: bytes, url: str, content_type: str = "") -> Feed:
    """The title and latest items of an RSS or Atom feed (its bytes, as fetched from `url`)."""
    import io

    import feedparser

    # A stream, never a string: given a string that looks like an address or a file name, feedparser
    # would fetch or open it itself.
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-type": content_type or "application/xml", "content-location": url},
    )
    items: list[FeedItem] = []
    for entry in parsed.entries:
        link = urljoin(url, (entry.get("link") or "").strip())
        if urlsplit(link).scheme.lower() not in ("http", "https"):
            continue
        dated = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(
            FeedItem(
                title=_plain(entry.get("title", "")) or link,
                url=link,
                date=time.strftime("%Y-%m-%d", dated) if dated else None,
                summary=_plain(entry.get("summary", ""))[:300],
            )
        )
    if not items:
        if parsed.get("bozo") and not parsed.entries:
            raise InputError(f"{_short(url)} could not be read as a news feed (RSS or Atom).")
        raise InputError(f"The news feed at {_short(url)} has no articles to open.")
    if all(item.date for item in items):
        items.sort(key=lambda item: item.date or "", reverse=True)  # stable: same-day items keep their order
    title = _plain(parsed.feed.get("title", "")) or urlsplit(url).hostname or url
    return Feed(title=title, url=url, items=items[:MAX_FEED_ITEMS])


def _plain(markup: str) -> str:
    """Feed text (titles and summaries may hold HTML and entities) as one plain line."""
    if "<" in markup or "&" in markup:
        from bs4 import BeautifulSoup

        markup = BeautifulSoup(markup, "html.parser").get_text(" ")
    return " ".join(markup.split())


# --------------------------------------------------------------------------------------------- words


def _short(url: str, limit: int = 80) -> str:
    url = url.strip()
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _mb(size: int) -> str:
    return f"{size // MB} MB" if size % MB == 0 else f"{size:,} bytes"


_REASONS = {400: "bad request", 401: "a login is needed", 403: "access forbidden", 404: "page not found",
            410: "page removed", 429: "too many requests; try again later", 451: "unavailable for legal reasons",
            500: "server error", 502: "bad gateway", 503: "service unavailable; try again later",
            504: "gateway timeout"}


def _status(code: int) -> str:
    reason = _REASONS.get(code)
    return f"{code} ({reason})" if reason else str(code)
