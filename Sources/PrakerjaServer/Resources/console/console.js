// PrakerjaSim console: what the simulated ecosystem did, live. Plain DOM, no framework, no network beyond
// this simulator: every view reads the simulation API (/sim/…), and /sim/events says when something moved.
"use strict";

const state = {
  view: "messages",
  clock: null,            // {now (ms), offset, rules, fetchedAt (performance.now())}
  platforms: [],
  seenMessages: new Set(),
  messagesLoaded: false,    // after the first load, what was not seen before is highlighted
  pagesShown: 0,
  filterShown: null,
  newestMessage: 0,
  deliveriesLoaded: false,
  seenDeliveries: new Map(), // id -> attempts
  openDeliveries: new Set(),
  selectedCharge: null,
  oldestMessage: null,
  dirty: new Set(["header", "messages", "deliveries", "charges", "overview"]),
  lastAudit: -Infinity,
  auditTimer: null,
};

// ---------- small helpers ----------

/** Builds an element: h("td", {class: "x", dataset: {label: "At"}}, "text", child…). Text is always text. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (sel) => document.querySelector(sel);

async function api(path, options) {
  const res = await fetch(path, options);
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) {
    const message = body && body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
    throw new Error(message);
  }
  return body;
}

function post(path, payload) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload || {}) });
}

let toastTimer = null;
function toast(text) {
  const t = $("#toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
}

/** Business time is shown in WIB (UTC+07:00), the programme's calendar. */
function wib(value, withDate = true) {
  if (!value) return "—";
  const d = new Date(typeof value === "number" ? value : Date.parse(value));
  if (isNaN(d)) return String(value);
  const w = new Date(d.getTime() + 7 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, "0");
  const time = `${p(w.getUTCHours())}:${p(w.getUTCMinutes())}:${p(w.getUTCSeconds())}`;
  return withDate ? `${w.getUTCFullYear()}-${p(w.getUTCMonth() + 1)}-${p(w.getUTCDate())} ${time}` : time;
}

