/* The supporter's phone page (安否確認): the event's persons, nearest first when the phone gives its location, a
   status recorded in one tap, and everything working without a network.

   - The persons come from the JSON API (GET /api/disaster/events/{id}/persons/, page by page) and are kept on
     the phone in IndexedDB under this user and event, so the page lists them offline. An answer from the
     server replaces the kept list entirely (when the event ends the server lists nobody, and neither does the
     phone). Reports by others arrive through GET /api/disaster/events/{id}/reports/?since=.
   - A tap puts a report into a queue in IndexedDB, with an id made here (crypto.randomUUID): a report sent twice
     is one report for the server (201 the first time, 200 with the stored report after).
   - The queue is sent to POST /api/disaster/reports/ (the session's cookie and the CSRF token) whenever the phone
     is online, oldest first. A report the server refuses for its content (4xx other than 401/403/429) is set
     aside and shown, and the reports behind it go on. Network errors and 5xx are tried again later, waiting
     longer each time (up to 5 minutes); nothing is ever dropped by the page — only the supporter deletes a report
     set aside. 401/403 (signed out, session expired) and 429 stop sending until later, keeping everything.
   - Entries carry the user's id: the queue survives a reload and a new sign-in, and is sent only while that
     same user is signed in (GET /api/disaster/events/ tells who is), never as someone else.
   - The service worker (served from under this page, see views/phone.py) keeps the page and its files.

   All text comes from the page (phone-settings), translated on the server. */
