// The sandbox page: renders the fake workspace's conversations from Block Kit and acts as the chosen demo user
// through the JSON API (/sandbox/api/...). No framework, no build step, nothing from the network.
"use strict";

const state = { users: [], convs: [], teams: [], acting: "", conv: "", view: "messages", now: null,
  msgKey: "", viewKey: "", homeKey: "", busy: false };
const TZ = "Europe/Amsterdam";
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const res = await fetch(path, opts);
  // The sandbox was restarted (a new token) or the page was opened without the link from the terminal: loading
  // the page again shows the page that says which link to open.
  if (res.status === 401 || res.status === 403) { location.reload(); throw new Error("geen toegang"); }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw new Error((data && data.error) || ("HTTP " + res.status));
  return data;
}

function toast(text, isError) {
  const t = $("toast");
  t.textContent = text; t.className = isError ? "error" : ""; t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, isError ? 6000 : 3000);
}

function esc(s) {
  return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// channelName shows <#C…> as Slack does: by the channel's name.
function channelName(id) {
  const c = state.convs.find((c) => c.id === id && c.kind === "channel");
  return c ? c.name : id;
}

function userName(id) {
  const u = state.users.find((u) => u.id === id);
  return u ? u.name : id;
}

function fmt(date, opts) {
  return new Intl.DateTimeFormat("nl-NL", Object.assign({ timeZone: TZ }, opts)).format(date);
}
const fmtLong = (d) => fmt(d, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
const fmtShort = (d) => fmt(d, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const tsDate = (ts) => new Date(parseFloat(ts) * 1000);

// ---- Slack mrkdwn -> HTML -------------------------------------------------------------------------------------

function mrkdwn(src) {
  const links = [];
  let s = String(src || "").replace(/<([^<>\s|][^<>|]*)(?:\|([^<>]*))?>/g, (m, target, label) => {
    links.push([target, label]);
    return "\u0000" + (links.length - 1) + "\u0000";
  });
  s = s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  s = esc(s);
  const codes = [];
  s = s.replace(/```([\s\S]*?)```/g, (m, c) => { codes.push("<pre>" + c.replace(/^\n/, "") + "</pre>"); return "\u0001" + (codes.length - 1) + "\u0001"; });
  s = s.replace(/`([^`\n]+)`/g, (m, c) => { codes.push("<code>" + c + "</code>"); return "\u0001" + (codes.length - 1) + "\u0001"; });
  const pre = "(^|[\\s(\\[{\"'\u0000>])", post = "(?=$|[\\s.,;:!?)\\]}\"'\u0000<])";
  s = s.replace(new RegExp(pre + "\\*(?!\\s)([^*\\n]*?\\S)\\*" + post, "g"), "$1<b>$2</b>");
  s = s.replace(new RegExp(pre + "_(?!\\s)([^_\\n]*?\\S)_" + post, "g"), "$1<i>$2</i>");
  s = s.replace(new RegExp(pre + "~(?!\\s)([^~\\n]*?\\S)~" + post, "g"), "$1<s>$2</s>");
  // Lines: quotes and lists become blocks; other lines keep their breaks.
  const out = [];
  let list = null, quote = [];
  const flushQuote = () => { if (quote.length) { out.push("<blockquote>" + quote.join("<br>") + "</blockquote>"); quote = []; } };
  const flushList = () => { if (list) { out.push("<" + list.tag + ">" + list.items.map((i) => "<li>" + i + "</li>").join("") + "</" + list.tag + ">"); list = null; } };
  for (const line of s.split("\n")) {
    let m;
    if ((m = line.match(/^&gt;\s?(.*)$/))) { flushList(); quote.push(m[1]); continue; }
    flushQuote();
    if ((m = line.match(/^\s*(?:[•◦▪\-*])\s+(.*)$/))) {
      if (!list || list.tag !== "ul") { flushList(); list = { tag: "ul", items: [] }; }
      list.items.push(m[1]); continue;
    }
    if ((m = line.match(/^\s*\d+[.)]\s+(.*)$/))) {
      if (!list || list.tag !== "ol") { flushList(); list = { tag: "ol", items: [] }; }
      list.items.push(m[1]); continue;
    }
    flushList();
    out.push(line + "\n");
  }
  flushQuote(); flushList();
  s = out.join("").replace(/\n+$/, "").replace(/\n/g, "<br>");
  s = s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
  s = s.replace(/\u0001(\d+)\u0001/g, (m, i) => codes[+i]);
  s = s.replace(/\u0000(\d+)\u0000/g, (m, i) => {
    const [target, label] = links[+i];
    if (target.startsWith("@")) return "<b>@" + esc(userName(target.slice(1))) + "</b>";
    if (target.startsWith("#")) return "<b>#" + esc(label || channelName(target.slice(1))) + "</b>";
    if (target.startsWith("!")) return "<b>@" + esc((label || target.slice(1)).replace(/^subteam\^\w+/, "groep")) + "</b>";
    const href = /^(https?:|mailto:)/i.test(target) ? target : "#";
    return '<a href="' + esc(href) + '" target="_blank" rel="noopener">' + esc(label || target) + "</a>";
  });
  return s;
}

// The emoji shortcodes the bot's texts use, and a few common ones; others stay as written.
const EMOJI = { link: "🔗", calendar: "📅", round_pushpin: "📍", school_satchel: "🎒", white_check_mark: "✅",
  heavy_check_mark: "✔️", books: "📚", book: "📖", memo: "📝", pencil: "✏️", bell: "🔔", wave: "👋", tada: "🎉",
  clock1: "🕐", alarm_clock: "⏰", bulb: "💡", star: "⭐", warning: "⚠️", speech_balloon: "💬", busts_in_silhouette: "👥",
  bar_chart: "📊", chart_with_upwards_trend: "📈", lock: "🔒", mag: "🔍", page_facing_up: "📄", clipboard: "📋",
  hourglass: "⏳", point_right: "👉", seedling: "🌱", sparkles: "✨", thumbsup: "👍", "+1": "👍", dart: "🎯",
  house: "🏠", hand: "✋", raised_hand: "✋", question: "❓", exclamation: "❗", inbox_tray: "📥", outbox_tray: "📤" };

function textObj(t) {
  if (!t) return "";
  return t.type === "mrkdwn" ? mrkdwn(t.text) : esc(t.text).replace(/\n/g, "<br>");
}

function plain(t) { return t ? t.text || "" : ""; }

// ---- Block Kit -> DOM -------------------------------------------------------------------------------------------

// ctx: {kind: "message"|"modal"|"home", ts, viewId, errors}
function renderBlocks(blocks, ctx) {
  const wrap = document.createElement("div");
  wrap.className = "blocks";
  for (const b of blocks || []) {
    const el = renderBlock(b, ctx);
    if (el) wrap.appendChild(el);
  }
  return wrap;
}

function html(tag, cls, inner) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (inner != null) el.innerHTML = inner;
  return el;
}

function renderBlock(b, ctx) {
  switch (b.type) {
    case "header": return html("div", "bk-header", esc(plain(b.text)));
    case "divider": return html("hr", "bk-divider");
    case "section": {
      const el = html("div", "bk-section");
      const body = html("div", "text");
      if (b.text) body.innerHTML = textObj(b.text);
      if (b.fields && b.fields.length) {
        const f = html("div", "bk-fields");
        for (const fld of b.fields) f.appendChild(html("div", "", textObj(fld)));
        body.appendChild(f);
      }
      el.appendChild(body);
      if (b.accessory) { const a = renderElement(b.accessory, b, ctx); if (a) el.appendChild(a); }
      return el;
    }
    case "context": {
      const el = html("div", "bk-context");
      for (const e of b.elements || []) {
        if (e.type === "image") { const img = document.createElement("img"); img.src = e.image_url; img.alt = e.alt_text || ""; el.appendChild(img); }
        else el.appendChild(html("span", "text", textObj(e)));
      }
      return el;
    }
    case "image": {
      const el = html("figure", "bk-image");
      el.style.margin = "4px 0";
      if (b.title) el.appendChild(html("div", "title", esc(plain(b.title))));
      const img = document.createElement("img"); img.src = b.image_url || (b.slack_file && b.slack_file.url) || ""; img.alt = b.alt_text || "";
      el.appendChild(img);
      return el;
    }
    case "actions": {
      const el = html("div", "bk-actions");
      for (const e of b.elements || []) { const x = renderElement(e, b, ctx); if (x) el.appendChild(x); }
      return el;
    }
    case "input": return renderInput(b, ctx);
    case "rich_text": return html("div", "text", esc(richText(b)).replace(/\n/g, "<br>"));
    default: return html("div", "muted small", esc("[" + b.type + "]"));
  }
}

function richText(b) {
  const walk = (n) => (n.text || "") + (n.elements || []).map(walk).join("") + (n.type === "rich_text_section" ? "\n" : "");
  return walk(b).trim();
}

function optionsOf(e) {
  if (e.option_groups) return e.option_groups.flatMap((g) => g.options || []);
  return e.options || [];
}

function renderElement(e, block, ctx) {
  const act = (value) => sendAction(e.action_id, value, ctx);
  switch (e.type) {
    case "button": {
      const btn = html("button", "bk-btn" + (e.style ? " " + e.style : ""), esc(plain(e.text)));
      btn.type = "button";
      btn.dataset.actionId = e.action_id;
      if (e.value != null) btn.dataset.value = e.value;
      btn.addEventListener("click", async () => {
        if (e.url) window.open(e.url, "_blank", "noopener");
        btn.disabled = true;
        try { await act(e.value || ""); } finally { btn.disabled = false; }
      });
      return btn;
    }
    case "static_select": case "overflow": case "radio_buttons": {
      if (ctx.kind === "modal" && block.type === "input") return null;
      const sel = html("select", "bk-select");
      sel.dataset.actionId = e.action_id;
      const ph = document.createElement("option");
      ph.value = ""; ph.textContent = e.type === "overflow" ? "⋯" : (plain(e.placeholder) || "Kies…"); ph.disabled = true;
      sel.appendChild(ph);
      for (const o of optionsOf(e)) {
        const opt = document.createElement("option"); opt.value = o.value; opt.textContent = plain(o.text); sel.appendChild(opt);
      }
      sel.value = e.initial_option ? e.initial_option.value : "";
      sel.addEventListener("change", () => act(sel.value));
      return sel;
    }
    case "datepicker": case "timepicker": {
      const inp = document.createElement("input");
      inp.type = e.type === "datepicker" ? "date" : "time"; inp.className = "bk-select";
      inp.value = e.initial_date || e.initial_time || "";
      inp.dataset.actionId = e.action_id;
      inp.addEventListener("change", () => act(inp.value));
      return inp;
    }
    case "image": { const img = document.createElement("img"); img.src = e.image_url; img.alt = e.alt_text || ""; img.style.width = "72px"; img.style.borderRadius = "6px"; return img; }
    default: return html("span", "muted small", esc("[" + e.type + "]"));
  }
}

function renderInput(b, ctx) {
  const el = html("div", "bk-input");
  const e = b.element || {};
  el.dataset.blockId = b.block_id;
  el.dataset.actionId = e.action_id;
  el.dataset.type = e.type;
  const id = "in-" + b.block_id + "-" + e.action_id;
  const lbl = html("label", "lbl", esc(plain(b.label)) + (b.optional ? ' <span class="optional">(optioneel)</span>' : ""));
  lbl.htmlFor = id;
  el.appendChild(lbl);
  let field;
  switch (e.type) {
    case "plain_text_input":
      field = document.createElement(e.multiline ? "textarea" : "input");
      if (!e.multiline) field.type = "text";
      field.value = e.initial_value || "";
      if (e.placeholder) field.placeholder = plain(e.placeholder);
      if (e.max_length) field.maxLength = e.max_length;
      // An input that dispatches while typing (dispatch_action, on_character_entered) is sent as Slack does:
      // once the typing pauses.
      if (b.dispatch_action && ((e.dispatch_action_config || {}).trigger_actions_on || []).includes("on_character_entered")) {
        let timer = null;
        field.addEventListener("input", () => {
          clearTimeout(timer);
          timer = setTimeout(() => typed(ctx.viewId, b.block_id, e.action_id, field.value), 600);
        });
      }
      break;
    case "number_input":
      field = document.createElement("input"); field.type = "number"; field.value = e.initial_value || "";
      field.step = e.is_decimal_allowed ? "any" : "1";
      break;
    case "datepicker": field = document.createElement("input"); field.type = "date"; field.value = e.initial_date || ""; break;
    case "timepicker": field = document.createElement("input"); field.type = "time"; field.value = e.initial_time || ""; break;
    case "static_select": {
      field = document.createElement("select");
      const ph = document.createElement("option"); ph.value = ""; ph.textContent = plain(e.placeholder) || "Kies…"; field.appendChild(ph);
      for (const o of optionsOf(e)) { const opt = document.createElement("option"); opt.value = o.value; opt.textContent = plain(o.text); field.appendChild(opt); }
      field.value = e.initial_option ? e.initial_option.value : "";
      break;
    }
    case "radio_buttons": case "checkboxes": {
      field = html("div", "choices");
      const initial = e.type === "checkboxes" ? (e.initial_options || []).map((o) => o.value) : (e.initial_option ? [e.initial_option.value] : []);
      optionsOf(e).forEach((o, i) => {
        const row = html("label", "choice");
        const inp = document.createElement("input");
        inp.type = e.type === "checkboxes" ? "checkbox" : "radio"; inp.name = id; inp.value = o.value; inp.checked = initial.includes(o.value);
        if (i === 0) inp.id = id;
        row.appendChild(inp);
        row.appendChild(html("span", "", textObj(o.text) + (o.description ? '<br><span class="muted small">' + textObj(o.description) + "</span>" : "")));
        field.appendChild(row);
      });
      break;
    }
    default:
      field = html("div", "muted small", esc("[" + e.type + "]"));
  }
  if (field.tagName !== "DIV") field.id = id;
  field.classList.add("field");
  el.appendChild(field);
  if (b.hint) el.appendChild(html("div", "hint", esc(plain(b.hint))));
  const err = ctx.errors && ctx.errors[b.block_id];
  if (err) { el.classList.add("has-error"); el.appendChild(html("div", "error", esc(err))); }
  return el;
}

// The value of an input block as the API takes it: text, option value, "a,b" for checkboxes.
function inputValue(el) {
  const t = el.dataset.type;
  if (t === "radio_buttons") { const c = el.querySelector("input:checked"); return c ? c.value : ""; }
  if (t === "checkboxes") return [...el.querySelectorAll("input:checked")].map((c) => c.value).join(",");
  const f = el.querySelector(".field");
  return f && "value" in f ? f.value : "";
}

function setInputValue(el, v) {
  const t = el.dataset.type;
  if (t === "radio_buttons" || t === "checkboxes") {
    const vals = v.split(",");
    el.querySelectorAll("input").forEach((c) => { c.checked = vals.includes(c.value); });
    return;
  }
  const f = el.querySelector(".field");
  if (f && "value" in f) f.value = v;
}

// ---- actions ----------------------------------------------------------------------------------------------------

async function sendAction(actionId, value, ctx) {
  const body = { user: state.acting, action_id: actionId, value: value };
  if (ctx.kind === "message") { body.conversation = state.conv; body.ts = ctx.ts; } else { body.view_id = ctx.viewId; }
  try {
    await api("POST", "/sandbox/api/action", body);
  } catch (e) {
    toast("Dat lukte niet: " + e.message, true);
  }
  await refreshSoon();
}

// ---- rendering the page -----------------------------------------------------------------------------------------

const colors = ["#2f6f62", "#8a4f7d", "#b5642c", "#3d5a98", "#6b7a2a", "#a23b45", "#4b6b73"];
function avatar(id) {
  const u = state.users.find((u) => u.id === id);
  const name = u ? u.name : id;
  const initials = name.split(/\s+/).filter((w) => w && w[0] === w[0].toUpperCase()).map((w) => w[0]).slice(0, 2).join("") || name.slice(0, 1);
  let h = 0; for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const el = html("div", "avatar", esc(u && u.role === "bot" ? "G" : initials));
  el.style.background = u && u.role === "bot" ? "#24333a" : colors[h % colors.length];
  return el;
}

function convLabel(c) {
  return c.kind === "channel" ? "# " + c.name : userName(c.user);
}

let sidebarKey = "";
function renderSidebar() {
  // Redrawn only when something in it changed: a redraw between a button's press and release would swallow the click.
  const key = JSON.stringify([state.convs, state.users, state.acting, state.view, state.conv]);
  const team = actingTeam();
  if (key === sidebarKey) return;
  sidebarKey = key;
  const mk = (label, active, onClick, badge) => {
    const li = document.createElement("li");
    const b = html("button", active ? "active" : "", esc(label) + (badge ? '<span class="badge">' + esc(badge) + "</span>" : ""));
    b.type = "button"; b.addEventListener("click", onClick);
    li.appendChild(b); return li;
  };
  const ch = $("channels"), mine = $("mine"), others = $("others");
  ch.innerHTML = ""; mine.innerHTML = ""; others.innerHTML = "";
  for (const c of state.convs.filter((c) => c.kind === "channel" && c.members.includes(state.acting))) {
    const li = mk("# " + c.name, state.view === "messages" && state.conv === c.id, () => openConv(c.id));
    li.firstChild.dataset.conversation = c.id; ch.appendChild(li);
  }
  const dm = state.convs.find((c) => c.kind === "im" && c.user === state.acting);
  if (dm) {
    const li = mk("Berichten", state.view === "messages" && state.conv === dm.id, () => openConv(dm.id));
    li.firstChild.dataset.conversation = dm.id; li.firstChild.id = "nav-dm"; mine.appendChild(li);
  }
  const home = mk("Startpagina (App Home)", state.view === "home", openHome);
  home.firstChild.id = "nav-home"; mine.appendChild(home);
  for (const c of state.convs.filter((c) => c.kind === "im" && c.user !== state.acting)) {
    const u = state.users.find((u) => u.id === c.user);
    if (!u || u.role === "bot" || u.team !== team) continue;
    const li = mk(u.name, false, () => { setActing(u.id, c.id); }, u.role === "trainer" ? "trainer" : "");
    li.firstChild.dataset.conversation = c.id; others.appendChild(li);
  }
}

// actingTeam is the workspace of the one acting: the page shows one workspace at a time.
function actingTeam() {
  const u = state.users.find((u) => u.id === state.acting);
  return u ? u.team : "";
}

// renderTeams fills the workspace switch; choosing another workspace acts as its first person, in their DM.
function renderTeams() {
  const sel = $("team");
  const want = state.teams.map((t) => t.id + ":" + t.name).join("|");
  if (sel.dataset.key !== want) {
    sel.innerHTML = "";
    for (const t of state.teams) {
      const o = document.createElement("option"); o.value = t.id; o.textContent = t.name; sel.appendChild(o);
    }
    sel.dataset.key = want;
  }
  sel.value = actingTeam();
  sel.parentElement.hidden = state.teams.length < 2;
}

function switchTeam(teamId) {
  const first = state.users.find((u) => u.team === teamId && u.role !== "bot");
  if (!first) return;
  const dm = state.convs.find((c) => c.kind === "im" && c.user === first.id);
  setActing(first.id, dm ? dm.id : undefined);
}

function renderActing() {
  renderTeams();
  const sel = $("acting");
  const team = actingTeam();
  const people = state.users.filter((u) => u.role !== "bot" && u.team === team);
  const want = people.map((u) => u.id + ":" + u.name).join("|");
  if (sel.dataset.key !== want) {
    sel.innerHTML = "";
    for (const u of people) {
      const o = document.createElement("option"); o.value = u.id; o.textContent = u.name + (u.role === "trainer" ? " (trainer)" : " (deelnemer)");
      sel.appendChild(o);
    }
    sel.dataset.key = want;
  }
  sel.value = state.acting;
}

function renderHeader() {
  if (state.view === "home") {
    $("conv-title").textContent = "Startpagina van gesprekbot";
    $("conv-sub").textContent = "Zo ziet " + userName(state.acting) + " het tabblad Home van de bot.";
    return;
  }
  const c = state.convs.find((c) => c.id === state.conv);
  if (!c) return;
  if (c.kind === "channel") {
    $("conv-title").textContent = "# " + c.name;
    $("conv-sub").textContent = c.members.length + " leden: " + c.members.map(userName).join(", ");
  } else {
    $("conv-title").textContent = "gesprekbot";
    $("conv-sub").textContent = "Privéberichten tussen gesprekbot en " + userName(c.user) + ".";
  }
}

function renderMessages(msgs) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  box.innerHTML = "";
  if (!msgs.length) {
    box.appendChild(html("div", "empty", "Nog geen berichten. Zet de klok verder (rechts) om de eerste levering te zien, of typ een opdracht."));
    return;
  }
  let lastDay = "";
  for (const m of msgs) {
    const d = tsDate(m.ts);
    const day = fmt(d, { weekday: "long", day: "numeric", month: "long" });
    if (day !== lastDay) { box.appendChild(html("div", "bk-context", '<hr class="bk-divider" style="flex:1"><span>' + esc(day) + '</span><hr class="bk-divider" style="flex:1">')); lastDay = day; }
    const row = html("div", "msg" + (m.ephemeral ? " ephemeral" : ""));
    row.dataset.ts = m.ts;
    row.appendChild(avatar(m.user));
    const body = html("div", "");
    const head = html("div", "msg-head");
    head.appendChild(html("span", "name", esc(userName(m.user))));
    if (state.users.find((u) => u.id === m.user && u.role === "bot")) head.appendChild(html("span", "tag", "app"));
    head.appendChild(html("span", "time", esc(fmt(d, { hour: "2-digit", minute: "2-digit" }))));
    if (m.ephemeral) head.appendChild(html("span", "tag", "alleen zichtbaar voor jou"));
    body.appendChild(head);
    if (m.blocks && m.blocks.length) body.appendChild(renderBlocks(m.blocks, { kind: "message", ts: m.ts }));
    else body.appendChild(html("div", "text", mrkdwn(m.text)));
    if (m.edited) body.appendChild(html("span", "edited", "(bijgewerkt)"));
    if (m.files && m.files.length) {
      const fl = html("div", "files");
      for (const f of m.files) {
        const a = html("a", "file", "📄 " + esc(f.name) + ' <span class="muted small">' + esc(f.mimetype) + "</span>");
        a.href = f.url; a.target = "_blank"; fl.appendChild(a);
      }
      body.appendChild(fl);
    }
    row.appendChild(body);
    box.appendChild(row);
  }
  // A reply only the user sees answers something they just did: bring it into view even when they scrolled up
  // to click a button in an older message, from its top when it is longer than the window (a whole plan).
  const eph = msgs.filter((m) => m.ephemeral).map((m) => m.ts).pop() || "";
  const newEph = renderMessages.seen && eph && eph !== renderMessages.lastEph;
  renderMessages.lastEph = eph;
  const ephEl = newEph && box.querySelector('.msg[data-ts="' + eph + '"]');
  if (ephEl) ephEl.scrollIntoView({ block: ephEl.offsetHeight > box.clientHeight ? "start" : "nearest" });
  else if (atBottom || !renderMessages.seen) box.scrollTop = box.scrollHeight;
  renderMessages.seen = true;
}

function renderHome(views) {
  const home = views.find((v) => v.type === "home");
  const key = home ? home.view_id + JSON.stringify(home.blocks) : "none";
  if (state.homeKey === key) return;
  state.homeKey = key;
  const box = $("messages");
  box.innerHTML = "";
  if (!home) { box.appendChild(html("div", "empty", "De bot heeft nog geen startpagina voor " + esc(userName(state.acting)) + " gemaakt.")); return; }
  const wrap = html("div", "home"); wrap.dataset.viewId = home.view_id;
  wrap.appendChild(renderBlocks(home.blocks, { kind: "home", viewId: home.view_id }));
  box.appendChild(wrap);
}

function renderModal(views) {
  const modals = views.filter((v) => v.type === "modal");
  const top = modals[modals.length - 1];
  const back = $("modal-backdrop");
  if (!top) { back.hidden = true; state.viewKey = ""; return; }
  const key = top.view_id + JSON.stringify(top.blocks) + JSON.stringify(top.errors || {});
  if (state.viewKey === key && !back.hidden) return;
  // Keep what the user typed when the same modal comes back with errors.
  const kept = {};
  const fresh = back.hidden || back.dataset.viewId !== top.view_id;
  if (!fresh) {
    for (const el of $("modal-body").querySelectorAll(".bk-input")) kept[el.dataset.blockId + "/" + el.dataset.actionId] = inputValue(el);
  }
  state.viewKey = key;
  back.dataset.viewId = top.view_id;
  $("modal-title").textContent = top.title;
  const body = $("modal-body"); body.innerHTML = "";
  body.appendChild(renderBlocks(top.blocks, { kind: "modal", viewId: top.view_id, errors: top.errors || {} }));
  for (const el of body.querySelectorAll(".bk-input")) {
    const k = el.dataset.blockId + "/" + el.dataset.actionId;
    if (k in kept) setInputValue(el, kept[k]);
  }
  $("modal-submit").textContent = top.submit || "Versturen";
  $("modal-submit").hidden = !top.submit;
  $("modal-close").textContent = top.close || "Annuleren";
  back.hidden = false;
  // A new modal opens at its top, as in Slack, with the cursor in its first field; after a refused submit the
  // first field with an error comes into view.
  const wrong = body.querySelector(".bk-input.has-error");
  if (fresh) {
    body.scrollTop = 0;
    const first = body.querySelector("input, textarea, select");
    if (first) first.focus({ preventScroll: true });
  } else if (wrong) {
    wrong.scrollIntoView({ block: "nearest" });
    const f = wrong.querySelector("input, textarea, select");
    if (f) f.focus({ preventScroll: true });
  }
}

async function submitModal(ev) {
  ev.preventDefault();
  const viewId = $("modal-backdrop").dataset.viewId;
  const values = {};
  for (const el of $("modal-body").querySelectorAll(".bk-input")) {
    const v = inputValue(el);
    // A choice left open is sent as Slack sends it: no selected option (null), not an option "".
    if (v === "" && (el.dataset.type === "radio_buttons" || el.dataset.type === "static_select")) continue;
    (values[el.dataset.blockId] = values[el.dataset.blockId] || {})[el.dataset.actionId] = v;
  }
  $("modal-submit").disabled = true;
  try {
    const res = await api("POST", "/sandbox/api/views/submit", { user: state.acting, view_id: viewId, values });
    if (res.response_action === "errors") toast("Niet alles is goed ingevuld; kijk bij de rode meldingen.", true);
    else $("toast").hidden = true; // an earlier "not filled in" is answered now
  } catch (e) { toast("Versturen lukte niet: " + e.message, true); }
  finally { $("modal-submit").disabled = false; }
  await refresh();
}

async function typed(viewId, blockId, actionId, value) {
  try { await api("POST", "/sandbox/api/views/type", { user: state.acting, view_id: viewId, block_id: blockId, action_id: actionId, value }); }
  catch (e) { toast(e.message, true); }
  await refreshSoon();
}

async function closeModal() {
  const values = {};
  for (const el of $("modal-body").querySelectorAll(".bk-input")) {
    if (el.dataset.type !== "plain_text_input") continue;
    (values[el.dataset.blockId] = values[el.dataset.blockId] || {})[el.dataset.actionId] = inputValue(el);
  }
  try { await api("POST", "/sandbox/api/views/close", { user: state.acting, view_id: $("modal-backdrop").dataset.viewId, values }); }
  catch (e) { toast(e.message, true); }
  await refresh();
}

let upcomingKey = "";
function renderClock(clock) {
  const now = fmtLong(new Date(clock.now));
  if ($("now").textContent !== now) $("now").textContent = now;
  $("clock-next").disabled = state.busy || !clock.upcoming.length;
  // Redrawn only when the plan changed, not at every poll: each redraw repaints the page.
  const key = JSON.stringify([clock.upcoming, state.users]);
  if (key === upcomingKey) return;
  upcomingKey = key;
  const ol = $("upcoming"); ol.innerHTML = "";
  if (!clock.upcoming.length) { ol.appendChild(html("li", "muted", "Er staat niets meer gepland.")); }
  const audience = { channel: "in het kanaal", participants: "aan elke deelnemer", participant: "aan één deelnemer", trainers: "aan de trainers" };
  // With more than one training in the workspace the same message is planned for each; say for which.
  const several = new Set(clock.upcoming.map((u) => u.cohort_id)).size > 1;
  for (const u of clock.upcoming) {
    const li = document.createElement("li");
    li.innerHTML = '<div class="when">' + esc(fmtShort(new Date(u.due_at))) + "</div><div>" + esc(u.title || u.kind) +
      (u.module ? " <span class=\"muted\">· module " + u.module + "</span>" : "") + '</div><div class="who">' +
      esc((audience[u.audience] || u.audience) + (u.recipient ? " (" + userName(u.recipient) + ")" : "") +
        (several ? " · " + u.cohort : "")) + "</div>";
    ol.appendChild(li);
  }
}

async function moveClock(body) {
  state.busy = true;
  for (const b of document.querySelectorAll(".clock-buttons button, #clock-pick button")) b.disabled = true;
  $("clock-result").textContent = "De klok loopt…";
  try {
    const res = await api("POST", "/sandbox/api/clock", body);
    $("clock-result").textContent = "Nu: " + fmtShort(new Date(res.now)) + " · " +
      (res.delivered === 1 ? "1 bericht bezorgd" : res.delivered + " berichten bezorgd");
  } catch (e) {
    $("clock-result").textContent = "";
    toast("De klok verzetten lukte niet: " + e.message, true);
  } finally {
    state.busy = false;
    for (const b of document.querySelectorAll(".clock-buttons button, #clock-pick button")) b.disabled = false;
  }
  await refresh();
}

// ---- navigation -------------------------------------------------------------------------------------------------

function openConv(id) {
  state.view = "messages"; state.conv = id; state.msgKey = ""; state.homeKey = ""; renderMessages.seen = false;
  save(); refresh();
}

async function openHome() {
  state.view = "home"; state.homeKey = ""; save();
  try { await api("POST", "/sandbox/api/home", { user: state.acting }); } catch (e) { toast(e.message, true); }
  refresh();
}

function setActing(userId, convId) {
  state.acting = userId;
  const dm = state.convs.find((c) => c.kind === "im" && c.user === userId);
  if (convId) state.conv = convId;
  else if (state.view === "messages") {
    const cur = state.convs.find((c) => c.id === state.conv);
    if (!cur || !cur.members.includes(userId)) state.conv = dm ? dm.id : state.conv;
  }
  if (convId) state.view = "messages";
  state.msgKey = ""; state.homeKey = ""; state.viewKey = ""; renderMessages.seen = false;
  save();
  if (state.view === "home") openHome(); else refresh();
}

function save() {
  try { localStorage.setItem("sandbox", JSON.stringify({ acting: state.acting, conv: state.conv, view: state.view })); } catch (e) { /* private mode */ }
}

function load() {
  try { Object.assign(state, JSON.parse(localStorage.getItem("sandbox") || "{}")); } catch (e) { /* ignore */ }
}

// ---- refresh loop -----------------------------------------------------------------------------------------------

// One round at a time; asking during a round (after a click) runs one more round after it, so that what the click
// changed shows at once rather than at the next poll.
let refreshing = null, refreshAgain = false;
async function refresh() {
  if (refreshing) { refreshAgain = true; return refreshing; }
  refreshing = (async () => {
    try {
      const st = await api("GET", "/sandbox/api/state");
      state.users = st.users; state.convs = st.conversations; state.teams = st.teams || [];
      const people = st.users.filter((u) => u.role !== "bot");
      if (!people.find((u) => u.id === state.acting)) {
        const first = people.find((u) => u.role !== "trainer") || people[0];
        state.acting = first ? first.id : "";
      }
      if (!state.convs.find((c) => c.id === state.conv && c.members.includes(state.acting))) {
        const dm = state.convs.find((c) => c.kind === "im" && c.user === state.acting);
        state.conv = dm ? dm.id : (state.convs[0] || {}).id;
      }
      renderActing(); renderSidebar(); renderHeader();
      // What is fetched is for who and where the user was when this round started; a click on another person or
      // conversation meanwhile waits for the next round rather than showing the old answer under the new title.
      const acting = state.acting, conv = state.conv, view = state.view;
      const current = () => acting === state.acting && conv === state.conv && view === state.view;
      const [clock, views] = await Promise.all([api("GET", "/sandbox/api/clock"), api("GET", "/sandbox/api/views?user=" + encodeURIComponent(acting))]);
      renderClock(clock);
      const box = $("messages");
      if (view === "home") {
        if (current()) { state.msgKey = ""; renderHome(views); box.dataset.shown = "home/" + acting; }
      } else {
        const msgs = await api("GET", "/sandbox/api/messages?conversation=" + encodeURIComponent(conv) + "&user=" + encodeURIComponent(acting));
        const key = conv + "/" + acting + JSON.stringify(msgs);
        if (current() && key !== state.msgKey) { state.msgKey = key; renderMessages(msgs); box.dataset.shown = conv + "/" + acting; }
      }
      if (acting === state.acting) renderModal(views);
      document.body.dataset.ready = "1";
    } catch (e) {
      $("now").textContent = "geen verbinding met de sandbox";
    } finally {
      refreshing = null;
      if (refreshAgain) { refreshAgain = false; refresh(); }
    }
  })();
  return refreshing;
}

async function refreshSoon() { await refresh(); setTimeout(refresh, 400); }

// ---- wiring -----------------------------------------------------------------------------------------------------

$("acting").addEventListener("change", (e) => setActing(e.target.value));
$("team").addEventListener("change", (e) => switchTeam(e.target.value));
$("composer").addEventListener("submit", async (e) => {
  e.preventDefault();
  const raw = $("command").value.trim();
  if (!raw) return;
  if (!raw.startsWith("/")) { toast("Typ een opdracht die met / begint, bijvoorbeeld /gesprekbot help.", true); return; }
  const sp = raw.indexOf(" ");
  const command = sp < 0 ? raw : raw.slice(0, sp), text = sp < 0 ? "" : raw.slice(sp + 1);
  const conv = state.view === "home" ? (state.convs.find((c) => c.kind === "im" && c.user === state.acting) || {}).id : state.conv;
  $("send").disabled = true;
  try {
    await api("POST", "/sandbox/api/command", { user: state.acting, conversation: conv, command, text });
    $("command").value = "";
  } catch (err) { toast("De opdracht kwam niet aan: " + err.message, true); }
  finally { $("send").disabled = false; }
  await refreshSoon();
});
$("clock-next").addEventListener("click", () => moveClock({ next: true }));
for (const b of document.querySelectorAll("[data-advance]")) b.addEventListener("click", () => moveClock({ advance: b.dataset.advance }));
$("clock-pick").addEventListener("submit", (e) => {
  e.preventDefault();
  const v = $("clock-to").value;
  if (!v) { toast("Kies eerst een datum en tijd.", true); return; }
  const d = new Date(v);
  moveClock({ to: d.toISOString().replace(/\.\d{3}Z$/, "Z") });
});
$("modal-form").addEventListener("submit", submitModal);
$("modal-close").addEventListener("click", closeModal);
$("modal-x").addEventListener("click", closeModal);
document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("modal-backdrop").hidden) closeModal(); });

load();
refresh();
setInterval(refresh, 1000);