function span(seconds) {
  const s = Math.abs(seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `${(s / 3600).toFixed(s < 36000 ? 1 : 0)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

function rupiah(n) { return "Rp " + Number(n).toLocaleString("id-ID"); }

function query(form) {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (String(v).trim() !== "") params.set(k, String(v).trim());
  return params;
}

// ---------- header: business time, advance, audit, live ----------

function tickClock() {
  const el = $("#business-time");
  if (!state.clock) return;
  // In `serve`, business time flows with real time between jumps.
  const now = state.clock.now + (performance.now() - state.clock.fetchedAt);
  el.textContent = wib(now) + " WIB";
  el.dateTime = new Date(now).toISOString();
}

async function refreshHeader() {
  const clock = await api("/sim/clock");
  state.clock = { now: Date.parse(clock.now), offset: clock.offset_seconds, rules: clock.rules, fetchedAt: performance.now() };
  $("#rules").textContent = `rules ${clock.rules}`;
  tickClock();
  const counts = await api("/sim/counts");
  state.counts = counts;
  $("#count-messages").textContent = (counts.messages.sms || 0) + (counts.messages.email || 0);
  $("#count-deliveries").textContent = Object.values(counts.deliveries).reduce((a, b) => a + b, 0);
  $("#count-charges").textContent = Object.values(counts.charges).reduce((a, b) => a + b, 0);
  // The audit reads every participant and charge: at most every two seconds (a change in between is
  // picked up when the two seconds are over).
  const wait = state.lastAudit + 2000 - performance.now();
  if (wait > 0 && state.view !== "overview") {
    clearTimeout(state.auditTimer);
    state.auditTimer = setTimeout(() => markDirty("header"), wait);
  } else {
    state.lastAudit = performance.now();
    const audit = await api("/sim/audit");
    state.audit = audit;
    const chip = $("#audit");
    chip.textContent = audit.ok ? "audit clean" : `audit: ${audit.problems.length} problem${audit.problems.length === 1 ? "" : "s"}`;
    chip.className = "chip " + (audit.ok ? "ok" : "bad");
  }
}

function setupAdvance() {
  const form = $("#advance");
  async function advance(seconds) {
    if (!(seconds >= 0)) { toast("Enter a number of units to advance by."); return; }
    try {
      const clock = await post("/sim/clock/advance", { seconds });
      toast(`Business time advanced by ${span(seconds)} to ${wib(clock.now)} WIB`);
      markDirty("header", state.view);
    } catch (e) { toast(`Could not advance: ${e.message}`); }
  }
  form.querySelectorAll("button[data-seconds]").forEach((b) => b.addEventListener("click", () => advance(Number(b.dataset.seconds))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    advance(Number($("#advance-amount").value) * Number($("#advance-unit").value));
  });
}

// ---------- messages ----------

function messageCard(m) {
  const isNew = state.messagesLoaded && !state.seenMessages.has(m.id);
  state.seenMessages.add(m.id);
  return h("article", { class: "message" + (isNew ? " new" : ""), dataset: { id: m.id, channel: m.channel, voucher: m.voucher_code || "" } },
    h("header", {},
      h("span", { class: `badge ${m.channel}` }, m.channel === "sms" ? "SMS" : "E-mail"),
      h("span", { class: "subject" }, m.subject),
      h("span", { class: "muted" }, "to ", h("span", { class: "mono" }, m.recipient)),
      h("span", { class: "muted small" }, wib(m.created_at), " WIB")),
    h("div", { class: "meta" },
      m.card_number && h("span", {}, "card ", h("button", { class: "link mono", type: "button", onclick: () => searchMessages(m.card_number) }, m.card_number)),
      m.voucher_code && h("span", {}, "voucher ", h("button", { class: "link mono", type: "button", onclick: () => openCharge(m.charge_id) }, m.voucher_code)),
      m.charge_id && h("span", {}, "charge ", h("button", { class: "link mono", type: "button", onclick: () => openCharge(m.charge_id) }, m.charge_id))),
    h("pre", {}, m.body));
}

function searchMessages(text) {
  const form = $("#messages-filter");
  form.q.value = text;
  state.pagesShown = 0;
  markDirty("messages");
}

/**
 * The newest 50 messages (replacing the list), or the 50 before the oldest shown (appended). While older
 * pages are shown, a change only adds the messages newer than the newest one shown, so no page is lost.
 */
async function refreshMessages(older = false) {
  const form = $("#messages-filter");
  const params = query(form);
  params.set("limit", "50");
  if (older && state.oldestMessage) params.set("before", state.oldestMessage);
  const items = await api("/sim/messages?" + params);
  const box = $("#messages");
  if (older) {
    box.append(...items.map(messageCard));
    state.pagesShown += 1;
  } else if (state.pagesShown > 1 && state.filterShown === params.toString()) {
    const fresh = items.filter((m) => m.id > state.newestMessage);
    box.prepend(...fresh.map(messageCard));
  } else {
    box.replaceChildren(...items.map(messageCard));
    state.pagesShown = 1;
    state.filterShown = params.toString();
    $("#messages-older").hidden = items.length < 50;
  }
  if (older) $("#messages-older").hidden = items.length < 50;
  state.messagesLoaded = true;
  const shown = [...box.querySelectorAll(".message")].map((m) => Number(m.dataset.id));
  state.newestMessage = shown.length ? Math.max(...shown) : 0;
  state.oldestMessage = shown.length ? Math.min(...shown) : null;
  $("#messages-empty").hidden = shown.length > 0;
}

// ---------- deliveries (webhooks, e-mail, held-back SMS) ----------

function attemptsTable(d) {
  const rows = (d.attempt_log || []).map((a) => h("tr", {},
    h("td", { "data-label": "#" }, a.number),
    h("td", { "data-label": "At" }, wib(a.at)),
    h("td", { "data-label": "Result", class: `result-${a.result}` }, a.result),
    h("td", { "data-label": "HTTP" }, a.http_status ?? "—"),
    h("td", { "data-label": "Latency" }, a.latency_ms != null ? `${a.latency_ms} ms` : "—"),
    h("td", { "data-label": "Fault" }, a.faults && a.faults.length ? a.faults.map((f) => h("span", { class: "chip bad" }, f)) : "—"),
    h("td", { "data-label": "Next attempt" }, a.next_attempt_at ? wib(a.next_attempt_at) : "—"),
    h("td", { "data-label": "Detail" }, a.detail,
      a.request_headers && a.request_headers.length ? h("details", {}, h("summary", {}, "request"),
        h("pre", {}, a.request_headers.map((x) => `${x.name}: ${x.value}`).join("\n") + "\n\n" + d.payload)) : null)));
  return h("div", { class: "attempts" },
    rows.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ["#", "At (WIB)", "Result", "HTTP", "Latency", "Fault", "Next attempt", "Detail"].map((t) => h("th", {}, t)))), h("tbody", {}, rows))
      : h("p", { class: "muted" }, "No attempt yet; the first is due ", wib(d.next_attempt_at), " WIB."),
    h("details", {}, h("summary", {}, "event body"), h("pre", {}, d.payload)));
}

async function resend(id, button) {
  button.disabled = true;
  try {
    const r = await post(`/sim/deliveries/${encodeURIComponent(id)}/retry`);
    toast(r.count ? `Delivery ${id} is due again now.` : `Delivery ${id} was not resent.`);
    markDirty("deliveries");
  } catch (e) { toast(`Could not resend: ${e.message}`); }
  finally { button.disabled = false; }
}

function deliveryRow(d) {
  const isNew = state.deliveriesLoaded && state.seenDeliveries.get(d.id) !== d.attempts;
  state.seenDeliveries.set(d.id, d.attempts);
  const open = state.openDeliveries.has(d.id);
  const toggle = h("button", { type: "button", "aria-expanded": String(open), dataset: { role: "toggle" }, onclick: () => {
    if (state.openDeliveries.has(d.id)) state.openDeliveries.delete(d.id); else state.openDeliveries.add(d.id);
    markDirty("deliveries");
  } }, open ? "Hide attempts" : `Attempts (${d.attempts})`);
  const resendButton = h("button", { type: "button", title: "Make this delivery due again now", dataset: { role: "resend" } }, "Resend");
  resendButton.addEventListener("click", () => resend(d.id, resendButton));
  return h("article", { class: "delivery" + (isNew ? " new" : ""), dataset: { id: d.id, status: d.status } },
    h("div", { class: "row" },
      h("span", { class: "small" }, wib(d.created_at)),
      h("span", {}, h("span", { class: `badge ${d.channel}` }, d.channel), " ", h("span", { class: "small" }, d.event_type)),
      h("button", { class: "link mono small", type: "button", onclick: () => openCharge(d.charge_id) }, d.charge_id),
      h("span", { class: "small" }, d.platform_id),
      h("span", { class: `status-${d.status}` }, d.status),
      h("span", { class: "small", title: "attempts made" }, `×${d.attempts}`),
      h("span", { class: "small muted" }, d.status === "pending" ? `next ${wib(d.next_attempt_at)} · ` : "", d.last_outcome || "not attempted yet"),
      h("span", { class: "actions" }, toggle, resendButton)),
    open ? h("div", { class: "attempts-slot", dataset: { id: d.id } }, h("p", { class: "muted small" }, "loading attempts…")) : null);
}

async function refreshDeliveries() {
  const params = query($("#deliveries-filter"));
  params.set("limit", "100");
  const [items, endpoints] = await Promise.all([api("/sim/deliveries?" + params), api("/sim/webhooks")]);
  const box = $("#deliveries");
  box.replaceChildren(...items.map(deliveryRow));
  state.deliveriesLoaded = true;
  $("#deliveries-empty").hidden = items.length > 0;
  $("#endpoints").textContent = endpoints.length
    ? "Webhook endpoints: " + endpoints.map((e) => `${e.platform_id} → ${e.url}${e.enabled ? "" : " (disabled)"}`).join(" · ")
    : "No webhook endpoints are configured (serve --webhook PLATFORM=URL, or PUT /sim/webhooks/{platform}).";
  for (const slot of box.querySelectorAll(".attempts-slot")) {
    const full = await api(`/sim/deliveries/${encodeURIComponent(slot.dataset.id)}`);
    slot.replaceChildren(attemptsTable(full));
  }
}

// ---------- charges and their timelines ----------

function chargeItem(c) {
  return h("li", {}, h("button", { type: "button", "aria-current": String(state.selectedCharge === c.id), dataset: { id: c.id }, onclick: () => openCharge(c.id, false) },
    h("span", { class: "mono small" }, c.id),
    h("span", { class: "small" }, `${c.platform_id} · ${c.status} · ${rupiah(c.amount)}`),
    h("span", { class: "small muted" }, `card ${c.card_number} · order ${c.platform_order_id}`)));
}

async function refreshCharges() {
  const params = query($("#charges-filter"));
  params.set("limit", "50");
  const items = await api("/sim/charges?" + params);
  $("#charges").replaceChildren(...items.map(chargeItem));
  $("#charges-empty").hidden = items.length > 0;
  if (state.selectedCharge) await showTimeline(state.selectedCharge);
}

function openCharge(id, switchView = true) {
  if (!id) return;
  state.selectedCharge = id;
  if (switchView) {
    $("#charges-filter").q.value = id;
    selectView("charges");
  } else {
    markDirty("charges");
  }
}

const LANES = [
  ["participant", "Participant"], ["platform", "Platform"], ["gateway", "Gateway"],
  ["email", "E-mail"], ["webhook", "Webhook"], ["provider", "Provider"],
];

/** The timeline as lanes: one row per actor, one column per step in business-time order, gaps labelled. */
function lanes(events) {
  const grid = h("div", { class: "lanes", style: `grid-template-rows: auto repeat(${LANES.length}, auto)` });
  grid.append(h("div", { class: "lane-name", style: "grid-row: 1" }, "WIB"));
  LANES.forEach(([, label], i) => grid.append(h("div", { class: "lane-name", style: `grid-row: ${i + 2}` }, label)));
  let previous = null;
  events.forEach((e) => {
    const at = Date.parse(e.at);
    const gap = previous === null ? null : (at - previous) / 1000;
    previous = at;
    grid.append(h("div", { class: "time", style: "grid-row: 1" },
      wib(e.at, gap === null || gap >= 86400), gap !== null && gap >= 1 ? h("span", { class: "gap" }, ` +${span(gap)}`) : null));
    LANES.forEach(([lane], i) => {
      const cell = h("div", { class: "cell", style: `grid-row: ${i + 2}` });
      if (e.lane === lane) {
        cell.append(h("div", { class: `step lane-${lane}` + (e.kind === "fault" || e.kind.endsWith("exhausted") ? " fault" : ""), title: `${e.kind} at ${wib(e.at)} WIB` },
          h("span", { class: "kind" }, e.kind), h("span", { class: "what" }, e.detail)));
      }
      grid.append(cell);
    });
  });
  return h("div", { class: "timeline", tabindex: "0", "aria-label": "Timeline by lane" }, grid);
}

async function showTimeline(id) {
  const detail = $("#charge-detail");
  let t;
  try { t = await api(`/sim/charges/${encodeURIComponent(id)}/timeline`); }
  catch (e) { detail.replaceChildren(h("p", { class: "muted" }, `Charge ${id}: ${e.message}`)); return; }
  const c = t.charge;
  document.querySelectorAll("#charges button[data-id]").forEach((b) => b.setAttribute("aria-current", String(b.dataset.id === id)));
  detail.replaceChildren(
    h("h2", {}, "Charge ", h("span", { class: "mono" }, c.id), " ", h("span", { class: "chip " + (c.status === "paid" ? "ok" : c.status === "pending" ? "warn" : "bad") }, c.status)),
    h("dl", { class: "facts" },
      h("dt", {}, "Platform / order"), h("dd", {}, `${c.platform_id} / ${c.platform_order_id}`),
      h("dt", {}, "Card / account"), h("dd", {}, `${c.card_number} / ${c.account_id}`),
      h("dt", {}, "Course / amount"), h("dd", {}, `${c.course_id} / ${rupiah(c.amount)}`),
      h("dt", {}, "Created / paid"), h("dd", {}, `${wib(c.created_at)} / ${c.paid_at ? wib(c.paid_at) : "—"}`),
      h("dt", {}, "Voucher"), h("dd", {}, c.voucher ? `${c.voucher.code} (redeem ${c.voucher.redeem_code}, ${c.voucher.status})` : "—")),
    lanes(t.events),
    h("h3", {}, "Deliveries"),
    t.deliveries.length
      ? h("div", { class: "list" }, t.deliveries.map((d) => h("article", { class: "delivery" },
          h("div", { class: "row" },
            h("span", { class: "small" }, wib(d.created_at)),
            h("span", {}, h("span", { class: `badge ${d.channel}` }, d.channel), " ", h("span", { class: "small" }, d.event_type)),
            h("span", { class: "mono small" }, d.id), h("span", { class: "small" }, d.platform_id),
            h("span", { class: `status-${d.status}` }, d.status), h("span", { class: "small" }, `×${d.attempts}`),
            h("span", { class: "small muted" }, d.last_outcome || ""), h("span", {})),
          attemptsTable(d))))
      : h("p", { class: "muted" }, "No deliveries."));
}

// ---------- overview ----------

function facts(pairs) { return pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]); }

async function refreshOverview() {
  const [counts, audit, faults, fired] = await Promise.all([api("/sim/counts"), api("/sim/audit"), api("/sim/faults"), api("/sim/faults/fired?limit=100")]);
  $("#fired-count").textContent = fired.length === 100 ? "(latest 100)" : `(${fired.length})`;
  $("#fired").replaceChildren(fired.length
    ? h("table", {}, h("thead", {}, h("tr", {}, ["At (WIB)", "Fault", "Charge"].map((t) => h("th", {}, t)))),
        h("tbody", {}, fired.map((e) => h("tr", {},
          h("td", { "data-label": "At" }, wib(e.at)),
          h("td", { "data-label": "Fault" }, h("span", { class: `step lane-${e.lane} fault` }, e.detail)),
          h("td", { "data-label": "Charge" }, h("button", { class: "link mono small", type: "button", onclick: () => openCharge(e.charge_id) }, e.charge_id))))))
    : h("p", { class: "muted" }, "No fault has fired yet."));
  const c = counts;
  $("#counts").replaceChildren(...facts([
    ["Participants", c.participants],
    ["Charges", ["pending", "paid", "expired", "locked", "refunded"].map((k) => `${k} ${c.charges[k] || 0}`).join(" · ")],
    ["Vouchers", c.vouchers],
    ["Messages", `SMS ${c.messages.sms || 0} · e-mail ${c.messages.email || 0}`],
    ["Deliveries", ["pending", "delivered", "exhausted"].map((k) => `${k} ${c.deliveries[k] || 0}`).join(" · ")],
    ["Delivery attempts", c.delivery_attempts],
  ]));
  $("#audit-detail").replaceChildren(...[
    h("p", {}, h("span", { class: "chip " + (audit.ok ? "ok" : "bad") }, audit.ok ? "clean" : `${audit.problems.length} problems`)),
    h("dl", { class: "facts" }, ...facts([
      ["Paid charges", audit.paid_charges], ["Refunded charges", audit.refunded_charges], ["Vouchers", audit.vouchers],
      ["Debited", rupiah(audit.total_debited)], ["Refunded", rupiah(audit.total_refunded)], ["Forfeited", rupiah(audit.total_forfeited)],
    ])),
    audit.problems.length ? h("ul", {}, audit.problems.map((p) => h("li", {}, p))) : null].filter(Boolean));
  const plan = Object.entries(faults.plan).filter(([, p]) => p > 0);
  $("#faults").replaceChildren(
    plan.length
      ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Fault"), h("th", {}, "Probability"))),
          h("tbody", {}, plan.map(([f, p]) => h("tr", {}, h("td", { class: "mono" }, f), h("td", {}, `${(p * 100).toFixed(2)} %`)))))
      : h("p", {}, "No probabilistic faults; magic card numbers still fire theirs."),
    h("p", { class: "small muted" }, `Seed ${faults.seed}; a delayed e-mail arrives ${span(faults.email_delay_seconds)} late.`),
    h("details", {}, h("summary", {}, "magic card suffixes"),
      h("table", {}, h("tbody", {}, Object.entries(faults.magic_card_suffixes).sort().map(([s, f]) => h("tr", {}, h("td", { class: "mono" }, `…${s}`), h("td", { class: "mono" }, f)))))));
}

// ---------- views, refresh loop, live updates ----------

const refreshers = { header: refreshHeader, messages: () => refreshMessages(false), deliveries: refreshDeliveries, charges: refreshCharges, overview: refreshOverview };

/** What has the keyboard focus inside a list that is about to be redrawn: its row's id and its label. */
function focusedControl() {
  const el = document.activeElement;
  const row = el && el !== document.body ? el.closest("[data-id]") : null;
  if (!row || !el.matches("button, summary, a")) return null;
  return { id: row.dataset.id, role: el.dataset.role, label: el.textContent.trim().split(" ")[0], tag: el.tagName };
}

/** Gives the focus back to the same control in the redrawn row (the list was rebuilt under it). */
function restoreFocus(focus) {
  if (!focus || (document.activeElement && document.activeElement !== document.body)) return;
  const rows = [...document.querySelectorAll("[data-id]")].filter((r) => r.dataset.id === focus.id);
  for (const row of rows) {
    const control = [...row.querySelectorAll(focus.tag)].find((c) => focus.role ? c.dataset.role === focus.role : c.textContent.trim().startsWith(focus.label))
      || (row.matches(focus.tag) ? row : null);
    if (control) { control.focus(); return; }
  }
}

function markDirty(...what) { what.forEach((w) => state.dirty.add(w)); schedule(); }

let running = false, again = false;
async function schedule() {
  if (running) { again = true; return; }
  running = true;
  try {
    do {
      again = false;
      for (const part of ["header", state.view]) {
        if (!state.dirty.has(part)) continue;
        state.dirty.delete(part);
        const focus = focusedControl();
        try { await refreshers[part](); } catch (e) { toast(`Could not refresh ${part}: ${e.message}`); }
        restoreFocus(focus);
      }
    } while (again);
  } finally { running = false; }
}

function selectView(name) {
  state.view = name;
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
  }
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
  markDirty(name);
}

function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectView(tab.id.slice(4)));
    tab.addEventListener("keydown", (ev) => {
      const step = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      selectView(next.id.slice(4));
    });
  });
  document.addEventListener("keydown", (ev) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement?.tagName);
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tab = tabs.find((t) => t.dataset.key === ev.key);
    if (tab) { selectView(tab.id.slice(4)); tab.focus(); ev.preventDefault(); }
    else if (ev.key === "/") {
      const input = document.querySelector(`#view-${state.view} input[type=search]`);
      if (input) { input.focus(); ev.preventDefault(); }
    } else if (ev.key === "r") { markDirty("header", state.view); }
  });
}

