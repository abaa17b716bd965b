// HallGuide kiosk app: the hall's index, search as you type, routes on the floor map,
// idle reset, zh/en, large text, keyboard operation, live changes over /ws/device.
// Pages: /screens/{id} (a screen) and /phone/route?from=…&to=…&lang=… (phone mode).
// Query parameters: lang=en (start in English), idle=N (idle reset after N s instead of
// the screen's idle_reset_seconds; for tests and demos), large=1 (start in large text).
// web/API.md is the server contract.

// link.js (and hmac.js) are imported only when the screen has a key, after the first paint.

const T = {
  home: { zh: "首页", en: "Home" },
  langButton: { zh: "English", en: "中文" },
  langButtonLabel: { zh: "Switch to English", en: "切换到中文" },
  large: { zh: "大字", en: "Large text" },
  searchLabel: { zh: "搜索事项或地点", en: "Search for a service or place" },
  placeholder: { zh: "输入事项、拼音或英文，如 护照 / hz", en: "Type a service, e.g. passport / 护照 / hz" },
  searchHint: { zh: "输入时显示结果；按 Esc 回到首页。", en: "Results appear as you type; Escape goes home." },
  clear: { zh: "清除", en: "Clear" },
  keyboard: { zh: "屏幕键盘", en: "On-screen keyboard" },
  hideKeyboard: { zh: "收起", en: "Hide" },
  space: { zh: "空格", en: "Space" },
  backspace: { zh: "删除", en: "Delete" },
  indexTitle: { zh: "大厅索引", en: "Hall index" },
  facilities: { zh: "公共设施", en: "Facilities" },
  popular: { zh: "常办事项", en: "Popular" },
  results: { zh: "搜索结果", en: "Results" },
  typeToSearch: { zh: "请输入要办的事或要去的地方，可用拼音首字母，如 hz（护照）。", en: "Type what you need, e.g. passport, restroom, or pinyin initials such as hz." },
  keepTyping: { zh: "请继续输入…", en: "Keep typing…" },
  noResults: { zh: "没有找到相关事项。请到咨询导服台询问工作人员。", en: "Nothing found. Please ask the staff at the consultation desk." },
  gotoDesk: { zh: "去咨询导服台", en: "Go to the consultation desk" },
  clarify: { zh: "您要找的是哪一项？", en: "Which one do you mean?" },
  best: { zh: "推荐", en: "Best match" },
  back: { zh: "返回", en: "Back" },
  steps: { zh: "怎么走", en: "Directions" },
  metres: { zh: "米", en: "metres" },
  minutes: { zh: "分钟步行", en: "min walk" },
  leadYes: { zh: "机器人可以带您去", en: "A robot can lead you there" },
  leadNo: { zh: "请按地图步行前往", en: "Please follow the map" },
  closed: { zh: "暂停办理", en: "Closed" },
  opensAt: { zh: "恢复办理", en: "opens" },
  qr: { zh: "扫码在手机上查看路线", en: "Scan to see the route on your phone" },
  here: { zh: "您在这里", en: "You are here" },
  destinationMark: { zh: "目的地", en: "Destination" },
  mapLabel: { zh: "平面图：从您的位置到", en: "Floor map: the route from here to" },
  mapError: { zh: "地图暂时无法显示。", en: "The map cannot be shown right now." },
  loading: { zh: "正在加载…", en: "Loading…" },
  unknownScreen: { zh: "本屏幕未在大厅配置中", en: "This screen is not in the hall's configuration" },
  unavailable: { zh: "暂时无法连接服务器，请稍候或询问工作人员。", en: "Cannot reach the server. Please wait or ask the staff." },
  returning: { zh: "秒后回到首页", en: "s until the home page" },
  askedAtRobot: { zh: "机器人旁的访客查询的路线", en: "Route asked at the robot" },
  displayToast: { zh: "机器人旁有访客查询：", en: "Asked at the robot: " },
  show: { zh: "查看", en: "Show" },
  link: { online: { zh: "实时更新已连接", en: "Live updates connected" },
          connecting: { zh: "正在连接实时更新", en: "Connecting live updates" },
          offline: { zh: "实时更新已断开，正在重连", en: "Live updates offline, reconnecting" },
          refused: { zh: "实时更新被拒绝（密钥错误）", en: "Live updates refused (wrong key)" },
          nokey: { zh: "无实时更新（未配置密钥）", en: "No live updates (no key)" },
          badkey: { zh: "密钥格式错误", en: "Key not understood" } },
  section: { west: { zh: "西厅", en: "West hall" }, east: { zh: "东厅", en: "East hall" },
             atrium: { zh: "中庭", en: "Atrium" }, facilities: { zh: "公共设施", en: "Facilities" } },
};
const HOT = {
  zh: ["护照", "身份证", "社保", "医保", "公积金", "驾驶证", "不动产", "卫生间"],
  en: ["passport", "ID card", "social insurance", "medical insurance", "provident fund", "driving licence", "real estate", "restroom"],
};
const LANG_TAG = { zh: "zh-CN", en: "en" };
const SECTION_ORDER = { west: 1, atrium: 2, east: 3 };

const $ = (id) => document.getElementById(id);
const body = document.body;
const params = new URLSearchParams(location.search);

