"""Hostile text: markup, script and bidi tricks in the text or in a translation show as text, never run."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from models.translation.cache import TranslationStore
from models.translation.loader import model_key_for
from tests.support import open_reader

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '<svg onload="window.__xss=3"><circle r=9 /></svg>',
    '<iframe src="javascript:window.__xss=4"></iframe>',
    '"><script>window.__xss=5</script>',
    '<a href="javascript:window.__xss=6" id=xss6>click</a>',
    "<body onload=window.__xss=7>",
    "<details open ontoggle=window.__xss=8>",
    "</span></mark></div><img src=x onerror=window.__xss=9>",
    "{{constructor.constructor('window.__xss=10')()}}",
    "<style>*{background:url(javascript:window.__xss=11)}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=12>",
    "\u202egnp.exe \u2066إعلان\u2069",  # bidi override and isolate characters
]


def hostile_text() -> str:
    return "\n".join(f"قال الوزير {p} اليوم." for p in PAYLOADS)


def test_payloads_in_text_and_translations_stay_text(
    page: Page, app_url: str, app_data_dir: Path, tiny_model_dir: Path
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sentences = hostile_text().split("\n")
    # hostile "translations", as a poisoned cache or a misbehaving model would give them
    TranslationStore(app_data_dir / "qari.sqlite3").put_many(
        model_key_for(str(tiny_model_dir)),
        {s: f"The minister said {p} today." for s, p in zip(sentences, PAYLOADS)},
    )
    open_reader(page, app_url)
    box = page.get_by_role("textbox", name="Arabic text")
    box.fill(hostile_text())
    box.press("Control+Enter")
    options = page.get_by_role("option")
    expect(options).to_have_count(len(PAYLOADS))
    for i, payload in enumerate(PAYLOADS[:-1]):
        expect(options.nth(i)).to_contain_text(payload)
        expect(page.locator(f'[data-sentence="{i}"]')).to_contain_text(payload)
    # the focus panel, the hover card and the glossary take the same text
    options.nth(1).click()
    expect(page.get_by_test_id("selected-translation")).to_contain_text(PAYLOADS[1])
    page.locator("#qari-s1 .w").nth(3).hover()
    expect(page.get_by_role("tooltip")).to_be_visible()
    page.get_by_role("tab", name="Words").first.click()
    page.wait_for_timeout(1000)

    injected = page.evaluate(
        """() => {
            const roots = [document, ...[...document.querySelectorAll('*')].map(e => e.shadowRoot).filter(Boolean)];
            const bad = [];
            for (const r of roots) {
                for (const el of r.querySelectorAll('.qari img, .qari svg, .qari iframe, .qari script, .qari a,'
                        + ' .qari details, .qari math, .qari style, .qari body, #xss6')) bad.push(el.tagName);
            }
            return {bad, xss: window.__xss ?? null};
        }"""
    )
    assert injected == {"bad": [], "xss": None}
    assert dialogs == []
    # bidi controls are kept as text inside the isolated sentence, not applied to the page around it
    assert "\u202e" in options.nth(len(PAYLOADS) - 1).text_content()
    assert page.get_by_role("listbox").evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