(function () {
  "use strict";

  const settingsNode = document.getElementById("phone-settings");
  const app = document.getElementById("phone-app");
  if (!settingsNode || !app) {
    return;
  }
  const S = JSON.parse(settingsNode.textContent);
  const M = S.messages;
  const LABELS = {};
  S.statuses.forEach((s) => {
    LABELS[s.value] = s.label;
  });
  const REPORTABLE = S.statuses.filter((s) => s.value !== "unconfirmed");
  const NEEDS_SOMEONE = new Set(["needs_help", "injured"]);
  const CONFIRMED = new Set(["safe", "evacuated", "hospital", "needs_help", "injured"]);
  const PAGE_SIZE = 200;
  const RETRY_BASE_MS = 5000;
  const RETRY_MAX_MS = 5 * 60 * 1000;
  const RETRY_NOTICE_AFTER = 3;
  const FLUSH_EVERY_MS = 15000;
  const SYNC_EVERY_MS = 30000;
  const SYNC_OVERLAP_MS = 60000;
  const lang = document.documentElement.lang || "ja";
  const timeFormat = new Intl.DateTimeFormat(lang, {
    timeZone: "Asia/Tokyo",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });

  const el = {
    connection: document.getElementById("phone-connection"),
    queueCount: document.getElementById("phone-queue-count"),
    queueNote: document.getElementById("phone-queue-note"),
    login: document.getElementById("phone-login"),
    refused: document.getElementById("phone-refused"),
    refusedHelp: document.getElementById("phone-refused-help"),
    refusedList: document.getElementById("phone-refused-list"),
    announce: document.getElementById("phone-announce"),
    locate: document.getElementById("phone-locate"),
    unconfirmedOnly: document.getElementById("phone-unconfirmed-only"),
    listStatus: document.getElementById("phone-list-status"),
    persons: document.getElementById("phone-persons"),
  };

  const state = {
    persons: [],
    byId: new Map(),
    entries: [], // this user's queue (pending and set aside), as last read
    list: null, // the kept list's record
    fromCache: false,
    origin: null,
    online: navigator.onLine !== false,
    auth: "ok", // "ok", "login" (signed out / expired) or "other" (someone else is signed in)
    throttledUntil: 0,
    netFailures: 0,
    retryAt: 0,
    syncSince: null,
    flushing: false,
    syncing: false,
    noStorage: false,
  };

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  function setText(node, text) {
    if (node && node.textContent !== text) {
      node.textContent = text;
    }
  }

  function announce(text) {
    el.announce.textContent = "";
    window.setTimeout(() => {
      el.announce.textContent = text;
    }, 50);
  }

  function formatTime(iso) {
    const time = Date.parse(iso || "");
    return Number.isNaN(time) ? "" : timeFormat.format(new Date(time));
  }

  function fullName(row) {
    return [row.family_name, row.given_name].filter(Boolean).join("\u3000");
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrfToken() {
    const prefix = `${S.csrfCookieName}=`;
    for (const part of document.cookie.split(";")) {
      const cookie = part.trim();
      if (cookie.startsWith(prefix)) {
        return decodeURIComponent(cookie.slice(prefix.length));
      }
    }
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // ---- storage: IndexedDB, or memory when the browser gives none (then a warning is shown) --------------------

  const DB_NAME = "tsunagu-disaster-phone";
  const LIST_KEY = `u${S.userId}:e${S.eventId}`;

  function openDb() {
    return new Promise((resolve, reject) => {
      if (!window.indexedDB) {
        reject(new Error("no IndexedDB"));
        return;
      }
      const request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        const queue = db.createObjectStore("queue", { keyPath: "client_id" });
        queue.createIndex("user", "user_id");
        db.createObjectStore("lists", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB blocked"));
    });
  }

  function indexedStore(db) {
    function run(name, mode, work) {
      return new Promise((resolve, reject) => {
        const tx = db.transaction(name, mode);
        const request = work(tx.objectStore(name));
        tx.oncomplete = () => resolve(request ? request.result : undefined);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    }
    return {
      queueAll: () => run("queue", "readonly", (s) => s.index("user").getAll(IDBKeyRange.only(S.userId))),
      queuePut: (entry) => run("queue", "readwrite", (s) => s.put(entry)),
      queueDelete: (id) => run("queue", "readwrite", (s) => s.delete(id)),
      listGet: () => run("lists", "readonly", (s) => s.get(LIST_KEY)),
      listPut: (record) => run("lists", "readwrite", (s) => s.put(Object.assign({}, record, { key: LIST_KEY }))),
    };
  }

  function memoryStore() {
    const queue = new Map();
    let list = null;
    return {
      queueAll: async () => Array.from(queue.values()).filter((e) => e.user_id === S.userId),
      queuePut: async (entry) => {
        queue.set(entry.client_id, entry);
      },
      queueDelete: async (id) => {
        queue.delete(id);
      },
      listGet: async () => list,
      listPut: async (record) => {
        list = record;
      },
    };
  }

  let store = null;

  async function loadEntries() {
    const all = await store.queueAll();
    state.entries = all.sort((a, b) => a.created_at - b.created_at);
    return state.entries;
  }

  // ---- the persons ------------------------------------------------------------------------------------------

  function distanceM(origin, row) {
    if (!origin || row.latitude === null || row.longitude === null || row.latitude === undefined) {
      return null;
    }
    const rad = Math.PI / 180;
    const lat1 = origin.latitude * rad;
    const lat2 = row.latitude * rad;
    const dLat = lat2 - lat1;
    const dLng = (row.longitude - origin.longitude) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLng / 2) ** 2;
    return 2 * 6371000 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function kanaKey(row) {
    return `${row.family_name_kana || ""}\u3000${row.given_name_kana || ""}`;
  }

  function sortRows(rows) {
    rows.forEach((row) => {
      row._distance = distanceM(state.origin, row);
    });
    return rows.sort((a, b) => {
      if (state.origin) {
        if (a._distance !== null && b._distance === null) return -1;
        if (a._distance === null && b._distance !== null) return 1;
        if (a._distance !== b._distance) return a._distance - b._distance;
      }
      return kanaKey(a).localeCompare(kanaKey(b), "ja") || a.person_id - b.person_id;
    });
  }

  function shown(row) {
    // The status to show: the latest observed of the server's and this phone's reports not yet sent.
    let status = row.safety_status;
    let observed = row.observed_at;
    let pending = false;
    for (const entry of state.entries) {
      if (entry.state !== "pending" || entry.person_id !== row.person_id || entry.event_id !== S.eventId) {
        continue;
      }
      if (!observed || Date.parse(entry.observed_at) >= Date.parse(observed)) {
        status = entry.status;
        observed = entry.observed_at;
        pending = true;
      }
    }
    return { status, observed, pending };
  }

  function applyReport(report) {
    const row = state.byId.get(report.person_id);
    if (!row || report.event_id !== S.eventId) {
      return false;
    }
    if (!row.observed_at || Date.parse(report.observed_at) >= Date.parse(row.observed_at)) {
      row.safety_status = report.safety_status;
      row.status_label = report.status_label;
      row.observed_at = report.observed_at;
      return true;
    }
    return false;
  }

  function node(tag, attrs, children) {
    const element = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "text") element.textContent = value;
      else if (key === "className") element.className = value;
      else element.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => child && element.appendChild(child));
    return element;
  }

  function formatDistance(metres) {
    if (metres === null || metres === undefined) return M.no_location;
    const text = metres < 1000 ? `${Math.round(metres / 10) * 10} m` : `${(metres / 1000).toFixed(1)} km`;
    return fill(M.distance, { d: text });
  }

  function statusLine(row) {
    const now = shown(row);
    const line = node("p", { className: "phone-person__status" }, [
      node("span", { text: M.current }),
      node("strong", { className: `phone-badge phone-badge--${now.status}`, text: LABELS[now.status] || now.status }),
    ]);
    if (now.pending) {
      line.appendChild(node("span", { className: "badge badge-warning", text: M.pending_badge }));
    }
    if (now.observed) {
      line.appendChild(node("span", { className: "small muted phone-person__time", text: fill(M.observed, { time: formatTime(now.observed) }) }));
    }
    if (row.has_conflict) {
      line.appendChild(node("span", { className: "badge badge-danger", text: M.conflict }));
    }
    return line;
  }

  function card(row) {
    const id = row.person_id;
    const name = fullName(row);
    const address = [`${(row.town && row.town.name) || ""}${row.address || ""}`, row.address_extra].filter(Boolean).join("\u3000");
    const buttons = REPORTABLE.map((s) =>
      node("button", {
        type: "button",
        className: `btn phone-status phone-status--${s.value}${NEEDS_SOMEONE.has(s.value) ? " phone-status--urgent" : ""}`,
        "data-status": s.value,
        disabled: !S.eventActive,
        text: s.label,
      })
    );
    const placeId = `phone-place-${id}`;
    const noteId = `phone-note-${id}`;
    return node("li", { className: "card phone-person", id: `phone-person-${id}`, "data-person-id": String(id) }, [
      node("h3", { className: "phone-person__name", id: `phone-name-${id}` }, [
        document.createTextNode(name),
        node("span", { className: "phone-person__kana small muted", text: kanaKey(row).trim() }),
      ]),
      node("p", { className: "phone-person__address" }, [
        document.createTextNode(address),
        state.origin ? node("span", { className: "phone-person__distance small", text: formatDistance(row._distance) }) : null,
      ]),
      row.phone
        ? node("p", { className: "phone-person__phone" }, [
            node("a", { href: `tel:${row.phone.replace(/[^0-9+]/g, "")}`, text: `${M.phone} ${row.phone}` }),
          ])
        : null,
      statusLine(row),
      node("div", { className: "phone-status-buttons", role: "group", "aria-label": fill(M.status_group, { name }) }, buttons),
      node("details", { className: "phone-extra" }, [
        node("summary", { text: M.extra }),
        node("label", { for: placeId, text: M.place }),
        node("input", { id: placeId, type: "text", className: "phone-extra__place", maxlength: "200", autocomplete: "off" }),
        node("label", { for: noteId, text: M.note }),
        node("textarea", { id: noteId, className: "phone-extra__note", maxlength: "1000", rows: "2" }),
      ]),
    ]);
  }

  function updateCard(row) {
    const item = document.getElementById(`phone-person-${row.person_id}`);
    if (!item) return;
    const old = item.querySelector(".phone-person__status");
    old.replaceWith(statusLine(row));
  }

  function updateAllCards() {
    state.persons.forEach(updateCard);
  }

  function renderList() {
    const onlyUnconfirmed = el.unconfirmedOnly.checked;
    const rows = state.persons.filter((row) => !onlyUnconfirmed || !CONFIRMED.has(shown(row).status));
    const fragment = document.createDocumentFragment();
    rows.forEach((row) => fragment.appendChild(card(row)));
    el.persons.replaceChildren(fragment);
    renderListStatus();
  }

  function renderListStatus() {
    if (!state.list) {
      setText(el.listStatus, state.online ? M.loading : M.no_list);
      return;
    }
    const n = state.persons.length;
    let text;
    if (n === 0) {
      text = M.none;
    } else if (state.fromCache) {
      text = fill(M.loaded_offline, { n, time: formatTime(state.list.fetched_at) });
    } else {
      text = fill(M.loaded, { n });
    }
    if (n) {
      text += ` ${state.origin ? M.sorted_near : M.sorted_kana}`;
    }
    setText(el.listStatus, text);
  }

  function showList(record, fromCache) {
    state.list = record;
    state.fromCache = fromCache;
    state.persons = sortRows(record.persons.slice());
    state.byId = new Map(state.persons.map((row) => [row.person_id, row]));
    if (!state.syncSince || !fromCache) {
      state.syncSince = record.sync_since;
    }
    renderList();
  }

  class AuthError extends Error {}

  async function fetchAllPages() {
    const persons = new Map();
    let page = 1;
    let pages = 1;
    let serverTime = null;
    const origin = state.origin;
    do {
      const url = new URL(S.personsUrl, window.location.href);
      url.searchParams.set("page", String(page));
      url.searchParams.set("page_size", String(PAGE_SIZE));
      if (origin) {
        url.searchParams.set("near", `${origin.latitude.toFixed(6)},${origin.longitude.toFixed(6)}`);
      }
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 401 || response.status === 403) {
        throw new AuthError(String(response.status));
      }
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      if (serverTime === null) {
        serverTime = Date.parse(response.headers.get("Date") || "") || Date.now();
      }
      const data = await response.json();
      data.results.forEach((row) => persons.set(row.person_id, row));
      pages = data.pages;
      page += 1;
    } while (page <= pages);
    return {
      persons: Array.from(persons.values()),
      fetched_at: new Date().toISOString(),
      // The server's clock, a little back: the first sync starts there (reports of the last minute come twice).
      sync_since: new Date(serverTime - SYNC_OVERLAP_MS).toISOString(),
    };
  }

  async function loadList() {
    try {
      const fresh = await fetchAllPages();
      state.online = true;
      if (state.auth === "login") state.auth = "ok";
      await store.listPut(fresh);
      showList(fresh, false);
    } catch (error) {
      if (error instanceof AuthError) {
        state.auth = "login";
      } else if (error instanceof TypeError) {
        state.online = false; // fetch found no network (an HTTP error keeps the kept list, online)
      }
      renderListStatus();
    }
    renderQueue();
  }

  async function sync() {
    if (state.syncing || !state.syncSince || !state.list || state.auth !== "ok") return;
    state.syncing = true;
    let changed = false;
    try {
      for (let round = 0; round < 20; round += 1) {
        const url = new URL(S.reportsUrl, window.location.href);
        url.searchParams.set("since", state.syncSince);
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) break;
        const data = await response.json();
        data.results.forEach((report) => {
          changed = applyReport(report) || changed;
        });
        state.syncSince = data.until;
        if (!data.more) break;
      }
    } catch (error) {
      // offline: the next sync catches up from the same moment
    } finally {
      state.syncing = false;
    }
    if (changed) {
      state.list.persons = state.persons;
      state.list.sync_since = state.syncSince;
      await store.listPut(state.list);
      updateAllCards();
    }
  }

  // ---- recording ----------------------------------------------------------------------------------------------

  async function record(item, status) {
    const personId = Number(item.dataset.personId);
    const row = state.byId.get(personId);
    if (!row || !S.eventActive) return;
    const place = item.querySelector(".phone-extra__place");
    const note = item.querySelector(".phone-extra__note");
    const entry = {
      client_id: newId(),
      user_id: S.userId,
      event_id: S.eventId,
      person_id: personId,
      person_name: fullName(row),
      status,
      observed_at: new Date().toISOString(),
      place: place.value.trim(),
      note: note.value.trim(),
      created_at: Date.now(),
      state: "pending",
      attempts: 0,
      next_try_at: 0,
      messages: [],
    };
    await store.queuePut(entry);
    place.value = "";
    note.value = "";
    item.querySelector(".phone-extra").open = false;
    await loadEntries();
    updateCard(row);
    renderQueue();
    announce(fill(M.recorded_pending, { name: entry.person_name, status: LABELS[status] }));
    flush();
  }

  el.persons.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-status]");
    if (!button || button.disabled) return;
    const item = button.closest(".phone-person");
    // A second tap within a moment is the same tap (a shaking hand), not a second report.
    const now = Date.now();
    if (item.dataset.lastTap && now - Number(item.dataset.lastTap) < 800) return;
    item.dataset.lastTap = String(now);
    record(item, button.dataset.status);
  });

  // ---- sending ------------------------------------------------------------------------------------------------

  function backoff(failures) {
    const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
    return base * (0.75 + Math.random() * 0.5);
  }

  async function whoIsSignedIn() {
    // The user the server sees now: the queue is sent only as the user who recorded it.
    const response = await fetch(S.eventsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401 || response.status === 403) return "login";
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    return data.user_id;
  }

  function messagesOf(body, status) {
    const messages = [];
    if (body && body.errors) {
      Object.values(body.errors).forEach((list) => list.forEach((m) => messages.push(m)));
    }
    if (!messages.length && body && body.detail) messages.push(body.detail);
    if (!messages.length) messages.push(fill(M.unknown_error, { status }));
    return messages;
  }

  async function send(entry) {
    // "next": go on with the next report; "stop": stop sending for now (everything kept).
    let response;
    try {
      response = await fetch(S.createUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({
          event_id: entry.event_id,
          person_id: entry.person_id,
          status: entry.status,
          observed_at: entry.observed_at,
          place: entry.place,
          note: entry.note,
          client_id: entry.client_id,
        }),
      });
    } catch (error) {
      networkFailed();
      return "stop";
    }
    state.online = true;
    if (response.status === 200 || response.status === 201) {
      const stored = await response.json().catch(() => null);
      if (!stored || stored.client_id !== entry.client_id) {
        // Not the API's answer (a proxy's page): try again later.
        await retryLater(entry, response.status);
        return "next";
      }
      state.netFailures = 0;
      await store.queueDelete(entry.client_id);
      if (applyReport(stored)) {
        state.list.persons = state.persons;
        await store.listPut(state.list);
      }
      return "next";
    }
    if (response.status === 401 || response.status === 403) {
      state.auth = "login";
      return "stop";
    }
    if (response.status === 429) {
      const wait = Number(response.headers.get("Retry-After")) || 30;
      state.throttledUntil = Date.now() + wait * 1000;
      return "stop";
    }
    if (response.status >= 500 || response.status === 408) {
      await retryLater(entry, response.status);
      return "next";
    }
    // Refused for its content: set aside and shown; the reports behind it go on.
    const body = await response.json().catch(() => null);
    entry.state = "refused";
    entry.messages = messagesOf(body, response.status);
    entry.refused_status = response.status;
    await store.queuePut(entry);
    announce(fill(M.refused_count, { n: state.entries.filter((e) => e.state === "refused").length + 1 }));
    return "next";
  }

  async function retryLater(entry, status) {
    entry.attempts += 1;
    entry.next_try_at = Date.now() + backoff(entry.attempts);
    entry.last_error = status;
    await store.queuePut(entry);
  }

  function networkFailed() {
    state.online = false;
    state.netFailures += 1;
    state.retryAt = Date.now() + backoff(state.netFailures);
  }

  async function flushOnce() {
    await loadEntries();
    const now = Date.now();
    const due = state.entries.filter((e) => e.state === "pending" && e.next_try_at <= now);
    if (!due.length || now < state.throttledUntil || now < state.retryAt) {
      return;
    }
    let who;
    try {
      who = await whoIsSignedIn();
    } catch (error) {
      networkFailed();
      return;
    }
    state.online = true;
    if (who === "login") {
      state.auth = "login";
      return;
    }
    if (who !== S.userId) {
      state.auth = "other";
      return;
    }
    state.auth = "ok";
    renderQueue(M.sending);
    for (const entry of due) {
      if ((await send(entry)) === "stop") break;
    }
  }

  function queueSignature() {
    return state.entries.map((e) => `${e.client_id}:${e.state}`).join(",");
  }

  async function flush() {
    if (state.flushing) return;
    state.flushing = true;
    const before = queueSignature();
    try {
      if (navigator.locks && navigator.locks.request) {
        // One tab sends at a time (another tab's sending would only be answered 200, but need not happen).
        await navigator.locks.request("tsunagu-disaster-phone-send", { ifAvailable: true }, async (lock) => {
          if (lock) await flushOnce();
        });
      } else {
        await flushOnce();
      }
    } catch (error) {
      // Storage failed mid-way: everything not confirmed by the server is still in the queue.
    } finally {
      state.flushing = false;
      await loadEntries().catch(() => null);
      if (queueSignature() !== before) updateAllCards();
      renderQueue();
    }
  }

  // ---- the queue's state -------------------------------------------------------------------------------------

  function renderQueue(activity) {
    const pending = state.entries.filter((e) => e.state === "pending");
    const refused = state.entries.filter((e) => e.state === "refused");
    setText(el.connection, state.online ? M.online : M.offline);
    el.connection.dataset.online = state.online ? "true" : "false";
    setText(el.queueCount, pending.length ? fill(M.pending, { n: pending.length }) : M.all_sent);
    let note = "";
    const failures = Math.max(state.netFailures, ...pending.map((e) => e.attempts), 0);
    if (state.noStorage) {
      note = M.no_storage;
    } else if (state.auth === "login") {
      note = M.login_again;
    } else if (state.auth === "other") {
      note = M.other_user;
    } else if (pending.length && Date.now() < state.throttledUntil) {
      note = M.throttled;
    } else if (pending.length && activity) {
      note = activity;
    } else if (pending.length && failures >= RETRY_NOTICE_AFTER) {
      note = fill(M.retrying, { n: failures });
    } else if (pending.length) {
      note = M.pending_help; // offline or not: the line above says which
    }
    setText(el.queueNote, note);
    el.login.hidden = state.auth !== "login";
    renderRefused(refused);
  }

  function renderRefused(refused) {
    el.refused.hidden = refused.length === 0;
    setText(el.refusedHelp, refused.length ? `${fill(M.refused_count, { n: refused.length })} ${M.refused_help}` : "");
    const key = refused.map((e) => e.client_id).join(",");
    if (el.refusedList.dataset.key === key) return;
    el.refusedList.dataset.key = key;
    const fragment = document.createDocumentFragment();
    refused.forEach((entry) => {
      fragment.appendChild(
        node("li", { className: "phone-refused__item" }, [
          node("p", {}, [
            node("strong", { text: `${entry.person_name}：${LABELS[entry.status] || entry.status}` }),
            node("span", { className: "small muted", text: ` ${fill(M.observed, { time: formatTime(entry.observed_at) })}` }),
          ]),
          node("ul", { className: "errorlist" }, entry.messages.map((m) => node("li", { text: m }))),
          node("div", { className: "phone-refused__actions" }, [
            node("button", { type: "button", className: "btn", "data-action": "retry", "data-id": entry.client_id, text: M.retry }),
            node("button", {
              type: "button",
              className: "btn btn-secondary",
              "data-action": "discard",
              "data-id": entry.client_id,
              text: M.discard,
            }),
          ]),
        ])
      );
    });
    el.refusedList.replaceChildren(fragment);
  }

  el.refusedList.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const entry = state.entries.find((e) => e.client_id === button.dataset.id);
    if (!entry) return;
    if (button.dataset.action === "discard") {
      if (!window.confirm(M.discard_confirm)) return;
      await store.queueDelete(entry.client_id);
    } else {
      Object.assign(entry, { state: "pending", attempts: 0, next_try_at: 0, messages: [] });
      await store.queuePut(entry);
    }
    await loadEntries();
    renderQueue();
    document.getElementById("phone-queue").focus();
    flush();
  });

  // ---- where the phone is -------------------------------------------------------------------------------------

  function locate() {
    if (!("geolocation" in navigator)) {
      setText(el.listStatus, M.location_unsupported);
      return;
    }
    setText(el.listStatus, M.locating);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        state.origin = { latitude: position.coords.latitude, longitude: position.coords.longitude };
        if (state.list) showList(state.list, state.fromCache);
        loadList(); // the server's order and distances, when online
      },
      () => {
        setText(el.listStatus, M.location_failed);
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 120000 }
    );
  }

  el.locate.addEventListener("click", locate);
  el.unconfirmedOnly.addEventListener("change", renderList);

  async function locateIfAllowed() {
    // Ask for the location only when the phone already allows it; otherwise the button asks.
    try {
      if (navigator.permissions && navigator.permissions.query) {
        const permission = await navigator.permissions.query({ name: "geolocation" });
        if (permission.state === "granted") locate();
      }
    } catch (error) {
      // no Permissions API: the button remains
    }
  }

  // ---- the service worker -------------------------------------------------------------------------------------

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker
      .register(S.serviceWorkerUrl, { scope: S.scope })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const urls = Array.from(
          document.querySelectorAll("script[src], link[rel~='stylesheet'][href], link[rel~='icon'][href]"),
          (n) => n.src || n.href
        );
        if (registration.active) registration.active.postMessage({ type: "keep", urls });
      })
      .catch(() => {
        // Without a service worker the page still works online, and the queue still waits in IndexedDB.
      });
  }

  // ---- signing out on this phone ------------------------------------------------------------------------------

  // Signing out here also takes the person list and the kept page off the phone (the next user of a shared phone
  // must not find them offline). Reports not yet sent stay: they go when the same user signs in again.
  async function forgetList() {
    const work = [];
    if (store) work.push(store.listPut({ persons: [], fetched_at: null, sync_since: null, forgotten: true }));
    if (window.caches) {
      work.push(
        window.caches.keys().then((names) =>
          Promise.all(names.filter((n) => n.startsWith(`tsunagu-phone-${S.eventId}-`)).map((n) => window.caches.delete(n)))
        )
      );
    }
    await Promise.all(work);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.forgotten || new URL(form.action).pathname !== S.logoutUrl) {
      return;
    }
    event.preventDefault();
    form.dataset.forgotten = "true";
    const timeout = new Promise((resolve) => window.setTimeout(resolve, 1500));
    Promise.race([forgetList().catch(() => null), timeout]).then(() => form.submit());
  });

  // ---- start ------------------------------------------------------------------------------------------------

  async function start() {
    try {
      store = indexedStore(await openDb());
    } catch (error) {
      store = memoryStore();
      state.noStorage = true;
    }
    el.queue = document.getElementById("phone-queue");
    el.queue.setAttribute("tabindex", "-1");
    await loadEntries().catch(() => null);
    const kept = await store.listGet().catch(() => null);
    if (kept && !kept.forgotten) showList(kept, true);
    renderQueue();
    registerServiceWorker();
    flush();
    await loadList();
    locateIfAllowed();

    window.addEventListener("online", () => {
      state.online = true;
      state.netFailures = 0;
      state.retryAt = 0;
      renderQueue();
      flush();
      if (state.fromCache || !state.list) loadList();
      else sync();
    });
    window.addEventListener("offline", () => {
      state.online = false;
      renderQueue();
    });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) {
        flush();
        sync();
      }
    });
    window.setInterval(flush, FLUSH_EVERY_MS);
    window.setInterval(() => {
      if (!document.hidden) sync();
    }, SYNC_EVERY_MS);
  }

  start();
})();
