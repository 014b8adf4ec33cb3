"""Opening a web address: Arabic news pages served from a local site (tests/inputs/web_server.py) come
back as their article only; redirects, errors, non-HTML answers, oversize pages and timeouts get a clear
message; addresses into the server's own network are refused without a byte sent to them."""

from __future__ import annotations

import codecs
import ipaddress
import json
import socket
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from models.__main__ import main
from models.inputs import fetch as fetch_module
from models.inputs import web
from models.inputs.files import InputError
from models.inputs.web import check_address, decode_html, fetch_article, looks_like_url, resolve
from models.settings import ALLOW_PRIVATE_URLS_ENV
from tests.support import ARABIC_SLUG, PAGES, SLOW_NAME, TEST_CA, NewsSite

# Every test here: no connection beyond 127.0.0.1, no name looked up outside the tests' fake DNS.
pytestmark = pytest.mark.usefixtures("only_loopback")

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/economy/2026/11/20/japan-jordan-water"

# What a reader keeps of each page: its headline and paragraphs, in order …
SHARQ_ARTICLE = [
    "اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه",
    (
        "وقعت اليابان والأردن يوم الخميس في عمّان اتفاقية قرض ميسر بقيمة مئتي مليون دولار لتمويل مشاريع المياه "
        "في شمال المملكة، في خطوة وصفها مسؤولون في البلدين بأنها الأكبر من نوعها منذ عقد."
    ),
    "وقال وزير التخطيط الأردني إن القرض سيخصص لتوسيع شبكات المياه في محافظتي إربد والمفرق",
    "من جهته، أوضح السفير الياباني في عمّان أن بلاده تتابع أزمة المياه في الأردن منذ سنوات",
    "أزمة مزمنة",
    "ويعد الأردن من أفقر دول العالم في الموارد المائية",
    "بإشراف مشترك من وزارة المياه والري والوكالة اليابانية للتعاون الدولي.",
]
# … and what it does not: menus, the breaking-news bar, share buttons, the ad, caption, tags, newsletter,
# related and most-read links, comments, the footer, and any script.
SHARQ_REST = [
    "الرئيسية",
    "تكنولوجيا",
    "تسجيل الدخول",
    "انقطاع التيار الكهربائي",
    "شارك على فيسبوك",
    "إعلان",
    "أرشيف الوكالة",
    "وسوم",
    "نشرتنا البريدية",
    "اقرأ أيضًا",
    "ناقل البحرين",
    "أسعار النفط",
    "الأكثر قراءة",
    "المنتخب يتأهل",
    "التعليقات",
    "أبو خالد",
    "القرى النائية",
    "لم يتغير شيء",
    "أضف تعليقك",
    "جميع الحقوق",
    "سياسة الخصوصية",
    "dataLayer",
    "gtag",
    "function",
    "loadAd",
    "querySelectorAll",
    "{",
    "<",
]
WASAT_ARTICLE = [
    "المغرب يطلق أكبر محطة لتحلية مياه البحر في أفريقيا",
    "أعلن المغرب رسميًا بدء تشغيل محطة تحلية مياه البحر قرب الدار البيضاء",
    "بعد سنوات متتالية من الجفاف أدت إلى تراجع مخزون السدود إلى مستويات غير مسبوقة.",
    "وأوضح المكتب الوطني للكهرباء والماء الصالح للشرب",
    "قبل أن تتجه إلى التحلية ومعالجة المياه العادمة لمواجهة تغير المناخ.",
]
WASAT_REST = [
    "الصفحة الرئيسية",
    "عربي ودولي",
    "آخر الأخبار",
    "أقسام الموقع",
    "استطلاع الرأي",
    "المحروقات",
    "طباعة",
    "أرسل لصديق",
    "حجم الخط",
    "أخبار ذات صلة",
    "أدنى مستوى منذ عشرين",
    "خطة طوارئ",
    "تعليقات القراء",
    "رشيد",
    "باقي المدن الساحلية",
    "المواطن البسيط",
    "جميع الحقوق محفوظة",
    "openWin",
    "counter",
    "sc_project",
]


