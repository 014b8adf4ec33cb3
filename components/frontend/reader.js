// Qari reader: a listbox of Arabic sentences beside their English translations.
// Python owns the selection (session_state); this script shows it, reports clicks and keys
// with setTriggerValue("select", index), and shows a hover card from plain data (textContent only).
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".qari");
  const st = (root.__qari = root.__qari || { docId: null, englishHtml: null, dataSelected: null, selected: null });
  const ar = root.querySelector(".arabic");
  const en = root.querySelector(".english");
  const card = root.querySelector(".card");

  if (st.docId !== data.doc_id) {
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
  st.cards = data.cards || [];
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
  // Vocabulary colours: set on every run (statuses change without the text changing).
  ar.querySelectorAll("[data-t]").forEach((w) => {
    const card = st.cards[Number(w.dataset.t)] || {};
    if (card.status) w.dataset.status = card.status;
    else delete w.dataset.status;
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
    setTriggerValue("select", index);
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
    choose(Number(opt.dataset.index));
  };
  en.onclick = (e) => {
    const p = e.target.closest("[data-sentence]");
    if (p) {
      choose(Number(p.dataset.sentence));
      ar.focus({ preventScroll: true });
    }
  };
  const STATUS_KEYS = { 1: "new", 2: "learning", 3: "known", 4: "ignored" };
  ar.onkeydown = (e) => {
    // 1–4 mark the word's lemma (every form of it); Shift+1–4 this form only (e.code: Shift changes e.key)
    const digit = /^(?:Digit|Numpad)([1-4])$/.exec(e.code || "");
    const formOnly = Boolean(digit) && e.shiftKey;
    const statusKey = formOnly ? digit[1] : e.key;
    if (statusKey in STATUS_KEYS && st.hovered !== null && st.hovered !== undefined && !e.ctrlKey && !e.metaKey) {
      const info = st.cards[st.hovered];
      if (info && !info.label && !data.analysing) {
        e.preventDefault();
        const status = STATUS_KEYS[statusKey];
        // Show it at once on every occurrence of the word (or of this form); the rerun confirms it.
        ar.querySelectorAll("[data-t]").forEach((w) => {
          const other = st.cards[Number(w.dataset.t)];
          if (other && other.vocab === info.vocab && (!formOnly || other.form === info.form)) w.dataset.status = status;
        });
        setTriggerValue("status", formOnly ? { t: st.hovered, status, form: true } : { t: st.hovered, status });
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
    clearLinks();
  };
  // The card for word `w` (an element with data-t), or none (null). Takes the word, not the event: listen.js
  // calls it later from a timer, when the event's target is gone (cleared once it left the shadow root).
  const hover = (w) => {
    if (!w) return hideCard();
    const info = st.cards[Number(w.dataset.t)];
    if (!info) return hideCard();
    clearLinks();
    // Keys act on the hovered word, so take focus when nothing else has it (never from a text box).
    if (document.activeElement === document.body) ar.focus({ preventScroll: true });
    st.hovered = Number(w.dataset.t);
    ar.querySelectorAll(`[data-t="${w.dataset.t}"]`).forEach((el) => el.classList.add("linked"));
    linkFromArabic(w);
    card.replaceChildren();
    const word = document.createElement("div");
    word.className = "card-word";
    word.textContent = data.show_vowels && info.voweled ? info.voweled
      : data.show_tashkeel === false ? info.text.replace(TASHKEEL, "") : info.text;
    card.append(word);
    const meta = [
      info.translit,
      info.label,
      info.pos,
      info.lemma && info.lemma !== info.text ? info.lemma : null,
    ].filter(Boolean);
    if (meta.length) {
      const m = document.createElement("div");
      m.className = "card-meta";
      m.textContent = meta.join(" · ");
      card.append(m);
    }
    const g = document.createElement("div");
    g.className = "card-gloss";
    g.textContent = info.gloss || (data.analysing ? "Looking the word up…" : "(not in the lexicon)");
    card.append(g);
    if (info.context && info.context !== info.gloss) {
      const c = document.createElement("div");
      c.className = "card-context";
      c.textContent = `here: ${info.context}`;
      card.append(c);
    }
    if (!info.label && info.lemma !== undefined && !data.analysing) {
      const k = document.createElement("div");
      k.className = "card-meta";
      k.textContent = `${info.status ? info.status + " · " : ""}keys: 1 new · 2 learning · 3 known · 4 ignore`
        + " (every form; Shift: this form only)";
      card.append(k);
    }
    const r = w.getBoundingClientRect();
    card.hidden = false;
    card.style.top = `${r.bottom + 6}px`;
    card.style.left = `${Math.max(8, r.left + r.width / 2 - 100)}px`;
  };
  ar.onmouseover = (e) => hover(e.target.closest("[data-t]"));
  ar.onmouseleave = hideCard;
  ar.onscroll = hideCard;
  // reading aloud: components/frontend/listen.js (concatenated before this file)
  qariListen(component, { root, ar, en, card, state: st, choose, hover, hideCard });
}
