// The review's keys, wherever the focus is (the view switch keeps it after a click): Space shows the
// answer, 1-4 answer. One listener on the document, replaced on every run, removed when the view goes.
// Each press goes through the ordered channel (channel.js, concatenated before this file): applied once,
// in order, an answer recorded with the review in one transaction (components/actions.py).
export default function (component) {
  const { parentElement } = component;
  const data = qariData(component); // channel.js
  const root = parentElement.querySelector(".qari-review-keys");
  const channel = qariChannel(component, root, "actions", "review");
  const sent = (root.__sent = root.__sent || {}); // what this page asked for each card: a press is sent once
  if (window.__qariReviewKeys) document.removeEventListener("keydown", window.__qariReviewKeys, true);
  const handler = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.repeat) return;
    const t = e.composedPath()[0] || e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName || ""))) return;
    const press = e.key === " " ? "space" : ["1", "2", "3", "4"].includes(e.key) ? e.key : null;
    if (press === null || !data.card) return;
    const shown = Boolean(data.shown) || sent[data.card] === "space";
    if ((press === "space") === shown || sent[data.card] === "answer") return;
    e.preventDefault();
    e.stopPropagation(); // the buttons' own shortcuts would answer a second time
    if (press === "space") {
      sent[data.card] = "space";
      channel.send("show", { card: data.card });
    } else {
      sent[data.card] = "answer";
      channel.send("answer", { card: data.card, rating: Number(press) });
    }
  };
  window.__qariReviewKeys = handler;
  document.addEventListener("keydown", handler, true);
  return () => {
    channel.stop();
    document.removeEventListener("keydown", handler, true);
    if (window.__qariReviewKeys === handler) window.__qariReviewKeys = null;
  };
}
