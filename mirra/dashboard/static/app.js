// mirra's dashboard: sessions, their live traffic, webhooks and state, actions, and scenario runs.
// Everything comes from the public control API, the direct-mode admin routes and the event stream.

const view = document.getElementById("view");
let cleanup = () => {};

// ---------- small helpers ----------

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function toast(message, bad = false) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = bad ? "bad" : "";
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, bad ? 8000 : 3000);
}

async function api(method, path, body) {
  const headers = { "X-Mirra-Dashboard": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { location.href = "/login"; throw new Error("signed out"); }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error;
    throw new Error(error ? `${error.message} ${error.hint || ""}`.trim() : `HTTP ${response.status}`);
  }
  return data;
}

const admin = (session, mirror, method, route, body) => api(method, `/m/${session}/${mirror}/_mirra/${route}`, body);

async function act(label, action) {
  try {
    const result = await action();
    toast(label);
    return result;
  } catch (error) {
    toast(`${label} failed: ${error.message}`, true);
    return undefined;
  }
}

function span(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}
const age = (iso) => (iso ? span((Date.now() - Date.parse(iso)) / 1000) : "–");
const until = (iso) => span((Date.parse(iso) - Date.now()) / 1000);

const pill = (text) => h("span", { class: `pill ${String(text).replace(/[^a-z_]/gi, "")}` }, text);
const objectId = (obj) => obj.id ?? obj.sid ?? obj.name ?? "";

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

// Every object of a mirror's state dump, by kind: `objects` when the mirror groups them so,
// otherwise every list in the dump but the delivery log.
function kindsOf(state) {
  if (state && typeof state.objects === "object") return state.objects;
  const kinds = {};
  for (const [key, value] of Object.entries(state || {})) {
    if (Array.isArray(value) && key !== "deliveries") kinds[key] = value;
  }
  return kinds;
}

// JSON with the ids of other objects as links (the index maps id -> {mirror, kind, obj}).
function jsonView(value, index, open, cls = "") {
  const text = JSON.stringify(value, null, 2);
  const pre = h("pre", { class: cls });
  for (const part of text.split(/("(?:[^"\\]|\\.)*")/)) {
    const inner = part.startsWith('"') ? part.slice(1, -1) : null;
    if (inner && index.has(inner) && index.get(inner).obj !== value) {
      pre.append('"', h("a", { href: "#", "data-id": inner, onclick: (e) => { e.preventDefault(); open(inner); } }, inner), '"');
    } else {
      pre.append(part);
    }
  }
  return pre;
}

// ---------- routing ----------