@pytest.fixture
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test site is on 127.0.0.1: fetching it needs the setting that lets addresses reach the server's network."""
    monkeypatch.setenv(ALLOW_PRIVATE_URLS_ENV, "1")


@pytest.fixture
def site(news_site: tuple[NewsSite, str]) -> NewsSite:
    return news_site[0]


@pytest.fixture
def base(news_site: tuple[NewsSite, str]) -> str:
    return news_site[1]


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"missing or out of order: {part!r}\n{text}"
        position = found + len(part)


# ------------------------------------------------------------------------------------ articles


def test_a_utf8_news_page_gives_its_article_and_nothing_else(
    allow_loopback: None, base: str, site: NewsSite
) -> None:
    page = fetch_article(base + ARTICLE)
    assert page.text.split("\n")[0] == page.title == SHARQ_ARTICLE[0]
    assert_in_order(page.text, SHARQ_ARTICLE)
    for rest in SHARQ_REST:
        assert rest not in page.text, rest
    assert len(page.text.splitlines()) == 7  # the headline, five paragraphs and the subheading
    assert page.url == base + ARTICLE
    assert page.date == "2026-11-20"
    assert page.site == "الشرق نيوز"
    assert any(base + ARTICLE in note and "2026-11-20" in note for note in page.notes)
    path, headers = site.requests[-1]
    assert path == ARTICLE and headers["Host"] == base.removeprefix("http://")