const st = {
  mode: location.pathname.startsWith("/phone/") ? "phone" : "screen",
  screenId: null, station: null, screen: null, hall: null,
  defaultLang: params.get("lang") === "en" ? "en" : "zh", lang: "zh",
  defaultLarge: params.get("large") === "1", large: false,
  idleSeconds: 90, idleOverride: null,
  index: null, dataVersion: "", indexLoads: 0,
  view: "home", query: "", queryT0: 0, searchCtl: null, searchTimer: 0, lastInputAt: 0,
  searchCache: new Map(), lastSearch: null,
  route: null, routeTo: null, routeToken: 0, mapURL: null,
  display: null, lastActivity: performance.now(), link: null, linkState: "nokey", linkReason: "", keySpec: null,
};
st.lang = st.defaultLang;
st.large = st.defaultLarge;
const idleParam = Number(params.get("idle"));
if (idleParam > 0) st.idleOverride = idleParam;

window.kioskMetrics = { search: [], searchFrame: [], indexRendered: null };

// ---------------------------------------------------------------- small helpers
const tr = (o) => (o && (o[st.lang] || o.zh || o.en)) || "";
const other = () => (st.lang === "zh" ? "en" : "zh");

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

// A text in both languages: the current language first and large, the other beneath.
function bi(o, cls = "") {
  const first = st.lang, second = other();
  const wrap = el("span", { class: "bi " + cls });
  if (o && o[first]) wrap.append(el("span", { class: "pri", lang: LANG_TAG[first], text: o[first] }));
  if (o && o[second] && o[second] !== o[first]) wrap.append(el("span", { class: "sec", lang: LANG_TAG[second], text: o[second] }));
  return wrap;
}

function ranges(ws) {
  const s = [...ws].sort((a, b) => a - b), out = [];
  for (let i = 0; i < s.length; i++) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(j > i ? `${s[i]}–${s[j]}` : `${s[i]}`);
    i = j;
  }
  return out.join(", ");
}
function windowsText(ws) {
  if (!ws || !ws.length) return null;
  const r = ranges(ws);
  return { zh: `${r}号窗口`, en: (ws.length > 1 ? "Windows " : "Window ") + r };
}
function windowsBadge(ws) {
  const w = windowsText(ws);
  if (!w) return null;
  return el("span", { class: "win", "aria-label": tr(w) },
    el("span", { class: "win-num", text: ranges(ws), "aria-hidden": "true" }),
    el("span", { class: "win-unit", text: st.lang === "zh" ? "号窗口" : (ws.length > 1 ? "windows" : "window"), "aria-hidden": "true" }));
}

async function getJSON(url, opts) {
  const r = await fetch(url, { cache: "no-store", ...opts });
  if (!r.ok) throw Object.assign(new Error(`${url}: HTTP ${r.status}`), { status: r.status });
  return r.json();
}

// ---------------------------------------------------------------- static texts
function applyTexts() {
  const root = document.documentElement;
  root.lang = LANG_TAG[st.lang];
  root.classList.toggle("large", st.large);
  body.dataset.lang = st.lang;
  for (const e of document.querySelectorAll("[data-t]")) {
    const t = T[e.dataset.t];
    const target = e.matches("button") ? e.querySelector("span") || e : e;
    target.textContent = tr(t);
  }
  const langBtn = $("btn-lang");
  langBtn.lang = LANG_TAG[other()];
  langBtn.querySelector("span").textContent = T.langButton[st.lang];
  langBtn.setAttribute("aria-label", T.langButtonLabel[st.lang]);
  const large = $("btn-large");
  large.querySelector("span").textContent = tr(T.large);
  large.setAttribute("aria-pressed", String(st.large));
  $("q").placeholder = tr(T.placeholder);
  $("q").setAttribute("aria-label", tr(T.searchLabel));
  if (st.hall) {
    const h = $("hall-name");
    h.replaceChildren(...bi(st.hall.name).childNodes);
    document.title = `${tr(st.hall.name)} · ${st.lang === "zh" ? "指路" : "Way-finding"}`;
  }
  renderHere();
  renderLink();
  renderKeyboard();
}

function renderHere() {
  const here = $("here");
  if (st.mode === "phone" || !st.station) { here.textContent = ""; return; }
  const name = st.screen && st.screen.station_name;
  here.replaceChildren(el("span", { class: "here-dot", "aria-hidden": "true" }),
    el("span", { text: tr(T.here) + (st.lang === "zh" ? "：" : ": ") }), name ? bi(name, "inline") : el("span", { text: st.station }));
}

// ---------------------------------------------------------------- home: the index
function destButton(s, extraClass = "") {
  const b = el("button", { type: "button", class: "dest " + extraClass, dataset: { destination: s.destination } },
    bi(s.name, "dest-name"), windowsBadge(s.windows));
  if (s.open === false) {
    b.classList.add("is-closed");
    b.append(el("span", { class: "closed-tag", text: tr(s.closed_reason) || tr(T.closed) }));
  }
  return b;
}

