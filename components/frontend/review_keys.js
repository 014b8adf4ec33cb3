// The review's keys, wherever the focus is (the view switch keeps it after a click): Space shows the
// answer, 1-4 answer. One listener on the document, replaced on every run, removed when the view goes.
export default function (component) {
  const { data, setTriggerValue } = component;
  if (window.__qariReviewKeys) document.removeEventListener("keydown", window.__qariReviewKeys, true);
  const handler = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.repeat) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName || ""))) return;
    const press = e.key === " " ? "space" : ["1", "2", "3", "4"].includes(e.key) ? e.key : null;
    if (press === null || (press === "space") === Boolean(data.shown)) return;
    e.preventDefault();
    e.stopPropagation(); // the buttons' own shortcuts would answer a second time
    setTriggerValue("press", { card: data.card, press });
  };
  window.__qariReviewKeys = handler;
  document.addEventListener("keydown", handler, true);
  return () => {
    document.removeEventListener("keydown", handler, true);
    if (window.__qariReviewKeys === handler) window.__qariReviewKeys = null;
  };
}
