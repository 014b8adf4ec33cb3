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

import re

from models.inputs.article import MIN_PARAGRAPH_WORDS, WebPage, decode_html, extract_article
from models.inputs.feeds import MAX_FEED_ITEMS, Feed, FeedItem, parse_feed
from models.inputs.fetch import (
    FEED_TYPES,
    HTML_TYPES,
    MAX_PAGE_BYTES,
    MAX_REDIRECTS,
    TIMEOUT_S,
    TOTAL_TIMEOUT_S,
    USER_AGENT,
    _is_feed,
    _short,
    check_address,
    fetch,
    resolve,
)
from models.inputs.files import InputError

__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "MAX_FEED_ITEMS",
    "MAX_PAGE_BYTES",
    "MAX_REDIRECTS",
    "MIN_PARAGRAPH_WORDS",
    "TIMEOUT_S",
    "TOTAL_TIMEOUT_S",
    "USER_AGENT",
    "Feed",
    "FeedItem",
    "WebPage",
    "check_address",
    "decode_html",
    "extract_article",
    "fetch",
    "fetch_article",
    "looks_like_url",
    "open_address",
    "parse_feed",
    "resolve",
]

_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)


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
    final_url, content_type, data = fetch(
        url, timeout=timeout, total_timeout=total_timeout, max_bytes=max_bytes
    )
    if _is_feed(content_type, data):
        return parse_feed(data, final_url, content_type)
    return extract_article(decode_html(data, content_type), final_url)