function setupFilters() {
  $("#messages-filter").addEventListener("submit", (ev) => { ev.preventDefault(); state.pagesShown = 0; markDirty("messages"); });
  $("#messages-filter").channel.addEventListener("change", () => { state.pagesShown = 0; markDirty("messages"); });
  $("#messages-older").addEventListener("click", () => refreshMessages(true).catch((e) => toast(e.message)));
  $("#deliveries-filter").addEventListener("submit", (ev) => { ev.preventDefault(); markDirty("deliveries"); });
  $("#deliveries-filter").addEventListener("change", () => markDirty("deliveries"));
  $("#charges-filter").addEventListener("submit", (ev) => { ev.preventDefault(); state.selectedCharge = null; markDirty("charges"); });
}

function connect() {
  const live = $("#live");
  const source = new EventSource("/sim/events");
  source.addEventListener("open", () => { live.textContent = "live"; live.className = "chip on"; });
  source.addEventListener("change", () => markDirty("header", "messages", "deliveries", "charges", "overview"));
  source.addEventListener("error", () => { live.textContent = "reconnecting"; live.className = "chip off"; });
}

async function start() {
  setupTabs();
  setupAdvance();
  setupFilters();
  try {
    state.platforms = await api("/catalog/platforms");
    const select = $("#platform-select");
    state.platforms.forEach((p) => select.append(h("option", { value: p.id }, p.name)));
  } catch (e) { toast(`Could not read the platforms: ${e.message}`); }
  const initial = location.hash.slice(1);
  selectView(Object.hasOwn(refreshers, initial) && initial !== "header" ? initial : "messages");
  setInterval(tickClock, 1000);
  connect();
}

document.addEventListener("DOMContentLoaded", start);
