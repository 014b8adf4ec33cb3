// Listen (issue 24): read the selected sentence aloud (P), read on from it (R), hear a hovered word (S, or
// the hover card's button). Requests go through the reader's ordered channel (ctx.send). Kept apart from reader.js, which calls qariListen(component, ctx) at its end
// with what it owns. Two voices, one behaviour: the browser's own Arabic voice (speechSynthesis) or the
// server's MP3 (espeak-ng reading the voweled text, components/listen.py). Both read the voweled text the
// server sends, and mark the sentence and the word being read. Any click stops the reading.
// Text from the page is only ever set with textContent.
// eslint-disable-next-line no-unused-vars
function qariListen(component, ctx) {
  const data = qariData(component);
  const { root, ar, card, choose, send } = ctx;
  const L = data.listen;
  if (!L) return;
  const S = (root.__listen = root.__listen || { seq: 0, want: null, handled: null, current: null, reading: false });
  const count = data.count || 0;

  // ---- controls, made once: in the selected-sentence box, and a hidden audio element ----
  let bar = root.querySelector(".listen");
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "listen";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Listen");
    bar.innerHTML =
      '<button type="button" class="listen-play listen-control" title="Read the selected sentence aloud (P)"></button>' +
      '<button type="button" class="listen-on listen-control" title="Read on from the selected sentence (R); any click stops"></button>' +
      '<span class="listen-status" aria-live="polite"></span>';
    root.querySelector(".focus").append(bar);
    const audio = document.createElement("audio");
    audio.className = "qari-audio";
    audio.preload = "auto";
    root.append(audio);
  }
  const playButton = bar.querySelector(".listen-play");
  const onButton = bar.querySelector(".listen-on");
  const status = bar.querySelector(".listen-status");
  const audio = root.querySelector("audio.qari-audio");

  // Chrome fills the voice list after a first call (voiceschanged): ask early
  if ("speechSynthesis" in window && !S.voicesAsked) {
    S.voicesAsked = true;
    window.speechSynthesis.getVoices();
  }
  const browserVoice = () => {
    if (!("speechSynthesis" in window)) return null;
    return window.speechSynthesis.getVoices().find((v) => /^ar(\b|[-_])/i.test(v.lang)) || null;
  };
  // "auto": the browser's Arabic voice where it has one, else the server's
  const wantBrowser = () => L.voice === "browser" || (L.voice === "auto" && Boolean(browserVoice()));
  const noVoice = () => !browserVoice() && L.server_error;
  const say = (text) => {
    status.textContent = text || "";
  };

  const unmark = () => {
    root.querySelectorAll(".speaking").forEach((el) => el.classList.remove("speaking"));
    root.querySelectorAll(".spoken").forEach((el) => el.classList.remove("spoken"));
  };
  const markWord = (t) => {
    if (S.word === t) return;
    S.word = t;
    ar.querySelectorAll(".spoken").forEach((el) => el.classList.remove("spoken"));
    if (t !== null && t !== undefined) ar.querySelectorAll(`[data-t="${t}"]`).forEach((el) => el.classList.add("spoken"));
  };
  const buttons = () => {
    const active = Boolean(S.current || S.want);
    playButton.textContent = active && !S.reading ? "■ Stop" : "▶ Listen";
    onButton.textContent = S.reading ? "■ Stop reading" : "Read from here";
    root.classList.toggle("listening", active);
  };
  const stop = (message) => {
    S.reading = false;
    S.want = null;
    S.current = null;
    S.word = undefined;
    audio.pause();
    audio.removeAttribute("data-playing");
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
    cancelAnimationFrame(S.raf);
    unmark();
    say(message);
    buttons();
  };
  S.stop = stop;

  const request = (req) => {
    if (noVoice()) {
      stop(`No voice to read with. This browser has no Arabic voice. ${L.server_error}`);
      return;
    }
    S.seq = Math.max(S.seq + 1, Date.now() % 2147483647);
    S.want = { ...req, seq: S.seq, voice: wantBrowser() ? "browser" : "server" };
    if (!S.current) say("Getting the voice ready…"); // reading on from a sentence made ahead: nothing to wait for
    buttons();
    send("speak", { request: S.want });
  };

  const finished = () => {
    const done = S.current;
    S.current = null;
    cancelAnimationFrame(S.raf);
    unmark();
    S.word = undefined;
    if (!S.reading || !done || done.kind !== "sentence") return stop("");
    readOn(done.index + 1, done.next);
  };
  // Read from here: the next sentence becomes the selection (and its English), and is read
  const readOn = (index, ready) => {
    if (index >= count) return stop("Read to the end.");
    choose(index);
    if (ready && ready.kind === "sentence" && ready.index === index) start({ ...ready, seq: null });
    request({ kind: "sentence", index, ahead: true });
  };

  const follow = () => {
    const cur = S.current;
    if (!cur || audio.paused) return;
    const ms = audio.currentTime * 1000;
    let t = null;
    for (const [at, tok] of cur.words || []) {
      if (at <= ms + 40) t = tok;
      else break;
    }
    markWord(t);
    S.raf = requestAnimationFrame(follow);
  };
  audio.onplaying = () => {
    audio.dataset.playing = "true";
    cancelAnimationFrame(S.raf);
    S.raf = requestAnimationFrame(follow);
  };
  audio.onended = () => finished();
  audio.onerror = () => {
    if (S.current) stop("The audio could not be loaded; try again.");
  };

  const start = (reply) => {
    if (reply.error) {
      // a sentence with nothing to read (numbers, Latin) is skipped when reading on
      if (S.reading && reply.nothing && reply.kind !== "word" && S.want) return readOn((S.want.index ?? -1) + 1, null);
      return stop(reply.error);
    }
    unmark();
    S.current = reply;
    S.word = undefined;
    if (reply.kind === "sentence") {
      ar.querySelector(`#qari-s${reply.index}`)?.classList.add("speaking");
    }
    const voice = browserVoice();
    if (reply.voice === "server" && reply.url) {
      if ("speechSynthesis" in window) window.speechSynthesis.cancel();
      audio.src = reply.url;
      audio.dataset.index = reply.kind === "sentence" ? String(reply.index) : "";
      audio.play().catch((err) => {
        if (S.current === reply) stop(`The browser would not play the audio (${err.name}): click ▶ Listen.`);
      });
      say(reply.note ? `Server voice: ${reply.note}` : "");
    } else if (voice) {
      audio.pause();
      const u = new SpeechSynthesisUtterance(reply.spoken);
      u.lang = voice.lang;
      u.voice = voice;
      u.rate = L.speed || 1;
      u.onboundary = (e) => {
        if (S.current !== reply || e.name === "sentence") return;
        const hit = (reply.tokens || []).find(([a, b]) => a <= e.charIndex && e.charIndex < b);
        if (hit) markWord(hit[2]);
      };
      u.onend = () => {
        if (S.current === reply) finished();
      };
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(u);
      say("");
    } else {
      stop(L.server_error || "This browser has no Arabic voice: choose the server's voice in the sidebar (Listen).");
    }
    buttons();
  };

  // the Arabic column may have been rebuilt (the vowels came in): mark the sentence being read again
  if (S.current && S.current.kind === "sentence") {
    ar.querySelector(`#qari-s${S.current.index}`)?.classList.add("speaking");
    S.word = undefined; // and the word, at the next frame
  }

  // ---- the answer to the last request, once ----
  const reply = L.reply;
  if (reply && S.want && reply.seq === S.want.seq && S.handled !== reply.seq) {
    S.handled = reply.seq;
    const cur = S.current;
    if (cur && cur.kind === "sentence" && reply.kind === "sentence" && cur.index === reply.index) {
      cur.next = reply.next; // already reading it from the sentence read ahead: keep the next one
      S.want = null;
    } else {
      S.want = null;
      start(reply);
    }
  }

  const selected = () => {
    const s = ctx.state.selected;
    return s === null || s === undefined ? 0 : s;
  };
  const play = () => {
    if (S.current || S.want) return stop("");
    if (!count) return;
    if (ctx.state.selected === null || ctx.state.selected === undefined) choose(0);
    request({ kind: "sentence", index: selected(), ahead: false });
  };
  const readFromHere = () => {
    if (S.reading) return stop("");
    stop("");
    if (!count) return;
    if (ctx.state.selected === null || ctx.state.selected === undefined) choose(0);
    S.reading = true;
    request({ kind: "sentence", index: selected(), ahead: true });
  };
  const hearWord = (t) => {
    stop("");
    request({ kind: "word", t });
  };
  ctx.state.hearWord = hearWord; // the word sheet's button (card.js)
  playButton.onclick = play;
  onButton.onclick = readFromHere;
  const unavailable = noVoice();
  playButton.title = unavailable ? `No voice: ${L.server_error}` : "Read the selected sentence aloud (P)";
  buttons();

  // Any click anywhere stops reading on (the listen buttons act themselves). Hooked once per page.
  if (!window.__qariListenClick) {
    window.__qariListenClick = true;
    document.addEventListener(
      "pointerdown",
      (e) => {
        const path = e.composedPath();
        if (path.some((n) => n.classList && n.classList.contains("listen-control"))) return;
        for (const host of window.__qariListenRoots || []) if (host.__listen?.current || host.__listen?.want) host.__listen.stop("");
      },
      true,
    );
  }
  window.__qariListenRoots = (window.__qariListenRoots || []).filter((r) => r.isConnected);
  if (!window.__qariListenRoots.includes(root)) window.__qariListenRoots.push(root);

  // ---- keys on the text: P play/stop, R read on, S the hovered word; other keys stop reading on ----
  const baseKey = ar.onkeydown;
  ar.onkeydown = (e) => {
    if (!e.ctrlKey && !e.metaKey && !e.altKey) {
      const k = e.key.toLowerCase();
      if (k === "p" || k === "r" || (k === "s" && ctx.state.hovered !== null && ctx.state.hovered !== undefined)) {
        e.preventDefault();
        if (k === "p") play();
        else if (k === "r") readFromHere();
        else hearWord(ctx.state.hovered);
        return;
      }
      if (S.reading && !["Shift", "Control", "Alt", "Meta"].includes(e.key)) stop("");
    }
    if (baseKey) baseKey(e);
  };

  // ---- the hover card's play button: the card waits a moment so the pointer can reach it ----
  const { hover, hideCard } = ctx; // the reader's: hover(word element or null), never a spent event
  const later = (fn) => {
    clearTimeout(S.hide);
    S.hide = setTimeout(fn, 400);
  };
  // the card's button (card.js): the card stays while the pointer is on it
  const addHear = () => {
    const b = card.querySelector(".listen-word");
    if (!b || ctx.state.sheet) return;
    b.title = unavailable ? `No voice: ${L.server_error}` : "Hear this word, voweled";
    b.onpointerenter = () => clearTimeout(S.hide);
    b.onpointerleave = () => later(hideCard);
  };
  ar.onmouseover = (e) => {
    const word = e.target.closest("[data-t]");
    if (!word && !card.hidden) return later(() => hover(null));
    clearTimeout(S.hide);
    hover(word);
    addHear();
  };
  ar.onmouseleave = () => later(hideCard);
}
