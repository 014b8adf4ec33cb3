"""A local news site (pages, feeds, redirects, TLS with a test CA) and a guard that no traffic leaves 127.0.0.1."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from devkit.samples import ROOT

PAGES = ROOT / "tests" / "inputs" / "pages"
# A test certificate authority and a certificate it signed for news.example (key included), valid for
# a century: made once with openssl for these tests, trusted by nothing else.
TEST_CA = ROOT / "tests" / "inputs" / "tls" / "ca.pem"
TEST_SITE_CERT = ROOT / "tests" / "inputs" / "tls" / "news.example.pem"
LOOPBACK = "127.0.0.1"
ARABIC_SLUG = "اليابان-والأردن-المياه"

Answer = tuple[int, dict[str, str], bytes]


def _page(name: str, content_type: str) -> Callable[[], Answer]:
    return lambda: (200, {"Content-Type": content_type}, (PAGES / name).read_bytes())


ENGLISH = (
    b"<!DOCTYPE html><html lang='en'><head><title>Weather</title></head><body><article><h1>Weather today</h1>"
    + (
        b"<p>Sunny spells in the morning, with showers spreading from the west in the afternoon and evening.</p>"
        * 8
    )
    + b"</article></body></html>"
)


# A front page: headlines and links, no article.
FRONT_PAGE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>الشرق نيوز - الرئيسية</title>
</head><body><header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li>
<li><a href="/economy">اقتصاد</a></li></ul></nav></header><main><div class="cards">
<a href="/economy/2026/11/20/japan-jordan-water"><h3>اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه</h3></a>
<a href="/economy/2026/11/15/oil-prices"><h3>أسعار النفط تتراجع للأسبوع الثالث</h3></a>
<a href="/politics/2026/11/12/summit"><h3>قمة عربية طارئة الشهر المقبل</h3></a></div></main>
<footer>جميع الحقوق محفوظة © 2026 الشرق نيوز</footer></body></html>"""


# An economy section's RSS feed (UTF-8), as news sites publish them: absolute links, RFC 822 dates,
# HTML in the descriptions; not in date order; one relative link, one into a private network.
RSS_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>الشرق نيوز - اقتصاد</title>
  <link>{base}/economy</link>
  <description>آخر أخبار الاقتصاد من الشرق نيوز</description>
  <language>ar</language>
  <atom:link href="{base}/rss.xml" rel="self" type="application/rss+xml"/>
  <item>
    <title>اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه</title>
    <link>{base}/economy/2026/11/20/japan-jordan-water</link>
    <description><![CDATA[<p>وقعت اليابان والأردن اتفاقية <b>قرض ميسر</b> لتمويل مشاريع المياه.</p><img src="{base}/media/a.jpg">]]></description>
    <pubDate>Fri, 20 Nov 2026 08:30:00 +0300</pubDate>
    <dc:creator>سارة المصري</dc:creator>
    <guid isPermaLink="false">sharq-88231</guid>
  </item>
  <item>
    <title>المغرب يطلق أكبر محطة لتحلية مياه البحر في أفريقيا</title>
    <link>{base}/news.php</link>
    <description>أعلن المغرب رسميًا بدء تشغيل محطة تحلية مياه البحر قرب الدار البيضاء.</description>
    <pubDate>Mon, 05 Oct 2026 10:00:00 +0100</pubDate>
  </item>
  <item>
    <title>أسعار النفط تتراجع للأسبوع الثالث على التوالي</title>
    <link>/economy/2026/11/15/oil-prices</link>
    <description>تراجعت أسعار النفط &amp; الغاز في الأسواق العالمية.</description>
    <pubDate>Sun, 15 Nov 2026 12:00:00 +0000</pubDate>
  </item>
  <item>
    <title>تقرير داخلي عن ميزانية العام المقبل</title>
    <link>http://10.0.0.8/internal/budget</link>
    <pubDate>Sat, 21 Nov 2026 07:00:00 +0000</pubDate>
  </item>