def test_a_windows_1256_page_declared_only_in_its_meta_tag_is_decoded(
    allow_loopback: None, base: str
) -> None:
    raw = (PAGES / "wasat-1256.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the page really is Windows-1256
    page = fetch_article(base + "/news.php")
    assert page.title == WASAT_ARTICLE[0]
    assert_in_order(page.text, WASAT_ARTICLE)
    for rest in WASAT_REST:
        assert rest not in page.text, rest
    assert page.date == "2026-10-05"


def test_a_server_declaring_the_wrong_charset_does_not_garble_the_page(
    allow_loopback: None, base: str
) -> None:
    page = fetch_article(base + "/wrong-charset")
    assert_in_order(page.text, WASAT_ARTICLE)
    assert "\ufffd" not in page.text


def test_a_compressed_page_is_read(allow_loopback: None, base: str) -> None:
    assert_in_order(fetch_article(base + "/gzipped").text, SHARQ_ARTICLE)


def test_a_page_whose_server_gives_no_content_type_is_still_read(allow_loopback: None, base: str) -> None:
    assert_in_order(fetch_article(base + "/untyped-page").text, SHARQ_ARTICLE)


def test_https_to_a_site_that_does_not_speak_it_gets_a_message(allow_loopback: None, base: str) -> None:
    with pytest.raises(InputError, match="could not be opened securely"):
        fetch_article(base.replace("http://", "https://") + ARTICLE)


def test_https_checks_the_certificate_against_the_host_name(
    allow_loopback: None, tls_news_site: tuple[NewsSite, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection goes to the checked address, but TLS is for the name: the server's name is sent
    (SNI) and its certificate must be valid for it."""
    import certifi

    site, port = tls_news_site
    monkeypatch.setattr(certifi, "where", lambda: str(TEST_CA))  # trust the test authority (only)
    page = fetch_article(f"https://news.example:{port}{ARTICLE}")
    assert page.title == SHARQ_ARTICLE[0] and page.url == f"https://news.example:{port}{ARTICLE}"
    assert site.requests[-1][1]["Host"] == f"news.example:{port}"
    with pytest.raises(InputError, match="its certificate is not valid for 127.0.0.1"):
        fetch_article(f"https://127.0.0.1:{port}{ARTICLE}")  # the certificate names news.example only


def test_https_refuses_a_certificate_from_an_unknown_authority(
    allow_loopback: None, tls_news_site: tuple[NewsSite, int]
) -> None:
    with pytest.raises(InputError, match="could not be opened securely"):
        fetch_article(f"https://news.example:{tls_news_site[1]}{ARTICLE}")


def test_an_address_with_arabic_in_its_path_is_sent_encoded(
    allow_loopback: None, base: str, site: NewsSite
) -> None:
    page = fetch_article(f"{base}/news/{ARABIC_SLUG}")
    assert page.title == SHARQ_ARTICLE[0]
    assert site.requests[-1][0] == "/news/" + quote(ARABIC_SLUG)
    assert fetch_article(f"{base}/news/{quote(ARABIC_SLUG)}").title == SHARQ_ARTICLE[0]  # not encoded twice
    assert site.requests[-1][0] == "/news/" + quote(ARABIC_SLUG)


def test_a_redirect_to_an_arabic_address_in_raw_utf8_is_followed(allow_loopback: None, base: str) -> None:
    page = fetch_article(base + "/arabic-redirect")
    assert page.title == SHARQ_ARTICLE[0] and page.url == f"{base}/news/{ARABIC_SLUG}"


def test_a_name_lookup_that_hangs_times_out() -> None:
    with pytest.raises(InputError, match=r"Looking up slow-dns.example took longer than 0\.2 seconds"):
        resolve(SLOW_NAME, 443, timeout=0.2)


def test_redirects_are_followed_to_the_article(allow_loopback: None, base: str, site: NewsSite) -> None:
    page = fetch_article(base + "/old-link")
    assert page.url == base + ARTICLE
    assert_in_order(page.text, SHARQ_ARTICLE)
    assert [path for path, _ in site.requests[-3:]] == ["/old-link", "/short/77", ARTICLE]


def test_a_host_name_is_resolved_and_sent_as_the_host(
    monkeypatch: pytest.MonkeyPatch, base: str, site: NewsSite
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_URLS_ENV, "1")
    port = base.rsplit(":", 1)[1]
    page = fetch_article(f"http://news.example:{port}{ARTICLE}")
    assert page.title == SHARQ_ARTICLE[0]
    assert site.requests[-1][1]["Host"] == f"news.example:{port}"


# ------------------------------------------------------------------------------- clear refusals


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", r"answered with an error: 404 \(page not found\)"),
        ("/loop", "redirects too many times"),
        ("/no-location", "redirects without saying where to"),
        (
            "/report.pdf",
            r"is not a web page or a news feed \(it is application/pdf\); download it and upload the file",
        ),
        (
            "/rss.xml",
            r"is a news feed, not an article; open one of its articles \(the latest: http://10\.0\.0\.8/",
        ),
        ("/empty-feed", "has no articles to open"),
        ("/broken-feed", "could not be read as a news feed"),
        ("/english", "has no Arabic text to read"),
        ("/front-page", "found no article text"),
        ("/big-declared", "is larger than 100,000 bytes"),
        ("/big-streamed", "is larger than 100,000 bytes"),
        ("/gzip-bomb", "is larger than 100,000 bytes"),
        ("/to-file", "only web addresses starting with http:// or https://"),
        ("/untyped-binary", r"is not a web page \(the site does not say what it is\)"),
    ],
)
def test_what_cannot_be_read_gets_a_message(allow_loopback: None, base: str, path: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        fetch_article(base + path, max_bytes=100_000)


def test_the_default_size_limit_is_the_one_for_html_uploads() -> None:
    from models.inputs.files import SIZE_LIMITS

    assert web.MAX_PAGE_BYTES == SIZE_LIMITS["text"]


def test_a_server_that_does_not_answer_times_out(allow_loopback: None, base: str) -> None:
    with pytest.raises(InputError, match=r"did not answer within 0\.5 seconds"):
        fetch_article(base + "/slow", timeout=0.5)


def test_a_page_sent_a_byte_at_a_time_stops_at_the_overall_deadline(allow_loopback: None, base: str) -> None:
    # every byte comes within the 5 s read timeout; the whole page would take over 8 minutes
    with pytest.raises(InputError, match="took too long to send its page"):
        fetch_article(base + "/trickle", timeout=5, total_timeout=1)


def test_a_host_that_refuses_connections_is_unreachable(allow_loopback: None) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="Could not connect to 127.0.0.1"):
        fetch_article(f"http://127.0.0.1:{port}/news")


def test_an_unknown_host_is_not_found() -> None:
    with pytest.raises(InputError, match="Could not find no-such-site.example"):
        fetch_article("https://no-such-site.example/news/1")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "The web address is empty"),
        ("file:///etc/passwd", r"only web addresses starting with http:// or https:// .*has file:"),
        ("ftp://127.0.0.1/news.html", "has ftp:"),
        ("javascript:alert(1)", "has javascript:"),
        ("www.example.com/news", "has no http:// or https://"),
        ("http:///news", "has no host name"),
        ("http://127.0.0.1:99999/", "not a valid web address"),
        ("http://editor:secret@127.0.0.1/", "user name or password"),
    ],
)
def test_only_web_addresses_are_opened(allow_loopback: None, url: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        fetch_article(url)


# ----------------------------------------------------------------------- the server's own network


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.0.0.1:8501/admin", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("https://192.168.0.1/router", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fd00::7]/", "private"),
        ("http://0.0.0.0/", "this server itself|not a public|private"),
        ("http://100.64.0.1/", "not a public internet address"),
        ("http://224.0.0.1/", "not a public internet address"),
        ("http://intranet.example/", r"intranet.example is 192.168.1.10, a private network address"),
        ("http://v6-loopback.example/", "loopback"),
        # one public and one private address: refused, whichever a connection would have used
        ("http://mixed.example/", r"mixed.example is 10.0.0.5"),
    ],
)
def test_addresses_into_the_servers_network_are_refused_without_traffic(
    monkeypatch: pytest.MonkeyPatch, only_loopback: list[object], url: str, kind: str
) -> None:
    monkeypatch.delenv(ALLOW_PRIVATE_URLS_ENV, raising=False)
    with pytest.raises(InputError, match=kind) as refused:
        fetch_article(url)
    assert ALLOW_PRIVATE_URLS_ENV in str(refused.value)  # says how to allow them
    assert only_loopback == []  # not even a connection attempt (the guard would also have refused it)


@pytest.mark.parametrize("value", ["", "0", "no", "false"])
def test_only_a_yes_allows_private_addresses(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_URLS_ENV, value)
    with pytest.raises(InputError, match="server's own network"):
        resolve("127.0.0.1", 80)


def test_public_addresses_pass_the_check() -> None:
    for address in ("93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"):
        check_address(ipaddress.ip_address(address))  # no error
    assert resolve("public.example", 443) == [ipaddress.ip_address("93.184.216.34")]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-metadata", r"169\.254\.169\.254 is a link-local address"),
        ("/to-intranet", r"intranet\.example is 192\.168\.1\.10"),
    ],
)
def test_each_redirect_is_checked_again(
    monkeypatch: pytest.MonkeyPatch, only_loopback: list[object], base: str, path: str, message: str
) -> None:
    """The test site itself is on loopback: here (only) its exact address passes the check, so the
    redirect it answers is what is refused."""
    monkeypatch.delenv(ALLOW_PRIVATE_URLS_ENV, raising=False)
    real_check = web.check_address

    def site_is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address, host: str = "") -> None:
        if str(address) != "127.0.0.1":
            real_check(address, host)

    monkeypatch.setattr(fetch_module, "check_address", site_is_public)  # where fetch looks it up
    with pytest.raises(InputError, match=message):
        fetch_article(base + path)
    assert only_loopback == []


# ------------------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("<p>مرحبا بكم</p>".encode("cp1256"), "text/html; charset=windows-1256"),
        ("<meta charset='windows-1256'><p>مرحبا بكم</p>".encode("cp1256"), "text/html"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=WINDOWS-1256"><p>مرحبا بكم</p>'.encode(
                "cp1256"
            ),
            "",
        ),
        ("<p>مرحبا بكم</p>".encode("cp1256"), ""),  # no declaration at all: not UTF-8, plainly Arabic
        ("<p>مرحبا بكم</p>".encode(), ""),
        ("<p>مرحبا بكم</p>".encode(), "text/html; charset=UTF-8"),
        (codecs.BOM_UTF8 + "<p>مرحبا بكم</p>".encode(), "text/html; charset=windows-1256"),
        ("<p>مرحبا بكم</p>".encode("iso8859_6"), "text/html; charset=ISO-8859-6"),
    ],
)
def test_arabic_pages_decode_in_every_common_encoding(data: bytes, content_type: str) -> None:
    assert "<p>مرحبا بكم</p>" in decode_html(data, content_type)


def test_looks_like_url() -> None:
    assert looks_like_url("https://www.aljazeera.net/news/2026/11/20/x")
    assert looks_like_url("  HTTP://example.com  ")
    assert not looks_like_url("اقرأ https://example.com")
    assert not looks_like_url("example.com")
    assert not looks_like_url("https://a.example/x https://b.example/y")


# -------------------------------------------------------------------------------- command line


def test_the_command_analyses_an_address(
    allow_loopback: None, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", base + ARTICLE, "--json", "--no-translate"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["text"].split("\n")[0] == SHARQ_ARTICLE[0]
    assert_in_order(doc["text"], SHARQ_ARTICLE)
    assert doc["sentences"][0]["text"] == SHARQ_ARTICLE[0]
    assert any(e["text"] == "الأردن" for s in doc["sentences"] for e in s["entities"])


def test_the_command_refuses_a_private_address_in_one_line(
    monkeypatch: pytest.MonkeyPatch, only_loopback: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ALLOW_PRIVATE_URLS_ENV, raising=False)
    assert main(["analyze", "http://10.9.8.7/news", "--json", "--no-translate"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("qari: Qari does not open addresses inside the server's own network")
    assert out.err.count("\n") == 1
    assert only_loopback == []


# ---------------------------------------------------------------------------------- measured


def _article_words(name: str) -> Counter[str]:
    """What a reader keeps of a test page, by its markup: the <h1> and the article body's text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_html((PAGES / name).read_bytes()), "html.parser")
    body = soup.select_one(".article-body") or soup.select_one(".news-body")
    assert soup.h1 is not None and body is not None
    return Counter(f"{soup.h1.get_text(' ')} {body.get_text(' ')}".split())


def _precision_recall(got: str, article: Counter[str]) -> tuple[float, float]:
    words = Counter(got.split())
    common = sum((words & article).values())
    return common / sum(words.values()), common / sum(article.values())


@pytest.mark.parametrize("name", ["sharq-economy.html", "wasat-1256.html"])
def test_extraction_keeps_the_article_words_and_little_else(name: str) -> None:
    """Word-level precision and recall against the article: trafilatura (what a web address gets) keeps
    the article and almost nothing more; reducing the whole page to text (what an uploaded .html gets)
    keeps it too, but half of what it keeps is menus, links and comments."""
    from models.inputs.files import html_to_text

    markup = decode_html((PAGES / name).read_bytes())
    article = _article_words(name)
    precision, recall = _precision_recall(web.extract_article(markup, "https://news.example/a").text, article)
    assert precision >= 0.98 and recall >= 0.98, (precision, recall)
    whole_page, _ = _precision_recall(html_to_text(markup), article)
    assert whole_page < 0.6
