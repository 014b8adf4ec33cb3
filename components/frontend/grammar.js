// Grammar in the reader (models.grammar, through components/markup.py's card_grammar): the hover card's
// root, plain-English grammar line and other readings; key F opens the hovered word's root family
// (components/families.py); graded vowels (the added vowels hidden on words marked known, reader.css).
// Kept apart from reader.js, which calls these two functions. Text only, never HTML.

// Below the card's gloss: what reader.js has drawn stays as it is.
function qariGrammarCard(card, info, data) {
  const line = (className, text) => {
    const el = document.createElement("div");
    el.className = className;
    el.textContent = text;
    card.append(el);
  };
  if (info.root_spaced) line("card-root", `root ${info.root_spaced}` + (data.analysing ? "" : " · F: its word family"));
  if (info.grammar) line("card-grammar", info.grammar);
  if (info.readings && info.readings.length) line("card-readings", `also read: ${info.readings.join(" · ")}`);
}

// Whether the card shows the word with Qari's vowels: not a known word's when the vowels are graded
// (`status`: the word's as drawn, which a key press changes before the rerun confirms it).
function qariShowsVowels(info, data, status) {
  return Boolean(data.show_vowels && info.voweled) && !(data.graded_vowels && (status ?? info.status) === "known");
}

function qariGrammar(component, { root, ar, state, data }) {
  root.classList.toggle("graded", data.graded_vowels === true);
  // one listener, replaced on every run (reader.js's own keys are ar.onkeydown)
  if (state.grammarKeys) ar.removeEventListener("keydown", state.grammarKeys);
  state.grammarKeys = (e) => {
    if (e.key !== "f" && e.key !== "F") return;
    if (e.ctrlKey || e.metaKey || e.altKey || state.hovered === null || state.hovered === undefined) return;
    const info = state.cards[state.hovered];
    if (!info || !info.root || data.analysing) return;
    e.preventDefault();
    component.setTriggerValue("family", { t: state.hovered });
  };
  ar.addEventListener("keydown", state.grammarKeys);
}
