// The hall's live pages: ask for the state a few times a second (204 when nothing changed),
// draw it, and send the councillor's or the chair's acts. No library, nothing from the internet.
"use strict";

const Hall = {
  version: null,
  state: null,
  draw: () => {},
  stateUrl: "",

  start(stateUrl, draw, every = 250) {
    Hall.stateUrl = stateUrl;
    Hall.draw = draw;
    const tick = async () => {
      try {
        await Hall.refresh();
      } finally {
        setTimeout(tick, every);
      }
    };
    tick();
  },

  async refresh() {
    const since = Hall.version === null ? "" : `?since=${Hall.version}`;
    let answer;
    try {
      answer = await fetch(Hall.stateUrl + since, { headers: { Accept: "application/json" } });
    } catch (error) {
      Hall.offline(true);
      return;
    }
    Hall.offline(!answer.ok && answer.status !== 204);
    if (answer.status === 401) { window.location.reload(); return; }
    if (answer.status !== 200) return;
    Hall.state = await answer.json();
    Hall.version = Hall.state.version;
    Hall.draw(Hall.state);
  },

  offline(isOffline) {
    const banner = document.getElementById("offline");
    if (banner) banner.hidden = !isOffline;
  },

  async act(url, body) {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const answer = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const message = document.getElementById("message");
    if (!answer.ok) {
      const problem = await answer.json().catch(() => ({ message: `HTTP ${answer.status}` }));
      if (message) { message.textContent = problem.message; message.hidden = false; }
      return false;
    }
    if (message) message.hidden = true;
    await Hall.refresh();
    return true;
  },

  text(element, value) {
    const target = typeof element === "string" ? document.getElementById(element) : element;
    if (target) target.textContent = value;
  },

  // The verb or noun a number takes, as sync.wording.plural: "Присъства 1", "Присъстват 2".
  plural(count, one, other) {
    return Math.abs(count) === 1 ? one : other;
  },

  // A session's local "2026-12-17T09:00" as the office writes it: "17.12.2026 09:00".
  when(text) {
    const [day, time = ""] = text.split("T");
    const [year, month, date] = day.split("-");
    return `${date}.${month}.${year} ${time.slice(0, 5)}`.trim();
  },

  el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  },
};

const CHOICE_TEXT = {
  for: "ЗА / For",
  against: "ПРОТИВ / Against",
  abstain: "ВЪЗДЪРЖАНЕ / Abstention",
  conflict: "конфликт на интереси / conflict of interest",
  did_not_vote: "не гласува / did not vote",
  absent: "отсъства / absent",
  secret: "гласувахте (тайно) / you voted (secret)",
};