async function route() {
  cleanup();
  cleanup = () => {};
  view.replaceChildren();
  const hash = location.hash.replace(/^#/, "") || "/";
  const parts = hash.split("/").filter(Boolean);
  document.querySelectorAll("[data-nav]").forEach((link) =>
    link.classList.toggle("active", link.dataset.nav === (parts[0] === "runs" ? "runs" : "sessions")));
  try {
    if (parts[0] === "sessions" && parts[1]) cleanup = await sessionView(parts[1]);
    else if (parts[0] === "runs" && parts[1]) cleanup = await runView(parts[1]);
    else if (parts[0] === "runs") cleanup = await runsView();
    else cleanup = await sessionsView();
  } catch (error) {
    view.replaceChildren(h("p", { class: "empty" }, error.message));
  }
}

// ---------- sessions ----------

async function sessionsView() {
  const catalog = (await api("GET", "/v1/sessions/default")).mirrors.map((m) => m.vendor);
  const table = h("tbody");
  const picks = catalog.map((name) => h("label", {}, h("input", { type: "checkbox", value: name, checked: true }), ` ${name}`));
  const create = async () => {
    const mirrors = picks.map((label) => label.firstChild).filter((box) => box.checked).map((box) => box.value);
    const created = await act("Session created", () => api("POST", "/v1/sessions", { mirrors }));
    if (created) location.hash = `#/sessions/${created.sessionId}`;
  };
  view.append(
    h("h1", {}, "Sessions"),
    h("div", { class: "row actions" }, h("strong", {}, "New session"), ...picks, h("button", { id: "create-session", onclick: create }, "Create")),
    h("table", { id: "sessions" },
      h("thead", {}, h("tr", {}, ...["session", "status", "mode", "mirrors", "age", "expires", "requests", "webhooks", "errors", ""].map((c) => h("th", {}, c)))),
      table),
  );
  const load = async () => {
    const listed = (await api("GET", "/v1/sessions?limit=100")).data;
    table.replaceChildren(...listed.map((s) => {
      const stats = s.stats || {};
      const end = s.persistent ? "" : h("button", { class: "danger", onclick: async (e) => {
        e.stopPropagation();
        await act(`Ended ${s.sessionId}`, () => api("DELETE", `/v1/sessions/${s.sessionId}`));
        load();
      } }, "End");
      return h("tr", { class: "clickable", "data-session": s.sessionId, onclick: () => { location.hash = `#/sessions/${s.sessionId}`; } },
        h("td", {}, h("a", { href: `#/sessions/${s.sessionId}` }, s.name), s.name === s.sessionId ? null : h("div", { class: "meta mono" }, s.sessionId)),
        h("td", {}, pill(s.status)),
        h("td", {}, s.persistent ? "persistent" : "ephemeral"),
        h("td", {}, s.mirrors.map((m) => m.vendor).join(", ")),
        h("td", {}, age(s.createdAt)),
        h("td", {}, s.expiresAt ? `in ${until(s.expiresAt)}` : "never"),
        h("td", {}, stats.requests ?? "–"), h("td", {}, stats.webhooks ?? "–"),
        h("td", { class: stats.errors ? "status error" : "" }, stats.errors ?? "–"),
        h("td", {}, end));
    }));
  };
  await load();
  const timer = setInterval(() => load().catch(() => {}), 2000);
  return () => clearInterval(timer);
}

// ---------- one session ----------

async function sessionView(id) {
  const info = await api("GET", `/v1/sessions/${id}`);
  const mirrors = info.mirrors.map((m) => m.vendor);
  const S = {
    traffic: [], deliveries: new Map(), events: [], states: {}, metadata: {},
    tab: "traffic", selected: null, mirror: mirrors[0], kind: null, objectId: null,
  };
  const tabs = [["traffic", "Traffic"], ["webhooks", "Webhooks"], ["state", "State"]];
  if (mirrors.includes("stripe")) tabs.push(["stripe", "Stripe objects"]);
  if (mirrors.includes("resend")) tabs.push(["inbox", "Inbox"]);
  if (mirrors.includes("twilio")) tabs.push(["messages", "Messages"]);
  tabs.push(["events", "Events"]);

  const header = h("div");
  const actions = h("div", { class: "actions", id: "actions" });
  const tabBar = h("div", { class: "tabs", role: "tablist" });
  const body = h("div", { id: "tab-body" });
  view.append(header, actions, tabBar, body);

  const renderHeader = async () => {
    const fresh = await api("GET", `/v1/sessions/${id}`).catch(() => null);
    if (!fresh) { header.replaceChildren(h("h1", {}, `Session ${id} has ended`)); return; }
    header.replaceChildren(
      h("h1", {}, fresh.name, " ", h("span", { class: "meta mono" }, fresh.sessionId)),
      h("div", { class: "meta" }, `${fresh.persistent ? "persistent" : "ephemeral"} · mirrors ${mirrors.join(", ")} · clock ${fresh.clock.now}`,
        ` (offset ${fresh.clock.offsetSeconds}s) · ${fresh.stats.requests} requests · ${fresh.stats.webhooks} webhooks · ${fresh.stats.errors} errors`),
      h("div", { class: "meta mono" }, `proxy ${fresh.proxyUrl}`),
    );
  };

  const loadState = async (mirror) => { S.states[mirror] = await admin(id, mirror, "GET", "state"); };
  for (const mirror of mirrors) {
    S.metadata[mirror] = await admin(id, mirror, "GET", "metadata");
    await loadState(mirror);
  }

  const renderTabs = () => tabBar.replaceChildren(...tabs.map(([key, label]) =>
    h("button", { class: S.tab === key ? "active" : "", role: "tab", "data-tab": key, onclick: () => { S.tab = key; S.selected = null; renderTabs(); render(); } }, label)));

  let scheduled = false;
  const render = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const renderer = { traffic: trafficTab, webhooks: webhooksTab, state: stateTab, stripe: stripeTab, inbox: inboxTab, messages: messagesTab, events: eventsTab }[S.tab];
      body.replaceChildren(renderer(S, render));
    });
  };

  actions.append(...actionControls(id, mirrors, S, async (mirror) => { await loadState(mirror); renderHeader(); render(); }));
  renderTabs();
  await renderHeader();
  render();

  const refreshing = new Map();
  let headerDue = null;
  const stream = new EventSource(`/v1/sessions/${id}/events`);
  const live = document.getElementById("live");
  stream.onopen = () => live.classList.add("on");
  stream.onerror = () => live.classList.remove("on");
  const take = (type) => (message) => {
    const event = { type, seq: Number(message.lastEventId), ...JSON.parse(message.data) };
    S.events.push(event);
    if (type === "traffic.request_completed") S.traffic.push(event);
    if (type === "webhook.dispatched") {
      const delivery = S.deliveries.get(event.deliveryId) || { type: event.type, url: event.url, mirror: event.mirror, objectId: event.objectId, attempts: [] };
      delivery.attempts.push(event);
      S.deliveries.set(event.deliveryId, delivery);
    }
    if (type === "state.changed" && event.mirror && !refreshing.has(event.mirror)) {
      refreshing.set(event.mirror, setTimeout(async () => {
        refreshing.delete(event.mirror);
        await loadState(event.mirror).catch(() => {});
        render();
      }, 200));
    }
    if (type !== "state.changed" && !headerDue) {
      headerDue = setTimeout(() => { headerDue = null; renderHeader(); }, 500);
    }
    render();
  };
  for (const type of ["traffic.request_completed", "webhook.dispatched", "state.changed", "session.lifecycle", "evaluation.criterion_graded"]) {
    stream.addEventListener(type, take(type));
  }
  return () => { stream.close(); live.classList.remove("on"); clearTimeout(headerDue); refreshing.forEach(clearTimeout); };
}

