"""News feeds (RSS, Atom) read from fetched bytes (see `models.inputs.web`): the latest items a reader
chooses from; feedparser never fetches anything itself here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from models.inputs.fetch import _short
from models.inputs.files import InputError

MAX_FEED_ITEMS = 20  # the latest ones: what a reader chooses from


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