function renderIndex() {
  const idx = st.index, box = $("index");
  if (!idx) return;
  const cols = [];
  const sections = [...(idx.sections || [])].sort((a, b) => (SECTION_ORDER[a.id] || 9) - (SECTION_ORDER[b.id] || 9));
  for (const sec of sections) {
    const hid = `sec-${sec.id}`;
    cols.push(el("section", { class: `hsec hsec-${sec.id}`, "aria-labelledby": hid, dataset: { section: sec.id } },
      el("h3", { id: hid, class: "sec-title" }, bi(sec.name)),
      el("ul", { class: "dest-list" }, ...(sec.services || []).map((s) => el("li", {}, destButton(s))))));
  }
  if (idx.facilities && idx.facilities.length) {
    cols.push(el("section", { class: "hsec hsec-facilities", "aria-labelledby": "sec-facilities", dataset: { section: "facilities" } },
      el("h3", { id: "sec-facilities", class: "sec-title" }, bi(T.facilities)),
      el("ul", { class: "dest-list fac-list" }, ...idx.facilities.map((s) => el("li", {}, destButton(s, "fac"))))));
  }
  // a re-render (reload, language) keeps the keyboard focus on the same entry
  const focused = box.contains(document.activeElement) && document.activeElement.dataset.destination;
  box.replaceChildren(...cols);
  if (focused) {
    const again = box.querySelector(`.dest[data-destination="${CSS.escape(focused)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
  if (window.kioskMetrics.indexRendered == null) {
    window.kioskMetrics.indexRendered = performance.now();
    performance.mark("index-rendered");
  }
}

function renderHot() {
  const box = $("hot");
  if (st.mode === "phone") return;
  box.replaceChildren(el("span", { class: "hot-title", text: tr(T.popular) }),
    ...HOT[st.lang].map((w) => el("button", { type: "button", class: "chip", dataset: { q: w }, lang: LANG_TAG[st.lang], text: w })));
}

async function loadIndex() {
  const idx = await getJSON("/api/v1/index");
  st.index = idx;
  st.dataVersion = idx.data_version || "";
  if (idx.hall && !st.hall) st.hall = idx.hall;
  st.indexLoads++;
  body.dataset.dataVersion = st.dataVersion;
  body.dataset.indexLoads = String(st.indexLoads);
  renderIndex();
}

// ---------------------------------------------------------------- views
function setView(v) {
  st.view = v;
  body.dataset.view = v;
  for (const name of ["home", "search", "route"]) $(`view-${name}`).hidden = name !== v;
  $("main").scrollTop = 0;
}

function goHome({ reset = false } = {}) {
  cancelSearch();
  st.query = "";
  $("q").value = "";
  $("btn-clear").hidden = true;
  st.route = null; st.routeTo = null; st.routeToken++; st.display = null;
  body.dataset.routeTo = "";
  showKeyboard(false);
  hideToast();
  if (reset) {
    const changed = st.lang !== st.defaultLang || st.large !== st.defaultLarge;
    st.lang = st.defaultLang; st.large = st.defaultLarge;
    if (changed) { applyTexts(); renderIndex(); renderHot(); }
    body.dataset.idleResets = String((Number(body.dataset.idleResets) || 0) + 1);
  }
  setView("home");
}

// ---------------------------------------------------------------- search as you type
function cancelSearch() {
  if (st.searchCtl) st.searchCtl.abort();
  st.searchCtl = null;
  clearTimeout(st.searchTimer);
  st.searchTimer = 0;
}

function onQueryInput(t0) {
  const text = $("q").value;
  st.query = text;
  st.queryT0 = t0;
  $("btn-clear").hidden = !text;
  if (st.view !== "search") setView("search");
  if (!text.trim()) { cancelSearch(); renderSearchEmpty(); return; }
  const key = `${st.lang}|${text.trim()}`;
  const hit = st.searchCache.get(key);
  if (hit) { cancelSearch(); renderResults(hit, text); return; }
  // Light debounce: a keystroke goes out at once (a visitor's touches are far more than
  // 30 ms apart); input events closer than that (key repeat, an IME or a script filling
  // the field) are coalesced for 16 ms. A newer text aborts the request of an older one.
  const now = performance.now();
  const burst = now - st.lastInputAt < 30;
  st.lastInputAt = now;
  clearTimeout(st.searchTimer);
  if (burst) st.searchTimer = setTimeout(() => runSearch(text, key), 16);
  else runSearch(text, key);
}

async function runSearch(text, key) {
  st.searchTimer = 0;
  if (st.searchCtl) st.searchCtl.abort();
  const ctl = new AbortController();
  st.searchCtl = ctl;
  $("results").setAttribute("aria-busy", "true");
  const qs = new URLSearchParams({ q: text.trim(), lang: st.lang });
  if (st.station) qs.set("from", st.station);
  try {
    const data = await getJSON(`/api/v1/search?${qs}`, { signal: ctl.signal });
    if (st.searchCtl === ctl) st.searchCtl = null;
    if (text !== st.query || st.view !== "search") return;   // stale: only the latest text shows
    st.searchCache.set(key, data);
    if (st.searchCache.size > 200) st.searchCache.delete(st.searchCache.keys().next().value);
    renderResults(data, text);
  } catch (e) {
    if (e.name === "AbortError") return;
    if (text === st.query) renderSearchError();
  }
}

function renderSearchEmpty() {
  $("answer").hidden = true;
  $("results").replaceChildren();
  $("results").removeAttribute("aria-busy");
  const p = $("no-results");
  p.hidden = false;
  p.replaceChildren(tr(T.typeToSearch));
  body.dataset.resultsFor = "";
}

function renderSearchError() {
  $("results").replaceChildren();
  $("answer").hidden = true;
  const p = $("no-results");
  p.hidden = false;
  p.textContent = tr(T.unavailable);
}

function sectionName(id) {
  if (T.section[id]) return T.section[id];
  const s = st.index && st.index.sections.find((x) => x.id === id);
  return s ? s.name : null;
}

function renderResults(data, text) {
  st.lastSearch = { data, text };
  const results = data.results || [];
  const ans = data.answer;
  const list = $("results");
  const items = results.map((r) => {
    const best = ans && ans.outcome === "route" && ans.destination === r.destination;
    const sec = sectionName(r.section);
    const b = el("button", { type: "button", class: `dest result tone-${r.section}` + (best ? " best" : ""), dataset: { destination: r.destination, match: r.match || "" } },
      bi(r.name, "dest-name"),
      el("span", { class: "result-meta" },
        best ? el("span", { class: "best-tag", text: tr(T.best) }) : null,
        sec ? el("span", { class: "sec-tag sec-tag-" + r.section, text: tr(sec) }) : null),
      windowsBadge(r.windows));
    if (r.open === false) { b.classList.add("is-closed"); b.append(el("span", { class: "closed-tag", text: tr(r.closed_reason) || tr(T.closed) })); }
    return el("li", {}, b);
  });
  list.replaceChildren(...items);
  list.removeAttribute("aria-busy");
  const a = $("answer");
  if (ans && ans.outcome === "clarify") {
    a.hidden = false;
    a.replaceChildren(el("strong", { text: ans.answer || tr(T.clarify) }));
  } else a.hidden = true;
  const none = $("no-results");
  if (!results.length) {
    none.hidden = false;
    if (text.trim().length < 2) none.replaceChildren(tr(T.keepTyping));
    else none.replaceChildren(el("span", { text: tr(T.noResults) }), " ",
      el("button", { type: "button", class: "dest inline-dest", dataset: { destination: "info-desk" }, text: tr(T.gotoDesk) }));
  } else none.hidden = true;
  body.dataset.resultsFor = text;
  $("results-status").textContent = st.lang === "zh" ? `找到 ${results.length} 项` : `${results.length} result${results.length === 1 ? "" : "s"}`;
  // keystroke → results in the DOM (and the frame after: painted)
  if (st.queryT0) {
    const t0 = st.queryT0;
    st.queryT0 = 0;
    const ms = performance.now() - t0;
    window.kioskMetrics.search.push(ms);
    performance.measure("search", { start: t0, end: performance.now() });
    requestAnimationFrame(() => setTimeout(() => window.kioskMetrics.searchFrame.push(performance.now() - t0), 0));
  }
}

// ---------------------------------------------------------------- a destination
async function openRoute(dest, { fromDisplay = null, keepScroll = false } = {}) {
  const token = ++st.routeToken;
  st.routeTo = dest;
  st.display = fromDisplay;
  body.dataset.routeTo = dest;
  showKeyboard(false);
  const same = st.view === "route" && st.route && st.route.destination === dest;
  if (st.view !== "route") setView("route");
  if (!same) {
    // another destination: nothing of the last one stays while this one loads
    st.route = null; st.mapURL = null;
    const entry = findEntry(dest);
    $("route-title").replaceChildren(entry ? bi(entry.name) : document.createTextNode(tr(T.loading)));
    $("route-windows").hidden = true;
    $("route-closed").hidden = true;
    $("route-sentence").replaceChildren();
    for (const id of ["route-metres", "route-minutes"]) $(id).textContent = "";
    for (const id of ["route-lead", "route-steps", "map-svg"]) $(id).replaceChildren();
    $("route-qr").hidden = true;
    body.dataset.routeNodes = "";
  }
  renderDisplayBanner();
  const from = st.station || params.get("from") || "";
  const qs = new URLSearchParams({ to: dest });
  if (from) qs.set("from", from);
  let r;
  try { r = await getJSON(`/api/v1/route?${qs}`); }
  catch (e) {
    if (token !== st.routeToken) return;
    $("route-title").textContent = tr(T.unavailable);
    return;
  }
  if (token !== st.routeToken) return;
  st.route = r;
  renderRoute(r);
  if (!keepScroll) $("route-title").focus({ preventScroll: true });
  if (r.map_svg && r.map_svg !== st.mapURL) await loadMap(r.map_svg, token, r);
}

function renderRoute(r) {
  const title = $("route-title");
  title.replaceChildren(bi(r.name));
  const w = $("route-windows");
  const wt = windowsText(r.windows);
  w.replaceChildren();
  if (wt) w.append(el("span", { class: "rw-num", text: ranges(r.windows) }), el("span", { class: "rw-unit", text: st.lang === "zh" ? "号窗口" : (r.windows.length > 1 ? "windows" : "window") }));
  w.setAttribute("aria-label", tr(wt));
  w.hidden = !wt;
  const closed = $("route-closed");
  if (r.open === false) {
    closed.hidden = false;
    const idxEntry = findEntry(r.destination);
    const reason = (r.closed_reason || (idxEntry && idxEntry.closed_reason));
    const opens = r.opens_at || (idxEntry && idxEntry.opens_at);
    const why = reason && tr(reason) !== tr(T.closed) ? (st.lang === "zh" ? `（${tr(reason)}）` : ` (${tr(reason)})`) : "";
    const when = opens ? (st.lang === "zh" ? ` · ${formatTime(opens)} ${T.opensAt.zh}` : ` · ${T.opensAt.en} ${formatTime(opens)}`) : "";
    closed.textContent = tr(T.closed) + why + when;
  } else closed.hidden = true;
  $("route-sentence").replaceChildren(bi(r.sentence));
  const metres = r.route ? Math.round(r.route.metres) : null;
  const mins = r.route ? Math.max(1, Math.round(r.route.seconds / 60)) : null;
  $("route-metres").textContent = metres ?? "–";
  $("route-metres-label").replaceChildren(bi(T.metres));
  $("route-minutes").textContent = mins ?? "–";
  $("route-minutes-label").replaceChildren(bi(T.minutes));
  document.querySelector(".facts").setAttribute("aria-label", tr(r.summary));
  renderLead(r);
  const steps = $("route-steps");
  const zh = (r.steps && r.steps.zh) || [], en = (r.steps && r.steps.en) || [];
  const n = Math.max(zh.length, en.length);
  const lis = [];
  for (let i = 0; i < n; i++) lis.push(el("li", { class: "step" }, el("span", { class: "step-no", "aria-hidden": "true", text: String(i + 1) }), bi({ zh: zh[i], en: en[i] })));
  steps.replaceChildren(...lis);
  body.dataset.routeNodes = r.route ? r.route.nodes.join(" ") : "";
  const qr = $("route-qr");
  if (r.qr_svg && st.mode !== "phone") {
    qr.hidden = false;
    qr.replaceChildren(el("img", { src: r.qr_svg, alt: tr(T.qr), width: "160", height: "160" }), bi(T.qr, "qr-caption"));
  } else { qr.hidden = true; qr.replaceChildren(); }
  $("map-caption").textContent = `${tr(T.mapLabel)} ${tr(r.name)}. ${tr(r.summary)}`;
}

function renderLead(r) {
  const lead = $("route-lead");
  const l = r.lead || {};
  lead.className = "lead " + (l.possible ? "lead-yes" : "lead-no");
  lead.replaceChildren(
    el("span", { class: "lead-icon", "aria-hidden": "true" }, l.possible ? robotIcon() : walkIcon()),
    el("span", { class: "lead-text" }, el("strong", {}, bi(l.possible ? T.leadYes : T.leadNo)), l.why ? bi(l.why, "lead-why") : null));
  lead.dataset.possible = String(!!l.possible);
}

function svgIcon(d) {
  const ns = "http://www.w3.org/2000/svg";
  const s = document.createElementNS(ns, "svg");
  s.setAttribute("viewBox", "0 0 24 24");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", d); p.setAttribute("fill", "currentColor");
  s.append(p);
  return s;
}
const robotIcon = () => svgIcon("M11 2h2v3h4a3 3 0 013 3v7a3 3 0 01-3 3h-1v3h-2v-3h-4v3H8v-3H7a3 3 0 01-3-3V8a3 3 0 013-3h4zM8.5 9a1.5 1.5 0 100 3 1.5 1.5 0 000-3zm7 0a1.5 1.5 0 100 3 1.5 1.5 0 000-3zM9 14v1.5h6V14zM1 9h2v5H1zm20 0h2v5h-2z");
const walkIcon = () => svgIcon("M13.5 2a2 2 0 110 4 2 2 0 010-4zM9.8 8.9L7 23h2.1l1.8-8 2.1 2v6h2v-7.5l-2.1-2 .6-3A7.3 7.3 0 0019 13v-2a5 5 0 01-4.3-2.4l-1-1.6a2 2 0 00-2.4-.8L6 8.3V13h2V9.6z");

function findEntry(dest) {
  if (!st.index) return null;
  for (const s of st.index.sections || []) for (const e of s.services || []) if (e.destination === dest) return e;
  for (const e of st.index.facilities || []) if (e.destination === dest) return e;
  return null;
}

function formatTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  return d.toLocaleString(st.lang === "zh" ? "zh-CN" : "en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Shanghai" });
}

// The map SVG goes INLINE into the DOM, so #route-path (data-nodes) and #you-are-here
// are part of the page. It comes from halld, same origin; scripts and event handler
// attributes are stripped all the same.
async function loadMap(url, token, r) {
  let text;
  try {
    const resp = await fetch(url, { cache: "no-store" });
    if (!resp.ok) throw new Error(String(resp.status));
    text = await resp.text();
  } catch (e) {
    if (token === st.routeToken) $("map-svg").replaceChildren(el("p", { class: "map-error", text: tr(T.mapError) }));
    return;
  }
  if (token !== st.routeToken) return;
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = doc.documentElement;
  if (!svg || svg.localName !== "svg" || doc.querySelector("parsererror")) {
    $("map-svg").replaceChildren(el("p", { class: "map-error", text: tr(T.mapError) }));
    return;
  }
  for (const bad of svg.querySelectorAll("script, foreignObject, iframe, object, embed")) bad.remove();
  for (const n of svg.querySelectorAll("*")) {
    for (const a of [...n.attributes]) {
      if (/^on/i.test(a.name) || (/href$/i.test(a.name) && /^\s*javascript:/i.test(a.value))) n.removeAttribute(a.name);
    }
  }
  const node = document.importNode(svg, true);
  node.removeAttribute("width"); node.removeAttribute("height");
  node.setAttribute("preserveAspectRatio", "xMidYMid meet");
  node.setAttribute("role", "img");
  node.setAttribute("aria-labelledby", "map-caption");
  node.classList.add("floor-map");
  $("map-svg").replaceChildren(node);
  st.mapURL = url;
  decorateMap(node, r);
}

function decorateMap(svg, r) {
  const ns = "http://www.w3.org/2000/svg";
  // Show the floor itself (the areas), not the printed legend around it.
  const areas = svg.querySelector(".areas");
  try {
    if (areas) {
      const b = areas.getBBox();
      if (b.width > 0 && b.height > 0) svg.setAttribute("viewBox", `${b.x - 24} ${b.y - 56} ${b.width + 48} ${b.height + 112}`);
    }
  } catch (e) { /* keep the map's own viewBox */ }
  const vb = svg.viewBox.baseVal;
  const label = (x, y, text, cls, side = false) => {
    // beside the point (side), or above it in the lower half of the map and below it in the upper half
    let anchor = "middle";
    if (side) { x += 30; y += 9; anchor = "start"; }
    else y = y > vb.y + vb.height / 2 ? y - 34 : y + 52;
    const g = document.createElementNS(ns, "g");
    g.setAttribute("class", "map-label " + cls);
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", x); t.setAttribute("y", y);
    t.setAttribute("text-anchor", anchor);
    t.textContent = text;
    g.append(t);
    svg.append(g);
    const bb = t.getBBox();
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", bb.x - 10); rect.setAttribute("y", bb.y - 5);
    rect.setAttribute("width", bb.width + 20); rect.setAttribute("height", bb.height + 10);
    rect.setAttribute("rx", 8);
    g.insertBefore(rect, t);
    // keep it inside the visible map
    const over = bb.x + bb.width + 16 - (vb.x + vb.width), under = vb.x + 16 - bb.x;
    if (over > 0) g.setAttribute("transform", `translate(${-over} 0)`);
    else if (under > 0) g.setAttribute("transform", `translate(${under} 0)`);
  };
  const yah = svg.querySelector("#you-are-here");
  if (yah) {
    let x, y;
    try { const b = yah.getBBox(); x = b.x + b.width / 2; y = b.y + b.height / 2; } catch (e) { return; }
    const ring = document.createElementNS(ns, "circle");
    ring.setAttribute("class", "yah-pulse");
    ring.setAttribute("cx", x); ring.setAttribute("cy", y); ring.setAttribute("r", 18);
    yah.parentNode.insertBefore(ring, yah);
    label(x, y, `${T.here.zh} ${T.here.en}`, "yah-label", true);
  }
  const path = svg.querySelector("#route-path");
  if (path && typeof path.getTotalLength === "function") {
    const len = path.getTotalLength();
    if (len > 0) {
      path.style.setProperty("--len", len);
      path.classList.add("draw");
      const end = path.getPointAtLength(len);
      if (r && r.name) label(end.x, end.y, `${r.name.zh || ""} ${r.name.en || ""}`.trim(), "dest-label");
    }
  }
}

// ---------------------------------------------------------------- live changes
function renderLink() {
  const box = $("link");
  if (!box) return;
  const s = st.linkState;
  box.dataset.state = s;
  const text = tr(T.link[s] || T.link.offline) + (st.linkReason && s === "refused" ? ` (${st.linkReason})` : "");
  $("link-text").textContent = text;
  box.title = text;
  body.dataset.link = s;
}

// #key=hex:… (or text:…, base64:…) the first time: kept in localStorage for this screen
// id, and taken out of the address bar at once.
function provisionKey() {
  const m = /(?:^|[#&])key=([^&]*)/.exec(location.hash);
  if (!m) return;
  let spec = m[1];
  try { spec = decodeURIComponent(spec); } catch (e) { /* keep it as it is */ }
  st.keySpec = spec;
  if (st.screenId) {
    try { localStorage.setItem(`hallguide.key.${st.screenId}`, spec); } catch (e) { /* no storage: use it this once */ }
  }
  history.replaceState(null, "", location.pathname + location.search);
}

async function startLink() {
  if (st.mode !== "screen" || !st.screenId) return;
  let spec = st.keySpec || null;
  try { spec = localStorage.getItem(`hallguide.key.${st.screenId}`) || spec; } catch (e) { /* keep spec */ }
  if (!spec) { st.linkState = "nokey"; renderLink(); return; }
  const { DeviceLink, parseKey } = await import("./link.js");
  const key = parseKey(spec);
  if (!key || !key.length) { st.linkState = "badkey"; renderLink(); return; }
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/device`;
  st.link = new DeviceLink({
    url, deviceID: st.screenId, key,
    onStatus: (s, reason) => { st.linkState = s; st.linkReason = reason; renderLink(); },
    onMessage: onDeviceMessage,
    log: (m) => console.debug("[link]", m),
  });
  st.link.start();
}

function onDeviceMessage(m) {
  body.dataset.lastMessage = m.type + (m.topic ? ":" + m.topic : "");
  if (m.type === "notice") {
    body.dataset.notices = String((Number(body.dataset.notices) || 0) + 1);
    if (m.topic === "fleet") refreshLead();
    else if (m.topic === "hall") refreshAll(true);
    else refreshAll(false);   // "live" and any topic to come: refetch what is shown
  } else if (m.type === "display") onDisplay(m);
}

async function refreshAll(hallReloaded) {
  st.searchCache.clear();
  if (hallReloaded && st.screenId) {
    try { applyScreen(await getJSON(`/api/v1/screens/${encodeURIComponent(st.screenId)}`)); } catch (e) { /* keep the old */ }
  }
  try { await loadIndex(); } catch (e) { return; }
  if (st.view === "search" && st.query.trim()) runSearch(st.query, `${st.lang}|${st.query.trim()}`);
  else if (st.view === "route" && st.routeTo) { st.mapURL = null; openRoute(st.routeTo, { fromDisplay: st.display, keepScroll: true }); }
}

async function refreshLead() {
  if (st.view !== "route" || !st.routeTo || !st.route) return;
  const token = st.routeToken;
  const qs = new URLSearchParams({ to: st.routeTo });
  if (st.station) qs.set("from", st.station);
  try {
    const r = await getJSON(`/api/v1/route?${qs}`);
    if (token !== st.routeToken) return;
    st.route.lead = r.lead;
    renderLead(st.route);
    body.dataset.leadLoads = String((Number(body.dataset.leadLoads) || 0) + 1);
  } catch (e) { /* keep what is shown */ }
}

function onDisplay(m) {
  if (!m.ttlSeconds) {                           // ttl 0: clear what halld showed
    if (st.display) goHome();
    return;
  }
  const recentlyUsed = st.view !== "home" && !st.display && performance.now() - st.lastActivity < 15000;
  const d = { id: m.displayID, title: m.title || "", text: m.text || "", destination: m.destination || "",
              until: performance.now() + m.ttlSeconds * 1000, shownAt: performance.now() };
  if (recentlyUsed) { showToast(d); return; }   // someone is using this screen: do not take it away
  showDisplay(d);
}

function showDisplay(d) {
  d.shownAt = performance.now();
  st.lastActivity = d.shownAt;
  if (d.destination) openRoute(d.destination, { fromDisplay: d });
  else showMessageOnly(d);
  body.dataset.display = String(d.id);
}

// A display without a destination: its title and text, nothing of an earlier route.
function showMessageOnly(d) {
  st.routeToken++;
  st.route = null; st.routeTo = null; st.display = d; st.mapURL = null;
  body.dataset.routeTo = ""; body.dataset.routeNodes = "";
  showKeyboard(false);
  setView("route");
  renderDisplayBanner();
  $("route-title").textContent = d.title || "";
  $("route-windows").hidden = true;
  $("route-closed").hidden = true;
  $("route-sentence").textContent = d.text || "";
  for (const id of ["route-metres", "route-minutes"]) $(id).textContent = "–";
  for (const id of ["route-lead", "route-steps", "map-svg"]) $(id).replaceChildren();
  $("route-qr").hidden = true;
}

function renderDisplayBanner() {
  const b = $("display-banner");
  const d = st.display;
  if (!d) { b.hidden = true; return; }
  b.hidden = false;
  b.replaceChildren(el("strong", {}, bi(T.askedAtRobot)), el("span", { class: "db-text", text: [d.title, d.text].filter(Boolean).join(" · ") }));
}

let toastTimer = 0;
function showToast(d) {
  const t = $("toast");
  t.hidden = false;
  t.replaceChildren(el("span", { text: tr(T.displayToast) + [d.title, d.text].filter(Boolean).join(" ") }),
    el("button", { type: "button", class: "toast-btn", text: tr(T.show) }));
  t.querySelector("button").onclick = () => { hideToast(); showDisplay(d); };
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, Math.min(30000, d.until - performance.now()));
}
function hideToast() { $("toast").hidden = true; clearTimeout(toastTimer); }

// ---------------------------------------------------------------- on-screen keyboard
const KEYS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
function renderKeyboard() {
  const osk = $("osk");
  if (st.mode === "phone") return;
  const rows = KEYS.map((r, i) => el("div", { class: "osk-row" }, ...[...r].map((c) =>
    el("button", { type: "button", class: "key", dataset: { key: c }, text: c })),
    i === 2 ? el("button", { type: "button", class: "key key-wide", dataset: { key: "Backspace" }, "aria-label": tr(T.backspace) }, svgIcon("M22 5v14H8l-7-7 7-7zm-11.6 3L9 9.4l2.6 2.6L9 14.6l1.4 1.4 2.6-2.6 2.6 2.6 1.4-1.4-2.6-2.6 2.6-2.6L15.6 8 13 10.6z")) : null,
    i === 3 ? el("button", { type: "button", class: "key key-wide", dataset: { key: "Clear" }, text: tr(T.clear) }) : null));
  rows.push(el("div", { class: "osk-row" },
    el("button", { type: "button", class: "key key-space", dataset: { key: " " }, text: tr(T.space) }),
    el("button", { type: "button", class: "key key-wide key-hide", dataset: { key: "Hide" }, text: tr(T.hideKeyboard) })));
  osk.replaceChildren(...rows);
  osk.setAttribute("aria-label", tr(T.keyboard));
}

function showKeyboard(on) {
  if (st.mode === "phone") on = false;
  $("osk").hidden = !on;
  body.classList.toggle("osk-open", on);
  $("btn-keyboard").setAttribute("aria-expanded", String(on));
}

function oskPress(key, t0) {
  const q = $("q");
  if (key === "Hide") { showKeyboard(false); return; }
  if (key === "Clear") q.value = "";
  else if (key === "Backspace") {
    const s = q.selectionStart ?? q.value.length, e = q.selectionEnd ?? s;
    if (s !== e) q.setRangeText("", s, e, "end");
    else if (s > 0) q.setRangeText("", s - 1, s, "end");
  } else {
    const s = q.selectionStart ?? q.value.length, e = q.selectionEnd ?? s;
    q.setRangeText(key, s, e, "end");
  }
  onQueryInput(t0);
}

// ---------------------------------------------------------------- idle reset and clock
function idleSeconds() { return st.idleOverride || st.idleSeconds || 90; }

function tick() {
  const now = performance.now();
  const clock = $("clock");
  const d = new Date();
  clock.textContent = d.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai" });
  if (st.mode !== "screen") return;
  const hint = $("idle-hint");
  // A display from halld stays its ttl, unless the visitor touched the screen since.
  if (st.display && st.lastActivity <= st.display.shownAt + 1) {
    hint.textContent = "";
    if (now >= st.display.until) goHome();
    return;
  }
  const idle = (now - st.lastActivity) / 1000;
  const away = st.view !== "home" || st.lang !== st.defaultLang || st.large !== st.defaultLarge || !$("osk").hidden;
  const left = Math.ceil(idleSeconds() - idle);
  if (away && left <= 0) { hint.textContent = ""; goHome({ reset: true }); return; }
  hint.textContent = away && left <= 10 && idleSeconds() > 10 ? `${left} ${tr(T.returning)}` : "";
}

function activity() { st.lastActivity = performance.now(); }

// ---------------------------------------------------------------- events
function bind() {
  for (const ev of ["pointerdown", "keydown", "input", "wheel", "touchstart", "scroll"]) document.addEventListener(ev, activity, { passive: true, capture: true });
  const q = $("q");
  q.addEventListener("input", (e) => { if (!e.isComposing) onQueryInput(Math.min(performance.now(), e.timeStamp || Infinity)); });
  q.addEventListener("compositionend", (e) => onQueryInput(e.timeStamp || performance.now()));
  q.addEventListener("pointerdown", () => { showKeyboard(true); if (st.view === "home") { setView("search"); renderSearchEmpty(); } });
  q.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      const first = $("results").querySelector(".dest");
      if (first && st.view === "search") { e.preventDefault(); first.click(); }
    } else if (e.key === "ArrowDown") {
      const first = $("results").querySelector(".dest");
      if (first) { e.preventDefault(); first.focus(); }
    }
  });
  $("results").addEventListener("keydown", (e) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const all = [...$("results").querySelectorAll(".dest")];
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === "ArrowUp" && i === 0) q.focus();
    else (all[e.key === "ArrowDown" ? Math.min(i + 1, all.length - 1) : i - 1]).focus();
  });
  $("btn-clear").addEventListener("click", () => { q.value = ""; onQueryInput(performance.now()); q.focus(); });
  $("btn-keyboard").addEventListener("click", () => {
    const on = $("osk").hidden;
    showKeyboard(on);
    if (on && st.view === "home") { setView("search"); renderSearchEmpty(); }
    if (on) q.focus();
  });
  $("btn-home").addEventListener("click", () => goHome());
  $("btn-back").addEventListener("click", () => {
    const was = st.routeTo;
    st.routeToken++; st.route = null; st.routeTo = null; st.display = null; body.dataset.routeTo = "";
    if (st.query.trim()) { setView("search"); if (st.lastSearch) renderResults(st.lastSearch.data, st.lastSearch.text); }
    else goHome();
    // keyboard users land where they were: on the entry they had opened
    const scope = st.view === "search" ? "#results" : "#index";
    const back = document.querySelector(`${scope} .dest[data-destination="${CSS.escape(was || "")}"]`);
    if (back) back.focus({ preventScroll: false });
  });
  $("btn-lang").addEventListener("click", () => { st.lang = other(); relang(); });
  $("btn-large").addEventListener("click", () => { st.large = !st.large; applyTexts(); });
  const osk = $("osk");
  osk.addEventListener("pointerdown", (e) => { if (e.target.closest(".key")) e.preventDefault(); });   // keep the caret in the field
  osk.addEventListener("click", (e) => {
    const k = e.target.closest(".key");
    if (k) oskPress(k.dataset.key, e.timeStamp ? Math.min(performance.now(), e.timeStamp) : performance.now());
  });
  document.addEventListener("click", (e) => {
    const chip = e.target.closest(".chip");
    if (chip) { q.value = chip.dataset.q; onQueryInput(performance.now()); return; }
    const d = e.target.closest(".dest[data-destination]");
    if (d) openRoute(d.dataset.destination);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && st.mode === "screen") { e.preventDefault(); goHome(); $("q").blur(); $("main").focus({ preventScroll: true }); }
  });
}