function actionControls(id, mirrors, S, refreshed) {
  const mirrorSelect = h("select", { id: "action-mirror", onchange: () => { S.mirror = mirrorSelect.value; fill(); } },
    ...mirrors.map((m) => h("option", { value: m }, m)));
  const eventSelect = h("select", { id: "simulate-event" });
  const params = h("input", { id: "simulate-params", placeholder: 'parameters as JSON, e.g. {"customer": "cus_…"}', size: 34 });
  const seedSelect = h("select", { id: "reset-seed" });
  const snapshotSelect = h("select", { id: "restore-snapshot" });
  const seconds = h("input", { id: "advance-seconds", type: "number", min: "1", value: "3600", size: 8 });
  const fill = async () => {
    const meta = S.metadata[S.mirror];
    eventSelect.replaceChildren(...meta.simulations.map((e) => h("option", { value: e }, e)));
    seedSelect.replaceChildren(h("option", { value: "" }, "(empty)"), ...meta.seeds.map((s) => h("option", { value: s }, s)));
    const snapshots = (await admin(id, S.mirror, "GET", "state/snapshots").catch(() => ({ snapshots: [] }))).snapshots;
    snapshotSelect.replaceChildren(...snapshots.map((s) => h("option", { value: s.snapshotId ?? s }, s.snapshotId ?? s)));
  };
  fill();
  const simulate = async () => {
    let extra = {};
    try { extra = params.value.trim() ? JSON.parse(params.value) : {}; } catch { toast("Parameters must be a JSON object", true); return; }
    await act(`Simulated ${eventSelect.value}`, () => admin(id, S.mirror, "POST", "simulate", { event: eventSelect.value, ...extra }));
    refreshed(S.mirror);
  };
  const reset = async () => {
    await act(`Reset ${S.mirror}`, () => admin(id, S.mirror, "POST", "state/reset", seedSelect.value ? { seed: seedSelect.value } : {}));
    refreshed(S.mirror);
  };
  const snapshot = async () => { await act("Snapshot taken", () => admin(id, S.mirror, "POST", "state/snapshot", {})); fill(); };
  const restore = async () => {
    if (!snapshotSelect.value) { toast("No snapshot to restore", true); return; }
    await act(`Restored ${snapshotSelect.value}`, () => admin(id, S.mirror, "POST", "state/restore", { snapshotId: snapshotSelect.value }));
    refreshed(S.mirror);
  };
  const advance = async () => {
    await act(`Clock advanced ${seconds.value}s`, () => api("POST", `/v1/sessions/${id}/clock/advance`, { seconds: Number(seconds.value) }));
    for (const mirror of mirrors) await refreshed(mirror);
  };
  const end = async () => {
    if (await act("Session ended", () => api("DELETE", `/v1/sessions/${id}`))) location.hash = "#/";
  };
  return [
    h("div", { class: "row" }, h("strong", {}, "Mirror"), mirrorSelect,
      h("strong", {}, "Simulate"), eventSelect, params, h("button", { id: "simulate", onclick: simulate }, "Fire")),
    h("div", { class: "row" }, h("strong", {}, "Reset to"), seedSelect, h("button", { id: "reset", class: "quiet", onclick: reset }, "Reset"),
      h("button", { id: "snapshot", class: "quiet", onclick: snapshot }, "Snapshot"), snapshotSelect,
      h("button", { id: "restore", class: "quiet", onclick: restore }, "Restore"),
      h("strong", {}, "Clock +"), seconds, h("span", {}, "s"), h("button", { id: "advance", class: "quiet", onclick: advance }, "Advance"),
      h("button", { id: "end-session", class: "danger", onclick: end }, "End session")),
  ];
}

