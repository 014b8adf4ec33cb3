// The page's ordered channel (components/actions.py): every action the reader takes is numbered, kept in a
// queue and sent as the component's state, the whole unacknowledged queue each time (a newer state holds
// every older action, so none is dropped the way a one-shot trigger can be). Each run of the server says
// how far it got (data.acked); what it has not acknowledged is sent again after RESEND_MS. The queue lives
// in the tab's sessionStorage too, so a reload or a reconnect to a restarted server sends it again.
// A component's data: Python sends it as a one-item list (components/reader.py says why).
// eslint-disable-next-line no-unused-vars
function qariData(component) {
  const d = component.data;
  return Array.isArray(d) ? d[0] : d;
}

// eslint-disable-next-line no-unused-vars
function qariChannel(component, root, name, scope) {
  const RESEND_MS = 4000;
  const store = `qari.channel.${scope}`;
  const load = () => {
    try {
      const kept = JSON.parse(window.sessionStorage.getItem(store) || "null");
      if (kept && typeof kept.session === "string" && Array.isArray(kept.queue)) return kept;
    } catch (err) {
      // no storage (a private window's limits, a sandbox): the queue lives in the page only
    }
    const random = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    return { session: random, seq: 0, queue: [] };
  };
  const C = (root.__channel = root.__channel || { ...load(), tries: 0, sentAt: 0, timer: null, listeners: [] });
  C.setStateValue = component.setStateValue; // the latest mount's
  const keep = () => {
    try {
      window.sessionStorage.setItem(store, JSON.stringify({ session: C.session, seq: C.seq, queue: C.queue }));
    } catch (err) {
      // see load()
    }
  };
  const flush = () => {
    C.tries += 1;
    C.sentAt = Date.now();
    C.setStateValue(name, { session: C.session, actions: C.queue, tries: C.tries });
  };
  const changed = () => C.listeners.forEach((fn) => fn(C.queue));
  const tick = () => {
    if (!C.queue.length) {
      clearInterval(C.timer);
      C.timer = null;
    } else if (Date.now() - C.sentAt >= RESEND_MS) flush();
  };
  // what this run of the server has applied
  const acked = (qariData(component).acked || {})[C.session];
  if (typeof acked === "number" && C.queue.some((a) => a.seq <= acked)) {
    C.queue = C.queue.filter((a) => a.seq > acked);
    keep();
  }
  if (C.queue.length && !C.timer) {
    C.timer = setInterval(tick, 1000);
    if (!C.sentAt) flush(); // queued before a reload: send it now
  }
  return {
    send(kind, body) {
      C.seq += 1;
      C.queue.push({ ...body, kind, seq: C.seq });
      keep();
      flush();
      if (!C.timer) C.timer = setInterval(tick, 1000);
      changed();
    },
    queue: () => C.queue,
    // the component is gone: no more sending (what is left is kept in sessionStorage for the next mount)
    stop() {
      clearInterval(C.timer);
      C.timer = null;
    },
    // fn(queue) after each change the page makes; the reader redraws pending marks with it
    onChange(fn) {
      C.listeners = [fn];
    },
  };
}
