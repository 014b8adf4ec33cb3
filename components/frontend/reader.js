// Qari reader: a listbox of Arabic sentences beside their English translations.
// Python owns the selection (session_state); this script shows it, reports clicks, keys and marks through
// the ordered channel (channel.js: each action once, in order, re-sent until acknowledged), and shows a
// hover card from plain data (textContent only).
export default function (component) {
  const { parentElement } = component;
  const data = qariData(component); // channel.js
  const root = parentElement.querySelector(".qari");
  const st = (root.__qari = root.__qari || { docId: null, englishHtml: null, dataSelected: null, selected: null });
  const ar = root.querySelector(".arabic");
  const en = root.querySelector(".english");
  const card = root.querySelector(".card");

  if (st.docId !== data.doc_id) {
    card.hidden = true; // its word is gone
    ar.innerHTML = data.arabic_html; // built and escaped in Python (components/markup.py)
    st.docId = data.doc_id;
    st.selected = null;
    st.dataSelected = null;
  }
  if (st.englishHtml !== data.english_html) {
    en.innerHTML = data.english_html;
    st.englishHtml = data.english_html;
  }
  // the plain text while its analysis (names, lemmas, glosses) is worked out: busy, cards and keys wait
  ar.setAttribute("aria-busy", data.analysing ? "true" : "false");
  root.classList.toggle("no-tashkeel", data.show_tashkeel === false);
  root.classList.toggle("vowels", data.show_vowels === true);
  // word by word: glosses under the words (all, or only those not yet known); marking hides them at once
  root.classList.toggle("il", Boolean(data.interlinear) && data.interlinear !== "off");
  root.classList.toggle("il-new", data.interlinear === "new");
  // the tashkeel character class comes from models.text.arabic (one definition)
  const TASHKEEL = new RegExp("[" + data.tashkeel + "]", "g");
  // A sentence's text as the reader sees it: added vowels only in vowels mode, marks only when shown.
  const visibleText = (el) => {
    let out = "";
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!data.show_vowels && n.parentElement?.closest(".vz")) continue;
      if (n.parentElement?.closest("rt")) continue; // word-by-word glosses are not the sentence
      out += n.nodeValue;
    }
    return data.show_tashkeel === false && !data.show_vowels ? out.replace(TASHKEEL, "") : out;
  };
  // each token's hover card: the distinct cards are sent once, with each token's place in them
  const distinct = data.cards || [];
  st.cards = data.card_of ? data.card_of.map((i) => distinct[i]) : distinct;
  st.links = data.links || [];
  st.translations = data.translations || [];
  st.provisional = data.provisional || [];
  // English streamed so far replaces a sentence's placeholder, marked provisional until its translation is in
  en.querySelectorAll("[data-sentence]").forEach((p) => {
    const text = st.provisional[Number(p.dataset.sentence)];
    const span = p.querySelector(".provisional, .placeholder");
    if (!span) return;
    if (text) {
      span.className = "provisional";
      span.textContent = text;
    } else if (span.classList.contains("provisional")) {
      span.className = "placeholder";
      span.textContent = "…";
    }
  });
  const channel = qariChannel(component, root, "actions", "reader");
  // Vocabulary colours: the server's (statuses change without the text changing), then the marks it has
  // not acknowledged yet on top, drawn pending until it has them.
  const paint = (queue) => {
    ar.querySelectorAll("[data-t]").forEach((w) => {
      const card = st.cards[Number(w.dataset.t)] || {};
      if (card.status) w.dataset.status = card.status;
      else delete w.dataset.status;
      w.classList.remove("pending");
    });
    for (const m of queue) {
      if (m.kind !== "mark" || m.text !== data.text_key) continue;
      const info = st.cards[m.t];
      if (!info) continue;
      ar.querySelectorAll("[data-t]").forEach((w) => {
        const other = st.cards[Number(w.dataset.t)];
        if (other && other.vocab === info.vocab && (!m.form || other.form === info.form)) {
          w.dataset.status = m.status;
          w.classList.add("pending");
        }
      });
    }
  };
  channel.onChange(paint);
  paint(channel.queue());
  ar.querySelectorAll("[data-t]").forEach((w) => {
    const card = st.cards[Number(w.dataset.t)] || {};
    // every occurrence of the glossary entry the reader picked
    w.classList.toggle("marked", Boolean(data.marked) && card.key === data.marked);
  });
  const count = data.count || 0;
  // failed translations are marked here, not in the Arabic markup (which stays as it is while they arrive)
  ar.querySelectorAll('[role="option"]').forEach((o) => {
    o.classList.toggle("failed", Boolean((data.failed || [])[Number(o.dataset.index)]));
  });

  const options = () => ar.querySelectorAll('[role="option"]');
  // Scroll only the column, never the page, so the page heading and panel stay where the reader left them.
  const scrollWithin = (el) => {
    const pane = el.closest(".pane");
    if (!pane) return;
    const r = el.getBoundingClientRect();
    const p = pane.getBoundingClientRect();
    if (r.top < p.top) pane.scrollTop += r.top - p.top - 8;
    else if (r.bottom > p.bottom) pane.scrollTop += Math.min(r.bottom - p.bottom + 8, r.top - p.top - 8);
  };
  const show = (index, scroll) => {
    st.selected = index;
    options().forEach((o) => o.setAttribute("aria-selected", String(Number(o.dataset.index) === index)));
    en.querySelectorAll("[data-sentence]").forEach((p) => {
      if (Number(p.dataset.sentence) === index) p.setAttribute("aria-current", "true");
      else p.removeAttribute("aria-current");
    });
    const opt = ar.querySelector(`#qari-s${index}`);
    if (opt) {
      ar.setAttribute("aria-activedescendant", opt.id);
      if (scroll) scrollWithin(opt);
    }
    const enp = en.querySelector(`[data-sentence="${index}"]`);
    if (enp && scroll) scrollWithin(enp);
    // a phone: the page scrolls, and the sentence stays clear of the English sheet at the bottom
    if (opt && scroll && window.matchMedia("(max-width: 700px)").matches) opt.scrollIntoView({ block: "nearest" });
    const focusAr = root.querySelector(".focus-ar");
    const focusEn = root.querySelector(".focus-en");
    const label = root.querySelector(".focus .label");
    if (index === null || index === undefined || !opt) {
      focusAr.textContent = "";
      focusEn.textContent = data.empty_hint || "";
      return;
    }
    label.textContent = `Sentence ${index + 1} of ${count}`;
    focusAr.textContent = visibleText(opt);
    const t = st.translations[index];
    const soFar = t === null || t === undefined ? st.provisional[index] : null;
    focusEn.textContent = t ?? (soFar || data.pending_text || "Translating…");
    focusEn.classList.toggle("pending", (t === null || t === undefined) && !soFar);
    focusEn.classList.toggle("provisional", Boolean(soFar));
  };
  const choose = (index) => {
    if (index < 0 || index >= count) return;
    show(index, true);
    channel.send("select", { index });
  };

  // Page-driven changes (a glossary click, a new text) win; a selection the reader made here stands, so
  // fast key presses are never undone by a late answer to an earlier press.
  if (!data.selected_by_reader && st.dataSelected !== data.selected) {
    st.dataSelected = data.selected;
    show(data.selected, true);
  } else {
    st.dataSelected = data.selected;
    show(st.selected ?? data.selected, false);
  }

  ar.onclick = (e) => {
    const opt = e.target.closest('[role="option"]');
    if (!opt) return;
    ar.focus({ preventScroll: true });
    const index = Number(opt.dataset.index);
    root.classList.toggle("touch", Boolean(st.touch));
    if (st.touch) {
      // a tap chooses the sentence; a tap on a word of the sentence already chosen opens that word's sheet
      const w = e.target.closest("[data-t]");
      if (w && index === st.selected && !data.analysing) return openCard(w, true);
      hideCard();
    }
    if (index !== st.selected || !st.touch) choose(index);
  };
  en.onclick = (e) => {
    const p = e.target.closest("[data-sentence]");
    if (p) {
      choose(Number(p.dataset.sentence));
      ar.focus({ preventScroll: true });
    }
  };
  const STATUS_KEYS = { 1: "new", 2: "learning", 3: "known", 4: "ignored" };
  const markWord = (t, status, formOnly) => {
    channel.send("mark", { t, status, form: Boolean(formOnly), text: data.text_key });
  };
  st.markWord = markWord; // for the word card's buttons
  ar.onkeydown = (e) => {
    // 1–4 mark the word's lemma (every form of it); Shift+1–4 this form only (e.code: Shift changes e.key)
    const digit = /^(?:Digit|Numpad)([1-4])$/.exec(e.code || "");
    const formOnly = Boolean(digit) && e.shiftKey;
    const statusKey = formOnly ? digit[1] : e.key;
    if (statusKey in STATUS_KEYS && st.hovered !== null && st.hovered !== undefined && !e.ctrlKey && !e.metaKey) {
      const info = st.cards[st.hovered];
      if (info && !info.label && !data.analysing) {
        e.preventDefault();
        // shown at once on every occurrence of the word (or of this form), pending until acknowledged
        markWord(st.hovered, STATUS_KEYS[statusKey], formOnly);
      }
      return;
    }
    const cur = st.selected ?? -1;
    // Reading order is right to left: ArrowLeft moves forward.
    const moves = { ArrowLeft: cur + 1, ArrowDown: cur + 1, ArrowRight: cur - 1, ArrowUp: cur - 1, Home: 0, End: count - 1 };
    if (!(e.key in moves) || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const next = cur < 0 && (e.key === "ArrowRight" || e.key === "ArrowUp") ? 0 : moves[e.key];
    choose(Math.max(0, Math.min(count - 1, next)));
  };

  const clearLinks = () => root.querySelectorAll(".linked").forEach((el) => el.classList.remove("linked"));
  const linkFromArabic = (w) => {
    const t = Number(w.dataset.t);
    const s = Number(w.closest('[role="option"]')?.dataset.index);
    for (const [tok, word] of st.links[s] || []) {
      if (tok !== t) continue;
      en.querySelector(`[data-sentence="${s}"] .ew[data-w="${word}"]`)?.classList.add("linked");
    }
  };
  en.onmouseover = (e) => {
    clearLinks();
    const w = e.target.closest(".ew");
    if (!w) return;
    const s = Number(w.closest("[data-sentence]").dataset.sentence);
    const word = Number(w.dataset.w);
    w.classList.add("linked");
    for (const [tok, ew] of st.links[s] || []) {
      if (ew === word) ar.querySelectorAll(`[data-t="${tok}"]`).forEach((el) => el.classList.add("linked"));
    }
  };
  en.onmouseleave = clearLinks;
  const hideCard = () => {
    card.hidden = true;
    st.hovered = null;
    st.sheet = false;
    clearLinks();
  };
  // the focus is in a text field (deep: Streamlit's inputs sit in the page, ours in a shadow root)
  const typing = () => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return Boolean(el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)));
  };
  // graded vowels: a word marked known shown as written (grammar.js)
  const shownWord = (info, status) => (qariShowsVowels(info, data, status) ? info.voweled
    : data.show_tashkeel === false ? info.text.replace(TASHKEEL, "") : info.text);
  // the card of word `w`: beside it (a mouse), or as a sheet with buttons (touch)
  const openCard = (w, sheet) => {
    const info = st.cards[Number(w.dataset.t)];
    if (!info) return hideCard();
    clearLinks();
    st.hovered = Number(w.dataset.t);
    st.hoverEl = w;
    st.sheet = sheet;
    ar.querySelectorAll(`[data-t="${w.dataset.t}"]`).forEach((el) => el.classList.add("linked"));
    linkFromArabic(w);
    const t = st.hovered;
    const pending = channel.queue().filter((m) => m.kind === "mark" && m.t === t && !m.form).pop();
    qariCard(card, pending ? { ...info, status: pending.status } : info, {
      word: shownWord(info, pending ? pending.status : w.dataset.status),
      analysing: data.analysing,
      typing: typing(),
      sheet,
      extra: qariGrammarLines(info, data), // root, grammar, other readings (grammar.js)
      onMark: (status) => {
        markWord(t, status, false);
        openCard(w, sheet); // the pressed button shows the new status
      },
      onHear: st.hearWord ? () => st.hearWord(t) : null,
      onClose: hideCard,
    });
    qariPlaceCard(card, w.getBoundingClientRect(), sheet);
  };
  // a sheet (touch) stays until closed or another sentence is chosen; a hover card goes with the pointer
  const leave = () => {
    if (!st.sheet) hideCard();
  };
  // The hover card for word `w` (an element with data-t), or none (null). Takes the word, not the event:
  // listen.js calls it later from a timer, when the event's target is gone.
  const hover = (w) => {
    if (st.touch) return; // a tap's emulated mouse events: the tap itself decides (ar.onclick)
    if (!w) return leave();
    // Keys act on the hovered word, so take focus when nothing else has it (never from a text box).
    if (document.activeElement === document.body) ar.focus({ preventScroll: true });
    openCard(w, false);
  };
  ar.onmouseover = (e) => hover(e.target.closest("[data-t]"));
  // touch or mouse, told by the last pointer that went down (a laptop with a touch screen has both)
  ar.onpointerdown = (e) => {
    st.touch = e.pointerType === "touch" || e.pointerType === "pen";
  };
  root.classList.toggle("touch", Boolean(st.touch));
  ar.onmouseleave = leave;
  // the page scrolled, resized or moved under a hover card: it follows its word (gone from view: hidden)
  st.follow = () => {
    if (card.hidden || st.sheet) return;
    const w = st.hoverEl;
    const r = w && w.isConnected ? w.getBoundingClientRect() : null;
    if (!r || r.bottom < 0 || r.top > window.innerHeight) return hideCard();
    qariPlaceCard(card, r, false);
  };
  if (!window.__qariFollow) {
    window.__qariFollow = true;
    const follow = () => (window.__qariReaders || []).forEach((r) => r.__qari?.follow?.());
    window.addEventListener("scroll", follow, true);
    window.addEventListener("resize", follow);
  }
  st.follow(); // this run may have moved the text (a banner above it came or went)
  window.__qariReaders = [...(window.__qariReaders || []).filter((r) => r.isConnected && r !== root), root];
  // reading aloud: components/frontend/listen.js (concatenated before this file)
  qariListen(component, { root, ar, en, card, state: st, choose, send: channel.send, hover, hideCard: leave });
  // grammar: key F (word families), graded vowels (components/frontend/grammar.js)
  qariGrammar({ root, ar, state: st, data, send: channel.send });

  // The reader's keys work wherever the focus is (a sidebar button, the page), except in a text field or a
  // control that takes the same keys (a slider, tabs), which keep them. One listener, replaced every run.
  if (window.__qariReaderKeys) document.removeEventListener("keydown", window.__qariReaderKeys);
  const READER_KEYS = /^(?:[1-4]|[sSpPrRfF]|Arrow(?:Left|Right|Up|Down))$/;
  const keys = (e) => {
    if (!ar.isConnected || e.defaultPrevented || !READER_KEYS.test(e.key) && !/^(?:Digit|Numpad)[1-4]$/.test(e.code || "")) return;
    const target = e.composedPath()[0];
    if (target && ar.contains(target)) return; // the text has the focus: its own handler runs
    if (target && target.closest) {
      if (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]")) return;
      if (target.closest('[role="slider"], [role="tab"], [role="radio"], [role="combobox"], [role="textbox"], [role="spinbutton"], [role="listbox"], [role="menu"], [role="grid"]')) return;
    }
    ar.onkeydown(e);
  };
  window.__qariReaderKeys = keys;
  document.addEventListener("keydown", keys);
  return () => {
    channel.stop();
    document.removeEventListener("keydown", keys);
    if (window.__qariReaderKeys === keys) window.__qariReaderKeys = null;
  };
}