</channel>
</rss>
"""

# An older site's Atom feed in Windows-1256, the encoding declared in the XML prolog only.
ATOM_FEED_1256 = """<?xml version="1.0" encoding="windows-1256"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>صحيفة الوسط - الاقتصاد</title>
  <updated>2026-10-05T09:00:00Z</updated>
  <id>{base}/atom.xml</id>
  <entry>
    <title>المغرب يطلق أكبر محطة لتحلية مياه البحر في أفريقيا</title>
    <link rel="alternate" type="text/html" href="{base}/news.php"/>
    <id>{base}/news.php?id=4471</id>
    <updated>2026-10-05T09:00:00Z</updated>
    <summary>أعلن المغرب رسميًا بدء تشغيل محطة تحلية مياه البحر.</summary>
  </entry>
  <entry>
    <title>تراجع مخزون السدود إلى أدنى مستوى منذ عشرين عامًا</title>
    <link rel="alternate" type="text/html" href="{base}/news.php?id=4402"/>
    <id>{base}/news.php?id=4402</id>
    <updated>2026-09-28T09:00:00Z</updated>
  </entry>
</feed>
"""


class NewsSite:
    """What each path answers; `release` lets a deliberately slow answer finish (at teardown)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.routes: dict[str, Callable[[], Answer]] = {
            "/economy/2026/11/20/japan-jordan-water": _page("sharq-economy.html", "text/html; charset=utf-8"),
            # an older site: the charset only in its <meta>, the server says nothing
            "/news.php": _page("wasat-1256.html", "text/html"),
            # a misconfigured server: the header says UTF-8, the page (and its <meta>) Windows-1256
            "/wrong-charset": _page("wasat-1256.html", "text/html; charset=utf-8"),
            "/gzipped": lambda: (
                200,
                {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
                gzip.compress((PAGES / "sharq-economy.html").read_bytes()),
            ),
            # an address with Arabic in its path (sent percent-encoded), and a redirect to it whose
            # Location header is raw UTF-8, as some servers send it
            "/news/" + quote(ARABIC_SLUG): _page("sharq-economy.html", "text/html; charset=utf-8"),
            "/arabic-redirect": lambda: (302, {"X-Raw-Location": "/news/" + ARABIC_SLUG}, b""),
            "/old-link": lambda: (301, {"Location": "/short/77"}, b""),
            "/short/77": lambda: (302, {"Location": "/economy/2026/11/20/japan-jordan-water"}, b""),
            "/loop": lambda: (302, {"Location": "/loop"}, b""),
            "/no-location": lambda: (302, {}, b""),
            "/to-metadata": lambda: (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/to-intranet": lambda: (307, {"Location": "http://intranet.example/admin"}, b""),
            "/to-file": lambda: (302, {"Location": "file:///etc/passwd"}, b""),
            "/missing": lambda: (404, {"Content-Type": "text/html"}, "<h1>الصفحة غير موجودة</h1>".encode()),
            "/report.pdf": lambda: (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n%\xe2\xe3\n"),
            "/empty-feed": lambda: (
                200,
                {"Content-Type": "application/rss+xml"},
                "<?xml version='1.0'?><rss version='2.0'><channel><title>أخبار</title></channel></rss>".encode(),
            ),
            "/broken-feed": lambda: (
                200,
                {"Content-Type": "application/rss+xml"},
                b"\x00\x01 not a feed at all",
            ),
            "/english": lambda: (200, {"Content-Type": "text/html"}, ENGLISH),
            # no Content-Type at all: a page if it plainly starts like one
            "/untyped-page": lambda: (200, {}, (PAGES / "sharq-economy.html").read_bytes()),
            "/untyped-binary": lambda: (200, {}, b"\x00\x01\x02PK\x03\x04" + bytes(range(256))),
            "/front-page": lambda: (200, {"Content-Type": "text/html; charset=utf-8"}, FRONT_PAGE.encode()),
            # 300 KB: over the limits the tests pass, declared up front or only found out while reading
            "/big-declared": lambda: (200, {"Content-Type": "text/html"}, b"<html>" + b" " * 300_000),
            "/big-streamed": lambda: (
                200,
                {"Content-Type": "text/html", "X-No-Length": "1"},
                b"<html>" + b" " * 300_000,
            ),
            # 300 KB of spaces compress to a few hundred bytes: the cap is on what comes out
            "/gzip-bomb": lambda: (
                200,
                {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                gzip.compress(b"<html>" + b" " * 300_000),
            ),
        }

    def answer(self, path: str, host: str = LOOPBACK) -> Answer | None:
        base = f"http://{host}"
        feeds = {
            "/rss.xml": ("application/rss+xml; charset=utf-8", RSS_FEED.format(base=base).encode()),
            "/atom.xml": ("application/atom+xml", ATOM_FEED_1256.format(base=base).encode("cp1256")),
            # a feed served as plain XML, as many servers do
            "/feed": ("text/xml", RSS_FEED.format(base=base).encode()),
        }
        if path in feeds:
            content_type, body = feeds[path]
            return 200, {"Content-Type": content_type}, body
        if path == "/trickle":
            return 200, {"Content-Type": "text/html", "X-Trickle": "1"}, b"<html>" + b" " * 10_000
        if path == "/slow":
            self.release.wait(30)  # until the client gave up and the test ended
            return 200, {"Content-Type": "text/html"}, b"<html></html>"
        route = self.routes.get(path)
        return route() if route else (404, {"Content-Type": "text/plain"}, b"not found")


class _Handler(BaseHTTPRequestHandler):
    site: NewsSite

    def do_GET(self) -> None:  # http.server's name
        self.site.requests.append((self.path, dict(self.headers)))
        answer = self.site.answer(self.path, self.headers.get("Host", LOOPBACK))
        if answer is None:
            return
        status, headers, body = answer
        self.send_response(status)
        streamed = headers.pop("X-No-Length", None) is not None
        raw_location = headers.pop("X-Raw-Location", None)
        if raw_location is not None:
            self._headers_buffer.append(b"Location: " + raw_location.encode() + b"\r\n")
        for name, value in headers.items():
            self.send_header(name, value)
        if not streamed:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        trickle = headers.get("X-Trickle") is not None
        self.end_headers()
        try:
            if trickle:  # a byte at a time, each well within the read timeout, until the client leaves
                for byte in body:
                    if self.site.release.wait(0.05):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what the size tests expect

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's name (getfqdn): a lookup the tests do not need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def _serve(site: NewsSite, tls: bool) -> _Server:
    server = _Server((LOOPBACK, 0), type("Handler", (_Handler,), {"site": site}))
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TEST_SITE_CERT)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def news_site() -> Iterator[tuple[NewsSite, str]]:
    """(the site, its base address http://127.0.0.1:PORT), served for the module's tests."""
    site = NewsSite()
    server = _serve(site, tls=False)
    yield site, f"http://{LOOPBACK}:{server.server_address[1]}"
    site.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def tls_news_site() -> Iterator[tuple[NewsSite, int]]:
    """(the site, its port): the same site over HTTPS on 127.0.0.1, its certificate for news.example."""
    site = NewsSite()
    server = _serve(site, tls=True)
    yield site, server.server_address[1]
    site.release.set()
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------------- the guard


# Names the tests use, and what they "resolve" to: no lookup ever leaves the process.
FAKE_DNS: dict[str, list[str]] = {
    "news.example": [LOOPBACK],
    "intranet.example": ["192.168.1.10"],
    "mixed.example": ["93.184.216.34", "10.0.0.5"],
    "v6-loopback.example": ["::1"],
    "public.example": ["93.184.216.34"],
}
# A name whose lookup hangs (until the end of the test session): for the lookup timeout.
SLOW_NAME = "slow-dns.example"
SLOW_DNS = threading.Event()


class ForbiddenTraffic(AssertionError):
    pass


@pytest.fixture
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Refuse (and fail the test on) any connection to an address other than 127.0.0.1, and answer
    name lookups from `FAKE_DNS` only. Yields the list of refused attempts."""
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host != LOOPBACK:
            attempts.append(address)
            raise ForbiddenTraffic(f"a test tried to connect to {address!r}")
        real_connect(sock, address)

    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> list:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name)
        except ValueError:
            if name == SLOW_NAME:
                SLOW_DNS.wait(60)
                raise socket.gaierror(socket.EAI_AGAIN, "timed out") from None
            if name not in FAKE_DNS:
                attempts.append(name)
                raise socket.gaierror(socket.EAI_NONAME, f"{name} is not in the tests' fake DNS") from None
            return [
                info
                for address in FAKE_DNS[name]
                for info in real_getaddrinfo(address, port, *args, **kwargs)
            ]
        return real_getaddrinfo(name, port, *args, **kwargs)  # a numeric address: no lookup

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not [a for a in attempts if not isinstance(a, str)], f"connections attempted: {attempts}"