function trafficTab(S, render) {
  if (!S.traffic.length) return h("p", { class: "empty" }, "No requests yet. Send some through the proxy.");
  const rows = S.traffic.slice().reverse().map((t) => h("tr", {
    class: `clickable ${t.status >= 400 ? "error" : ""} ${S.selected === t.seq ? "selected" : ""}`,
    "data-request": t.requestId,
    onclick: () => { S.selected = t.seq; render(); },
  }, h("td", {}, t.at.slice(11, 23)), h("td", {}, t.mirror), h("td", { class: "mono" }, t.method),
    h("td", { class: "mono" }, t.host || ""), h("td", { class: "mono" }, t.path + (t.query ? `?${t.query}` : "")),
    h("td", { class: "status" }, t.status), h("td", {}, `${t.durationMs} ms`)));
  const table = h("table", { id: "traffic" }, h("thead", {}, h("tr", {}, ...["time", "mirror", "method", "host", "path", "status", "duration"].map((c) => h("th", {}, c)))), h("tbody", {}, rows));
  const chosen = S.traffic.find((t) => t.seq === S.selected);
  if (!chosen) return table;
  const headers = (all) => Object.entries(all || {}).map(([k, v]) => `${k}: ${v}`).join("\n");
  const detail = h("div", { id: "exchange" },
    h("h2", {}, `${chosen.method} ${chosen.path} → ${chosen.status}`),
    h("div", { class: "meta" }, `request id ${chosen.requestId || "–"}`),
    h("h2", {}, "Request headers"), h("pre", {}, headers(chosen.requestHeaders)),
    h("h2", {}, "Request body"), h("pre", {}, pretty(chosen.requestBody || "") || "(empty)"),
    h("h2", {}, "Response headers"), h("pre", {}, headers(chosen.responseHeaders)),
    h("h2", {}, "Response body"), h("pre", { class: chosen.status >= 400 ? "error" : "", id: "response-body" }, pretty(chosen.responseBody || "") || "(empty)"));
  return h("div", { class: "split" }, table, detail);
}

function webhooksTab(S) {
  if (!S.deliveries.size) return h("p", { class: "empty" }, "No webhook deliveries yet.");
  return h("table", { id: "webhooks" },
    h("thead", {}, h("tr", {}, ...["event", "mirror", "endpoint", "attempts", "signature"].map((c) => h("th", {}, c)))),
    h("tbody", {}, ...[...S.deliveries.entries()].reverse().map(([deliveryId, d]) => h("tr", { "data-delivery": deliveryId, "data-type": d.type },
      h("td", {}, h("strong", {}, d.type), h("div", { class: "meta mono" }, d.objectId || "")),
      h("td", {}, d.mirror), h("td", { class: "mono" }, d.url),
      h("td", {}, ...d.attempts.map((a) => h("div", {}, `#${a.attempt} `, h("span", { class: `status ${a.status >= 200 && a.status < 300 ? "ok" : "error"}` }, a.status ?? "no answer"), ` ${a.at.slice(11, 19)}`))),
      h("td", { class: "mono" }, h("pre", {}, d.attempts.at(-1).signature))))));
}

