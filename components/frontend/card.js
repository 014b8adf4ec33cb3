// The word card, built and placed in one place for both forms of it: the hover card (a mouse: key hints,
// just beside the word) and the sheet (touch: at the bottom of the screen, with buttons to mark the word
// and hear it). Lines about the word (root, grammar) slot in through `o.extra`. Plain data, textContent only.
// eslint-disable-next-line no-unused-vars
function qariCard(card, info, o) {
  // o: { word, analysing, sheet, typing (keys go to a text box), extra: [{ className, text }], onMark(status),
  //      onHear(), onClose() }
  card.replaceChildren();
  const line = (className, text) => {
    const el = document.createElement("div");
    el.className = className;
    el.textContent = text;
    card.append(el);
    return el;
  };
  line("card-word", o.word);
  const meta = [info.translit, info.label, info.pos, info.lemma && info.lemma !== info.text ? info.lemma : null];
  if (meta.some(Boolean)) line("card-meta", meta.filter(Boolean).join(" · "));
  line("card-gloss", info.gloss || (o.analysing ? "Looking the word up…" : "(not in the lexicon)"));
  if (info.context && info.context !== info.gloss) line("card-context", `here: ${info.context}`);
  for (const extra of o.extra || []) line(extra.className || "card-meta", extra.text);
  const markable = !info.label && info.lemma !== undefined && !o.analysing && Boolean(o.onMark);
  if (!o.sheet) {
    if (markable) {
      line("card-meta card-keys", `${info.status ? info.status + " · " : ""}keys: 1 new · 2 learning · 3 known · 4 ignore`
        + " (every form; Shift: this form only)");
      if (o.typing) line("card-meta card-keys", "The keys now type into the text box: click the text first.");
    }
    if (o.onHear) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "listen-word listen-control";
      b.textContent = "▶ hear it (S)";
      b.onclick = o.onHear;
      card.append(b);
    }
    return;
  }
  // the sheet: buttons instead of keys
  const row = document.createElement("div");
  row.className = "card-actions";
  const button = (label, title, onclick, pressed) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    if (pressed !== undefined) b.setAttribute("aria-pressed", String(pressed));
    b.onclick = onclick;
    row.append(b);
    return b;
  };
  if (markable) {
    for (const [status, label] of [["new", "New"], ["learning", "Learning"], ["known", "Known"], ["ignored", "Ignore"]]) {
      const b = button(label, `Mark this word ${status} (every form of it)`, () => o.onMark(status), info.status === status);
      b.dataset.status = status;
    }
  }
  if (o.onHear) button("▶ Hear it", "Hear this word, voweled", o.onHear).className = "card-hear";
  button("✕", "Close", o.onClose).className = "card-close";
  card.append(row);
}

// Put the card beside the word's box `rect`: under it, or above it where there is no room below (near
// the bottom of the screen), never past the screen's edges at any width. A sheet sits at the bottom.
// eslint-disable-next-line no-unused-vars
function qariPlaceCard(card, rect, sheet) {
  card.classList.toggle("sheet", sheet);
  card.hidden = false;
  if (sheet) {
    card.style.top = card.style.left = card.style.maxWidth = "";
    return;
  }
  const margin = 8;
  const vw = document.documentElement.clientWidth || window.innerWidth;
  const vh = window.innerHeight;
  card.style.maxWidth = `${Math.min(320, vw - 2 * margin)}px`;
  card.style.left = "0px";
  card.style.top = "0px";
  const w = card.offsetWidth;
  const h = card.offsetHeight;
  const left = Math.max(margin, Math.min(rect.left + rect.width / 2 - w / 2, vw - w - margin));
  let top = rect.bottom + 6;
  if (top + h > vh - margin) top = rect.top - 6 - h >= margin ? rect.top - 6 - h : Math.max(margin, vh - h - margin);
  card.style.left = `${left}px`;
  card.style.top = `${top}px`;
}
