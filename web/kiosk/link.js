// The kiosk page as a device of the hall (kind screen) over /ws/device: the JSON form
// of firmware-protocol/PROTOCOL.md (web/API.md "The WebSocket device API").
// hello → challenge → authenticate (HMAC-SHA256 in plain JS) → authResult; then a
// heartbeat every heartbeatSeconds, an ack for every frame that asks for one (a
// duplicate is acked again and not acted on), and a reconnect with backoff when the
// socket drops. Status: "connecting", "online", "offline", "refused".

import { deviceProof, hexToBytes, bytesToHex } from "./hmac.js";

const CAP_DISPLAY = 1 << 1;
const HELLO_TIMEOUT_MS = 5000;     // §6.1: hello again when no authResult within 5 s
const REFUSED_RETRY_MS = 60000;    // §6.1 asks ≥ 5 s; a wrong key stays wrong, so wait long
const BACKOFF_MIN_MS = 1000, BACKOFF_MAX_MS = 30000;
const HANDLED = new Set(["display", "notice"]);   // what a screen acts on (halld → screen)

// A key as halld's configuration writes it: hex:…, text:…, base64:…
export function parseKey(spec) {
  if (typeof spec !== "string") return null;
  const i = spec.indexOf(":");
  if (i < 0) return null;
  const kind = spec.slice(0, i), value = spec.slice(i + 1);
  try {
    if (kind === "hex") return hexToBytes(value);
    if (kind === "text") return new TextEncoder().encode(value);
    if (kind === "base64") return Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
  } catch (e) { return null; }
  return null;
}

export class DeviceLink {
  constructor({ url, deviceID, key, firmware = "kiosk-web-1", onMessage, onStatus, log = () => {} }) {
    Object.assign(this, { url, deviceID, key, firmware, onMessage, onStatus, log });
    this.backoff = BACKOFF_MIN_MS;
    this.ws = null;
    this.timers = new Set();
    this.stopped = false;
    this.status = "";
    this.reason = "";
  }

  start() { this.stopped = false; this.connect(); }

  stop() {
    this.stopped = true;
    this.clearTimers();
    if (this.ws) { this.ws.onclose = null; this.ws.close(); this.ws = null; }
  }

  setStatus(s, reason = "") {
    this.status = s; this.reason = reason;
    if (this.onStatus) this.onStatus(s, reason);
  }

  later(ms, fn) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
    return t;
  }

  clearTimers() { for (const t of this.timers) { clearTimeout(t); clearInterval(t); } this.timers.clear(); }

  connect() {
    this.clearTimers();
    if (this.stopped) return;
    if (this.status !== "refused") this.setStatus("connecting");
    this.seq = 0;
    this.seen = [];              // sequences of the last 32 acked frames acted on (§7.3)
    this.authenticated = false;
    this.refused = false;
    this.clientNonce = crypto.getRandomValues(new Uint8Array(16));
    let ws;
    try { ws = new WebSocket(this.url); } catch (e) { this.scheduleReconnect(); return; }
    this.ws = ws;
    ws.onopen = () => {
      this.send({ type: "hello", deviceID: this.deviceID, kind: "screen", firmware: this.firmware,
                  capabilities: CAP_DISPLAY, clientNonce: bytesToHex(this.clientNonce) });
      this.later(HELLO_TIMEOUT_MS, () => { if (!this.authenticated) { this.log("no authResult in 5 s"); ws.close(); } });
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => {};
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      if (!this.refused) this.setStatus("offline");
      this.scheduleReconnect();
    };
  }

  scheduleReconnect() {
    if (this.stopped) return;
    let ms;
    if (this.refused) ms = REFUSED_RETRY_MS;
    else {
      ms = this.backoff * (0.8 + 0.4 * Math.random());
      this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    }
    this.log(`reconnect in ${Math.round(ms)} ms`);
    this.later(ms, () => this.connect());
  }

  nextSeq() { this.seq = this.seq >= 65535 ? 1 : this.seq + 1; return this.seq; }

  send(message, ackRequested = false) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const frame = { seq: message.type === "ack" || message.type === "nak" ? 0 : this.nextSeq(), message };
    if (ackRequested) frame.ackRequested = true;
    this.ws.send(JSON.stringify(frame));
  }

  receive(text) {
    let frame;
    try { frame = JSON.parse(text); } catch (e) { this.log("not JSON"); return; }
    const m = frame && frame.message;
    if (!m || typeof m.type !== "string") {
      if (frame && frame.ackRequested) this.send({ type: "nak", sequence: frame.seq | 0, code: "malformedPayload", detail: "no message" });
      return;
    }
    switch (m.type) {
      case "challenge": return this.onChallenge(m);
      case "authResult": return this.onAuthResult(m);
      case "ack": case "nak": return;     // the page sends nothing that asks for an ack
    }
    if (!this.authenticated) return;
    if (!HANDLED.has(m.type)) {
      if (frame.ackRequested) this.send({ type: "nak", sequence: frame.seq, code: "unknownType", detail: m.type });
      return;
    }
    if (!valid(m)) {
      if (frame.ackRequested) this.send({ type: "nak", sequence: frame.seq, code: "malformedPayload", detail: m.type });
      return;
    }
    if (frame.ackRequested) {
      const dup = this.seen.includes(frame.seq);
      this.send({ type: "ack", sequence: frame.seq });
      if (dup) return;
      this.seen.push(frame.seq);
      if (this.seen.length > 32) this.seen.shift();
    }
    try { this.onMessage && this.onMessage(m); } catch (e) { console.error(e); }
  }

  onChallenge(m) {
    let nonce;
    try { nonce = hexToBytes(m.serverNonce || ""); } catch (e) { nonce = null; }
    if (!nonce || nonce.length !== 16) { this.ws.close(); return; }
    const proof = deviceProof(this.key, nonce, this.clientNonce, this.deviceID);
    this.send({ type: "authenticate", proof: bytesToHex(proof) });
  }

  onAuthResult(m) {
    if (!m.accepted) {
      this.refused = true;
      this.setStatus("refused", m.reason || "");
      this.ws && this.ws.close();
      return;
    }
    this.authenticated = true;
    this.backoff = BACKOFF_MIN_MS;
    this.clearTimers();
    const every = Math.max(1, m.heartbeatSeconds | 0 || 5) * 1000;
    const beat = () => this.send({ type: "heartbeat", state: "idle", battery: 255 });
    beat();
    const t = setInterval(beat, every);
    this.timers.add(t);
    this.setStatus("online");
  }
}

function valid(m) {
  if (m.type === "display") return Number.isInteger(m.displayID) && Number.isInteger(m.ttlSeconds) && m.ttlSeconds >= 0;
  if (m.type === "notice") return typeof m.topic === "string";
  return true;
}