function relang() {
  applyTexts();
  renderIndex();
  renderHot();
  if (st.view === "search") {
    if (st.query.trim()) runSearch(st.query, `${st.lang}|${st.query.trim()}`);
    else renderSearchEmpty();
  } else if (st.view === "route" && st.route) {
    renderRoute(st.route);
    renderDisplayBanner();
  }
}

function applyScreen(s) {
  st.screen = s;
  st.station = s.station || s.id;
  if (s.hall) st.hall = s.hall;
  if (s.idle_reset_seconds > 0) st.idleSeconds = s.idle_reset_seconds;
  body.dataset.idleSeconds = String(idleSeconds());
  applyTexts();
}

// A page opened for a screen id halld does not know: the index and search still work
// (routes from the north door, halld's default), but no "you are here" and no link.
function unknownScreen() {
  st.linkState = "badkey";
  renderLink();
  $("here").replaceChildren(el("span", { class: "unknown-screen" }, bi(T.unknownScreen)), " ", st.screenId || "");
}

// ---------------------------------------------------------------- start
async function boot() {
  body.classList.add(`mode-${st.mode}`);
  applyTexts();
  bind();
  setInterval(tick, 1000);
  tick();
  if (st.mode === "phone") {
    st.station = params.get("from");
    loadIndex().then(applyTexts).catch(() => {});
    const to = params.get("to");
    if (to) openRoute(to); else setView("home");
    return;
  }
  const m = /^\/screens\/([^/]+)\/?$/.exec(location.pathname);
  st.screenId = m ? decodeURIComponent(m[1]) : params.get("screen");
  provisionKey();
  renderHot();
  setView("home");
  for (let attempt = 0; ; attempt++) {
    try {
      const [screen] = await Promise.all([
        st.screenId ? getJSON(`/api/v1/screens/${encodeURIComponent(st.screenId)}`)
          .catch((e) => { if (e.status === 404) return null; throw e; }) : Promise.resolve(null),
        loadIndex()]);
      if (screen) applyScreen(screen);
      else { unknownScreen(); body.dataset.ready = "1"; return; }
      break;
    } catch (e) {
      $("index").replaceChildren(el("p", { class: "loading", text: tr(T.unavailable) }));
      await new Promise((res) => setTimeout(res, Math.min(30000, 2000 * (attempt + 1))));
    }
  }
  body.dataset.ready = "1";
  startLink();
}

boot();
