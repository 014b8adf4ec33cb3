// Grammar in the reader (models.grammar, through components/markup.py's card_grammar): the hover card's
// root, plain-English grammar line and other readings; key F opens the hovered word's root family
// (components/families.py); graded vowels (the added vowels hidden on words marked known, reader.css).
// Kept apart from reader.js, which calls these functions. Text only, never HTML.

// The card's lines about the word's grammar (card.js draws them below the gloss, as `o.extra`).
function qariGrammarLines(info, data) {
  const lines = [];
  if (info.root_spaced) {
    lines.push({ className: "card-root", text: `root ${info.root_spaced}` + (data.analysing ? "" : " · F: its word family") });
  }
  if (info.grammar) lines.push({ className: "card-grammar", text: info.grammar });
  if (info.readings && info.readings.length) lines.push({ className: "card-readings", text: `also read: ${info.readings.join(" · ")}` });
  return lines;
}

// Whether the card shows the word with Qari's vowels: not a known word's when the vowels are graded
// (`status`: the word's as drawn, which a key press changes before the rerun confirms it).
function qariShowsVowels(info, data, status) {
  return Boolean(data.show_vowels && info.voweled) && !(data.graded_vowels && (status ?? info.status) === "known");
}

function qariGrammar({ root, ar, state, data, send }) {
  root.classList.toggle("graded", data.graded_vowels === true);
  // F before reader.js's own keys: its handler (set anew every run) is wrapped, so F works wherever
  // reader.js's document listener forwards keys from
  const keys = ar.onkeydown;
  ar.onkeydown = (e) => {
    const f = (e.key === "f" || e.key === "F") && !e.ctrlKey && !e.metaKey && !e.altKey;
    const info = f && state.hovered !== null && state.hovered !== undefined ? state.cards[state.hovered] : null;
    if (info && info.root && !data.analysing) {
      e.preventDefault();
      send("family", { t: state.hovered }); // the page's ordered channel (components/actions.py)
      return;
    }
    if (keys) keys(e);
  };
}