function objectIndex(S) {
  const index = new Map();
  for (const [mirror, state] of Object.entries(S.states)) {
    for (const [kind, objects] of Object.entries(kindsOf(state))) {
      for (const obj of objects) if (objectId(obj)) index.set(String(objectId(obj)), { mirror, kind, obj });
    }
  }
  return index;
}

function stateTab(S, render) {
  const index = objectIndex(S);
  const open = (target) => {
    const found = index.get(target);
    if (!found) return;
    Object.assign(S, { tab: "state", mirror: found.mirror, kind: found.kind, objectId: target });
    document.querySelectorAll(".tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === "state"));
    render();
  };
  const mirrorButtons = h("div", { class: "row" }, ...Object.keys(S.states).map((m) =>
    h("button", { class: m === S.mirror ? "" : "quiet", "data-mirror": m, onclick: () => { S.mirror = m; S.kind = null; S.objectId = null; render(); } }, m)));
  const kinds = kindsOf(S.states[S.mirror]);
  const kindNames = Object.keys(kinds).sort();
  if (!S.kind || !kinds[S.kind]) S.kind = kindNames.find((k) => kinds[k].length) || kindNames[0];
  const objects = kinds[S.kind] || [];
  const chosen = objects.find((o) => String(objectId(o)) === S.objectId) || null;
  const label = (o) => [objectId(o), o.email || o.name || o.subject || o.to || o.status || ""].filter(Boolean).join(" · ");
  return h("div", {},
    mirrorButtons,
    h("div", { class: "kinds", style: "margin-top:.6rem" },
      h("div", { class: "list", id: "kinds" }, ...kindNames.map((k) => h("button", { class: k === S.kind ? "active" : "", "data-kind": k,
        onclick: () => { S.kind = k; S.objectId = null; render(); } }, `${k} (${kinds[k].length})`))),
      h("div", { class: "split" },
        h("div", { class: "list", id: "objects" }, objects.length ? objects.map((o) => h("button", {
          class: String(objectId(o)) === S.objectId ? "active" : "", "data-object": objectId(o),
          onclick: () => { S.objectId = String(objectId(o)); render(); } }, label(o))) : h("p", { class: "empty", style: "padding:.6rem" }, "No objects of this kind.")),
        h("div", { id: "object" }, chosen ? jsonView(chosen, index, open) : h("p", { class: "empty" }, "Choose an object.")))));
}

function stripeTab(S, render) {
  const kinds = kindsOf(S.states.stripe);
  const of = (kind) => kinds[kind] || [];
  const open = (target) => { Object.assign(S, { tab: "state", mirror: "stripe", objectId: target, kind: objectIndex(S).get(target)?.kind }); render(); };
  const link = (obj, text) => h("a", { href: "#", onclick: (e) => { e.preventDefault(); open(obj.id); } }, text);
  const money = (amount, currency) => `${(amount / 100).toFixed(2)} ${String(currency || "").toUpperCase()}`;
  const customers = of("customer");
  if (!customers.length) return h("p", { class: "empty" }, "No Stripe customers yet.");
  return h("ul", { class: "tree", id: "stripe-tree" }, ...customers.map((c) => h("li", { "data-customer": c.id },
    link(c, `${c.id}`), ` ${c.email || c.name || ""}`,
    h("ul", { class: "tree" },
      ...of("subscription").filter((s) => s.customer === c.id).map((s) => h("li", {}, "subscription ", link(s, s.id), " ", pill(s.status),
        h("ul", { class: "tree" }, ...of("invoice").filter((i) => i.subscription === s.id || i.parent?.subscription_details?.subscription === s.id)
          .map((i) => h("li", {}, "invoice ", link(i, i.id), " ", pill(i.status), ` ${money(i.amount_due, i.currency)}`))))),
      ...of("invoice").filter((i) => i.customer === c.id && !i.subscription && !i.parent?.subscription_details)
        .map((i) => h("li", {}, "invoice ", link(i, i.id), " ", pill(i.status), ` ${money(i.amount_due, i.currency)}`)),
      ...of("payment_intent").filter((p) => p.customer === c.id).map((p) => h("li", {}, "payment ", link(p, p.id), " ", pill(p.status), ` ${money(p.amount, p.currency)}`)),
      ...of("charge").filter((ch) => ch.customer === c.id && !ch.payment_intent).map((ch) => h("li", {}, "charge ", link(ch, ch.id), " ", pill(ch.status), ` ${money(ch.amount, ch.currency)}`))))));
}

function inboxTab(S, render) {
  const emails = (kindsOf(S.states.resend).emails || kindsOf(S.states.resend).email || []).slice().reverse();
  if (!emails.length) return h("p", { class: "empty" }, "No emails yet.");
  const chosen = emails.find((e) => e.id === S.selected) || null;
  const list = (value) => (Array.isArray(value) ? value.join(", ") : value || "");
  const table = h("table", { id: "inbox" }, h("thead", {}, h("tr", {}, ...["to", "subject", "status", "created"].map((c) => h("th", {}, c)))),
    h("tbody", {}, ...emails.map((e) => h("tr", { class: `clickable ${e.id === S.selected ? "selected" : ""}`, "data-email": e.id,
      onclick: () => { S.selected = e.id; render(); } },
    h("td", {}, list(e.to)), h("td", {}, e.subject || "(no subject)"), h("td", {}, pill(e.last_event || e.status || "")), h("td", {}, age(e.created_at) + " ago")))));
  if (!chosen) return table;
  const history = chosen.history || chosen.events || [];
  const detail = h("div", { id: "email" },
    h("h2", {}, chosen.subject || "(no subject)"),
    h("div", { class: "meta" }, `from ${chosen.from} · to ${list(chosen.to)}`, chosen.cc ? ` · cc ${list(chosen.cc)}` : "", chosen.bcc ? ` · bcc ${list(chosen.bcc)}` : ""),
    chosen.html ? h("iframe", { class: "mail", sandbox: "", title: "rendered email", srcdoc: chosen.html }) : null,
    h("h2", {}, "Text"), h("pre", {}, chosen.text || "(none)"),
    h("h2", {}, "History"), h("ul", { id: "email-history" }, ...history.map((entry) =>
      h("li", {}, typeof entry === "string" ? entry : `${entry.type || entry.event || ""} ${entry.recipient || entry.email || ""} ${entry.at || entry.created_at || ""}`))),
    h("h2", {}, "Recipients"), jsonView(chosen.recipients || chosen.to, new Map(), () => {}));
  return h("div", { class: "split" }, table, detail);
}

function messagesTab(S, render) {
  const messages = kindsOf(S.states.twilio).message || [];
  if (!messages.length) return h("p", { class: "empty" }, "No messages yet.");
  const conversations = new Map();
  for (const m of messages) {
    const key = [m.from, m.to].sort().join(" ↔ ");
    if (!conversations.has(key)) conversations.set(key, []);
    conversations.get(key).push(m);
  }
  const keys = [...conversations.keys()];
  if (!conversations.has(S.selected)) S.selected = keys[0];
  const thread = conversations.get(S.selected).slice().sort((a, b) => Date.parse(a.date_created) - Date.parse(b.date_created));
  return h("div", { class: "kinds" },
    h("div", { class: "list", id: "conversations" }, ...keys.map((k) => h("button", { class: k === S.selected ? "active" : "", onclick: () => { S.selected = k; render(); } }, `${k} (${conversations.get(k).length})`))),
    h("div", { class: "chat", id: "conversation" }, ...thread.map((m) => h("div", { class: `bubble ${String(m.direction).startsWith("outbound") ? "out" : "in"}`, "data-sid": m.sid },
      h("div", {}, m.body), h("div", { class: "meta" }, `${m.from} → ${m.to} · `, pill(m.status), ` ${m.error_code ? `error ${m.error_code} · ` : ""}${m.date_created || ""}`)))));
}

function eventsTab(S) {
  if (!S.events.length) return h("p", { class: "empty" }, "No events yet.");
  return h("table", { id: "events" }, h("thead", {}, h("tr", {}, ...["#", "type", "mirror", "summary"].map((c) => h("th", {}, c)))),
    h("tbody", {}, ...S.events.slice(-300).reverse().map((e) => h("tr", {},
      h("td", {}, e.seq), h("td", {}, e.type), h("td", {}, e.mirror || ""),
      h("td", { class: "mono" }, summary(e))))));
}

function summary(e) {
  switch (e.type) {
    case "traffic.request_completed": return `${e.method} ${e.path} → ${e.status}`;
    case "webhook.dispatched": return `${e.type} → ${e.url} (${e.status ?? "no answer"}, attempt ${e.attempt})`;
    case "state.changed": return `${e.entity} ${e.entityId} ${e.before && e.after ? "changed" : e.after ? "created" : "deleted"}`;
    case "evaluation.criterion_graded": return `${e.runId} run ${e.run}: ${e.label} → ${e.result}`;
    default: return e.action || "";
  }
}

// ---------- runs ----------

async function runsView() {
  const runs = (await api("GET", "/v1/runs")).data;
  view.append(h("h1", {}, "Scenario runs"), runs.length ? h("table", { id: "runs" },
    h("thead", {}, h("tr", {}, ...["scenario", "status", "verdict", "score", "runs", "started"].map((c) => h("th", {}, c)))),
    h("tbody", {}, ...runs.map((r) => h("tr", { class: "clickable", "data-run": r.runId, onclick: () => { location.hash = `#/runs/${r.runId}`; } },
      h("td", {}, h("a", { href: `#/runs/${r.runId}` }, r.scenario.title)), h("td", {}, r.status), h("td", {}, r.verdict ? pill(r.verdict) : "–"),
      h("td", {}, r.satisfactionScore ?? "–"), h("td", {}, r.runs), h("td", {}, `${age(r.startedAt)} ago`)))))
    : h("p", { class: "empty" }, "No runs yet: mirra run scenario.md"));
  return () => {};
}

async function runView(runId) {
  let stopped = false;
  let revision = -1;
  const follow = async () => {
    while (!stopped) {
      const run = await api("GET", `/v1/runs/${runId}?after=${revision}&wait=${revision < 0 ? 0 : 10}`);
      revision = run.revision ?? 0;
      view.replaceChildren(
        h("h1", {}, run.scenario.title, " ", run.verdict ? pill(run.verdict) : pill(run.status)),
        h("div", { class: "meta" }, `${run.runId} · ${run.runs} run(s) · score ${run.satisfactionScore ?? "n/a"} (threshold ${run.threshold}) · judge ${run.judge || "none"} · ${(run.durationMs / 1000).toFixed(1)} s`),
        h("ul", {}, ...(run.verdictReasons || []).map((reason) => h("li", {}, reason))),
        h("table", { id: "criteria" }, h("thead", {}, h("tr", {}, ...["criterion", "kind", "passed", "failed", "ungraded"].map((c) => h("th", {}, c)))),
          h("tbody", {}, ...run.criteria.map((c) => h("tr", {}, h("td", {}, c.label), h("td", {}, c.kind === "check" ? "[D]" : "[P]"),
            h("td", { class: "status ok" }, c.passed), h("td", { class: c.failed ? "status error" : "" }, c.failed), h("td", {}, c.ungraded))))),
        ...run.results.map((r) => h("div", {},
          h("h2", {}, `Run ${r.run} `, pill(r.status), " ", h("a", { href: `#/sessions/${r.sessionId}` }, r.sessionId)),
          h("div", { class: "meta" }, r.timedOut ? "timed out" : r.exitCode === undefined ? "" : `exit code ${r.exitCode}`, r.error ? ` · ${r.error}` : ""),
          h("ul", {}, ...r.criteria.map((g) => h("li", {}, pill(g.result), ` ${g.label} `, h("span", { class: "meta" }, g.reason)))),
          r.output ? h("details", {}, h("summary", {}, "output"), h("pre", {}, r.output)) : null)));
      if (run.status === "complete") break;
    }
  };
  follow().catch((error) => { if (!stopped) view.replaceChildren(h("p", { class: "empty" }, error.message)); });
  return () => { stopped = true; };
}

// ---------- start ----------

document.getElementById("logout").addEventListener("click", async () => {
  await fetch("/logout", { method: "POST", headers: { "X-Mirra-Dashboard": "1" }, credentials: "same-origin" });
  location.href = "/login";
});
window.addEventListener("hashchange", route);
route();
