// latchkey pass: the page. Everything is built with the DOM (CSP default-src 'self').
import * as store from "./store.js";
import { $, el, show, say, lines, copyText } from "./ui.js";
import { k4Public, k4Pid } from "./paserk.js";
import { sign, parse, claimsOf, verify } from "./paseto.js";
import { verifyCard } from "./card.js";
import { planPass, describePass, passState } from "./pass.js";
import { importEnrolment, planEnrolment, enrolCommand, maxDays } from "./enrol.js";
import { revocationPayload } from "./revocation.js";
import { describePolicy, allowedRoles, humanDuration } from "./policy.js";
import { writeRule } from "./hours.js";
import { wallAt, localToUtc } from "./zone.js";
import { qrSvg } from "./qr.js";
import { startScan } from "./scan.js";
import { NAME_RE } from "./text.js";

const S = { key: null, name: "my-phone", doors: [], passes: [], servedDoorId: null };
const ROLE_ORDER = ["guest", "service", "delivery", "owner"];
const html = document.documentElement;

const errText = (e) => (e && e.reason && !String(e.message).startsWith(e.reason) ? e.reason + ": " + e.message : (e && e.message) || String(e));
const doorById = (id) => S.doors.find((d) => d.door_id === id) || null;
const on = (id, ev, fn) => $(id).addEventListener(ev, (e) => { Promise.resolve(fn(e)).catch((x) => console.error(x)); });

// ---------- key ----------
function keyProblem(e, step) {
  if (!window.isSecureContext || !globalThis.crypto?.subtle) {
    return "This page is not a secure context: open the app from an https page (or localhost). The browser keeps keys only for secure pages.";
  }
  if (step === "store" || e?.name === "DataCloneError") {
    return "This browser would not keep the key (" + (e?.name || "error") + "). iOS Private Browsing and Lockdown Mode cannot keep keys: use a normal browser window (or turn Lockdown Mode off for this site) and try again.";
  }
  if (e?.name === "NotSupportedError" || e?.name === "TypeError" || e?.name === "OperationError") {
    return "This browser cannot make Ed25519 keys (" + e.name + "). It needs Chrome or Edge 137+, Safari 17+ or Firefox 129+: update it or use another browser.";
  }
  return "The key could not be made: " + errText(e);
}

async function createKey() {
  say("key-error", "");
  if (!window.isSecureContext || !globalThis.crypto?.subtle) { say("key-error", keyProblem(null)); return; }
  let kp;
  try { kp = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]); } catch (e) { say("key-error", keyProblem(e, "make")); return; }
  if (await store.get("key")) { say("key-error", "This phone has a key already (another window made it): reload the page."); return; }
  const pub = k4Public(new Uint8Array(await crypto.subtle.exportKey("raw", kp.publicKey)));
  const rec = { privateKey: kp.privateKey, publicKey: kp.publicKey, pub, kid: k4Pid(pub), created: new Date().toISOString() };
  try {
    await store.put("key", rec);
    const back = await store.get("key");
    if (!back || back.pub !== pub || !back.privateKey) throw Object.assign(new Error("the key did not come back from storage"), { name: "DataCloneError" });
  } catch (e) { say("key-error", keyProblem(e, "store")); return; }
  S.key = rec;
  try { if (navigator.storage?.persist) await navigator.storage.persist(); } catch { /* not offered */ }
  await store.put("name", S.name);
  renderAll();
  renderStorage();
}

function renderKey() {
  show("key-none", !S.key);
  show("key-have", !!S.key);
  if (!S.key) return;
  $("my-key").textContent = S.key.pub;
  $("my-key-qr").replaceChildren(qrSvg(S.key.pub, "M", "QR code of this phone's key"));
  $("my-kid").textContent = S.key.kid;
  if ($("phone-name").value !== S.name && document.activeElement !== $("phone-name")) $("phone-name").value = S.name;
  $("enrol-command").textContent = enrolCommand(S.name, S.key.pub);
  $("lost-command").textContent = "sudo latchkey revoke --config /etc/latchkey/latchkey.toml --kid " + S.key.kid;
  const known = S.doors.filter((d) => d.policy);
  const box = $("my-policy");
  if (!known.length) box.replaceChildren(el("p", { text: "Nothing learned yet: import the enrolment." }));
  else box.replaceChildren(...known.map((d) => el("p", { class: "policy" }, el("strong", { text: d.lock_id + ": " }), describePolicy(d.policy), el("br"), el("span", { class: "note", text: "(" + d.policy.name + ", " + d.policy_from + ")" }))));
}

async function nameChanged() {
  const v = $("phone-name").value.trim();
  if (!NAME_RE.test(v)) { say("key-error", "The name must be 1–64 letters, digits, space . _ - (starting with a letter or digit)."); return; }
  say("key-error", "");
  S.name = v;
  await store.put("name", v);
  renderKey();
}

async function doImportEnrolment(text) {
  say("import-result", "");
  if (!S.key) { say("import-result", "Create this phone's key first."); return; }
  try {
    const r = await importEnrolment(text, { myKey: S.key.pub, myKid: S.key.kid, doors: S.doors });
    const door = { ...r.door, policy: r.policy, policy_from: r.signer };
    await store.putDoor(door);
    if (r.policy.name !== S.name && NAME_RE.test(r.policy.name)) { S.name = r.policy.name; await store.put("name", S.name); $("phone-name").value = S.name; }
    S.doors = await store.doors();
    say("import-result", `Learned for ${door.lock_id}: ${describePolicy(r.policy)} — ${r.signer}.`, "ok");
    $("import-enrolment").value = "";
    renderAll();
  } catch (e) { say("import-result", "Refused: " + errText(e)); }
}

// ---------- doors ----------
async function addCard(text) {
  say("card-error", "");
  if (!String(text).trim()) { say("card-error", "Paste the door card first (it starts with v4.public.)"); return false; }
  try {
    const card = await verifyCard(text);
    const old = doorById(card.door_id);
    const door = { ...card, added: old?.added || new Date().toISOString() };
    if (old?.policy) { door.policy = old.policy; door.policy_from = old.policy_from; }
    await store.putDoor(door);
    S.doors = await store.doors();
    $("card-text").value = "";
    renderAll();
    return true;
  } catch (e) { say("card-error", "Refused: " + errText(e)); return false; }
}

function renderDoors() {
  const list = S.doors.slice().sort((a, b) => a.lock_id.localeCompare(b.lock_id));
  $("doors").replaceChildren(...list.map((d) => el("div", { class: "door", "data-door-id": d.door_id },
    el("p", { class: "lock-id", text: d.lock_id }),
    lines([
      ["time zone", d.tz],
      ["door id", d.door_id],
      ["owner", d.endorsed ? "endorsed by owner" : "not endorsed"],
      ["owner fingerprint", d.endorsed ? d.owner_fingerprint : "— (not endorsed)"],
      ["this phone", d.policy ? describePolicy(d.policy) : "no policy learned yet"],
    ]),
    el("p", { class: "note", text: "time zone: " + d.tz }))));
  for (const id of ["pass-door", "enrol-door"]) {
    const sel = $(id), keep = sel.value;
    sel.replaceChildren(...(list.length ? list.map((d) => el("option", { value: d.door_id, text: d.lock_id + " · " + d.door_id.slice(7, 15) + "…" })) : [el("option", { value: "", text: "(no door yet: add one under Doors)" })]));
    if (list.some((d) => d.door_id === keep)) sel.value = keep;
  }
}

// ---------- new pass ----------
function formDoor() { return doorById($("pass-door").value); }

function setDefaultTimes() {
  const d = formDoor();
  const tz = d ? d.tz : Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const from = Math.floor(Date.now() / 900000) * 900000;
  const a = wallAt(from, tz), b = wallAt(from + 2 * 3600000, tz);
  $("pass-from-date").value = a.date; $("pass-from-time").value = a.time;
  $("pass-until-date").value = b.date; $("pass-until-time").value = b.time;
}

function doorChanged(resetTimes = true) {
  const d = formDoor();
  $("pass-zone").textContent = d ? "Times are in the door's time zone: " + d.tz : "Add a door first (Doors).";
  const roles = d?.policy ? allowedRoles(d.policy) : ROLE_ORDER;
  const sel = $("pass-role"), keep = sel.value;
  sel.replaceChildren(...ROLE_ORDER.filter((r) => roles.includes(r)).map((r) => el("option", { value: r, text: r })));
  if (roles.includes(keep)) sel.value = keep;
  if (d?.policy?.once_only) $("pass-use").value = "once";
  if (resetTimes) setDefaultTimes();
  renderEnrolMay();
}

const DAY_IDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const tickedDays = () => DAY_IDS.map((d, i) => ($("pass-day-" + d).checked ? i : -1)).filter((i) => i >= 0);

function hoursPreview() {
  show("pass-weekly-box", $("pass-weekly").checked);
  let t = "";
  try { t = "hours: " + writeRule(tickedDays(), $("pass-hours-from").value, $("pass-hours-until").value); } catch (e) { t = e.message; }
  $("pass-hours-preview").textContent = t;
}

async function issuePass(ev) {
  ev.preventDefault();
  say("pass-error", "");
  const card = formDoor();
  const f = {
    sub: $("pass-sub").value.trim(), role: $("pass-role").value, use: $("pass-use").value,
    fromDate: $("pass-from-date").value, fromTime: $("pass-from-time").value,
    untilDate: $("pass-until-date").value, untilTime: $("pass-until-time").value,
    weekly: $("pass-weekly").checked, days: tickedDays(), hoursFrom: $("pass-hours-from").value, hoursUntil: $("pass-hours-until").value,
  };
  let plan;
  try {
    plan = planPass(f, { key: S.key && { kid: S.key.kid, name: S.name }, card, policy: card?.policy || null, now: Date.now() });
  } catch (e) { say("pass-error", errText(e)); return; }
  let token;
  try { token = await sign(S.key.privateKey, plan.payload, S.key.kid); } catch (e) { say("pass-error", "Signing failed: " + errText(e)); return; }
  const rec = { jti: plan.claims.jti, token, claims: plan.claims, door_id: card.door_id, kid: S.key.kid, created: new Date().toISOString(), revoked: false };
  await store.putPass(rec);
  S.passes = await store.passes();
  renderPasses();
  showPass(rec);
}

function showPass(rec) {
  const door = doorById(rec.door_id);
  $("pass-qr").replaceChildren(qrSvg(rec.token, "L", "QR code of the pass"));
  $("pass-summary").replaceChildren(lines(describePass(rec.claims, door)));
  $("pass-text").value = rec.token;
  say("pass-share-note", "");
  show("pass-view", true);
  $("pass-view").scrollIntoView({ block: "start" });
}

async function sharePass() {
  const text = $("pass-text").value;
  if (navigator.share) {
    try { await navigator.share({ text }); say("pass-share-note", "shared", "ok"); return; } catch (e) { if (e.name === "AbortError") return; }
  }
  say("pass-share-note", (await copyText(text, $("pass-text"))) ? "copied: paste it into a message" : "Copy failed: select the text above and copy it.", "ok");
}

// ---------- passes and revocation ----------
function renderPasses() {
  const now = Date.now();
  const list = S.passes.slice().sort((a, b) => b.created.localeCompare(a.created));
  if (!list.length) { $("passes").replaceChildren(el("p", { class: "note", text: "No passes yet." })); }
  else $("passes").replaceChildren(...list.map((p) => {
    const state = passState(p, now), door = doorById(p.door_id);
    return el("div", { class: "pass", "data-jti": p.jti, "data-state": state },
      el("p", {}, el("strong", { text: (p.claims.sub || "(not named)") + " · " + (door ? door.lock_id : "unknown door") + " " }), el("span", { class: "state", text: state })),
      lines(describePass(p.claims, door)),
      el("div", { class: "row" },
        el("button", { type: "button", class: "pass-show", text: "Show", onclick: () => showPass(p) }),
        el("button", { type: "button", class: "pass-revoke", text: "Revoke", disabled: p.revoked, onclick: () => revokePass(p).catch(console.error) })));
  }));
  const withRevoked = S.doors.filter((d) => S.passes.some((p) => p.revoked && p.door_id === d.door_id));
  show("revocations", withRevoked.length > 0);
  const sel = $("revocations-door"), keep = sel.value;
  sel.replaceChildren(...withRevoked.map((d) => el("option", { value: d.door_id, text: d.lock_id + " · " + d.door_id.slice(7, 15) + "…" })));
  if (withRevoked.some((d) => d.door_id === keep)) sel.value = keep;
}

async function revokePass(p) {
  if (!window.confirm(`Revoke the pass for "${p.claims.sub || "(not named)"}"? Then send the revocation list to the door.`)) return;
  p.revoked = true; p.revoked_at = new Date().toISOString();
  await store.putPass(p);
  S.passes = await store.passes();
  renderPasses();
  $("revocations-door").value = p.door_id;
  say("revocations-result", "");
  $("revocations").scrollIntoView({ block: "nearest" });
}

async function sendRevocations() {
  say("revocations-result", "");
  const door = doorById($("revocations-door").value);
  if (!door || !S.key) { say("revocations-result", "No door with revoked passes."); return; }
  // Read again: another window of this app may have revoked passes since this one loaded, and the
  // door keeps only this phone's latest list.
  S.passes = await store.passes();
  // A pass long expired can never open the door again, whatever it says; an owner pass may, on a
  // door whose clock is set back, so it stays named. Keeps the list within the door's 16 KiB.
  const stale = (p) => p.claims.role !== "owner" && Date.parse(p.claims.exp) + 2 * 86400000 < Date.now();
  const entries = S.passes.filter((p) => p.revoked && p.door_id === door.door_id && !stale(p)).map((p) => p.kid + "/" + p.jti).sort();
  const lastSeq = (await store.get("seq:" + door.door_id)) || 0;
  const { payload, seq } = revocationPayload({ aud: door.door_id, entries, now: Date.now(), lastSeq });
  const text = await sign(S.key.privateKey, payload, S.key.kid);
  if (text.length > 16384) {
    say("revocations-result", `The list names ${entries.length} passes and is larger than a door takes (16 KiB). Revoke this phone's key on the door instead (latchkey revoke --kid ${S.key.kid}) and enrol it again.`);
    return;
  }
  await store.put("seq:" + door.door_id, seq);
  $("revocations-text").value = text;
  const offline = `List ${seq} for ${door.lock_id}, naming ${entries.length} pass(es). Install it on the door: latchkey revoke --install FILE, or curl -H 'Content-Type: text/plain' --data-binary @FILE http://DOOR:8787/v1/revocations`;
  if (S.servedDoorId !== door.door_id) { say("revocations-result", offline, "ok"); return; }
  try {
    const r = await fetch("/revocations", { method: "POST", headers: { "Content-Type": "text/plain" }, body: text, cache: "no-store" });
    let j = {};
    try { j = await r.json(); } catch { j = { detail: "HTTP " + r.status }; }
    if (j.installed) say("revocations-result", "The door installed the list: " + (j.detail || "ok"), "ok");
    else say("revocations-result", "The door refused the list: " + [j.reason, j.detail].filter(Boolean).join(": "));
  } catch (e) { say("revocations-result", "Could not reach the door (" + errText(e) + "). " + offline); }
}

// ---------- read a pass ----------
async function readPass() {
  const out = $("read-result");
  out.replaceChildren();
  const text = $("read-text").value.trim();
  try {
    const t = parse(text);
    const c = claimsOf(t, "pass");
    if (c.typ !== undefined) throw new Error(`this is not a pass but a "${c.typ}" document`);
    let status;
    const ownerDoor = S.doors.find((d) => d.owner_kid === t.kid);
    if (S.key && t.kid === S.key.kid) { await verify(t, S.key.pub, "pass"); status = "signed by this phone (signature checked)"; }
    else if (ownerDoor) { await verify(t, ownerDoor.owner_key, "pass"); status = `signed by the owner of ${ownerDoor.lock_id} (signature checked)`; }
    else status = "NOT VERIFIED: signed by " + t.kid + " — this is only what the pass claims";
    const door = doorById(c.aud);
    out.replaceChildren(el("p", { class: status.startsWith("NOT") ? "note" : "note ok", text: status }),
      lines([...describePass(c, door), ["key id", t.kid], ["jti", String(c.jti)]]));
  } catch (e) { out.replaceChildren(el("p", { class: "error", text: "Cannot read it: " + errText(e) })); }
}

// ---------- enrol another phone ----------
function renderEnrolMay() {
  const d = doorById($("enrol-door").value);
  let t;
  if (!S.key) t = "Create this phone's key first.";
  else if (!d) t = "Add a door first.";
  else if (!d.policy) t = "Import this phone's enrolment for " + d.lock_id + " first: then the app knows what it may delegate.";
  else if (!d.policy.roles.includes("owner")) t = "Only an owner phone may enrol another phone; this phone may sign " + allowedRoles(d.policy).join(", ") + ".";
  else t = `This phone may enrol phones for ${d.lock_id}: any roles, windows up to ${humanDuration(d.policy.max_window_ms)}` + (d.policy.hours ? `, hours ${d.policy.hours}` : "") + ".";
  $("enrol-may").textContent = t;
  if (d?.policy && !$("enrol-max-days").dataset.touched) $("enrol-max-days").value = String(Math.max(1, Math.min(maxDays(d.policy), 62)));
}

async function makeEnrolment() {
  say("enrol-error", "");
  show("enrol-out", false);
  const d = doorById($("enrol-door").value);
  const f = {
    key: $("enrol-key").value, name: $("enrol-name").value.trim(),
    roles: ["owner", "guest", "delivery", "service"].filter((r) => $("enrol-role-" + r).checked),
    maxDays: Number($("enrol-max-days").value), onceOnly: $("enrol-once-only").checked,
  };
  let plan;
  try { plan = planEnrolment(f, { myKey: S.key?.pub, policy: d?.policy, card: d, now: Date.now() }); } catch (e) { say("enrol-error", errText(e)); return; }
  const text = await sign(S.key.privateKey, plan.payload, S.key.kid);
  $("enrol-qr").replaceChildren(qrSvg(text, "L", "QR code of the enrolment"));
  $("enrol-text").value = text;
  show("enrol-out", true);
  $("enrol-out").scrollIntoView({ block: "start" });
}

// ---------- scanner ----------
let stopScan = null;
async function scan(title, onText) {
  $("scan-title").textContent = title;
  $("scan-status").textContent = "Starting the camera…";
  show("scanner", true);
  try {
    stopScan = await startScan($("scan-video"), (text) => { stopScan = null; show("scanner", false); onText(text.trim()); });
    $("scan-status").textContent = "Looking for a QR code…";
  } catch (e) {
    stopScan = null;
    $("scan-status").textContent = e.name === "NotAllowedError" ? "The camera was not allowed. Allow it in the browser's site settings, or paste the text instead."
      : "No camera: " + errText(e) + ". Paste the text instead.";
  }
}
function cancelScan() { if (stopScan) stopScan(); stopScan = null; show("scanner", false); }

// ---------- settings: storage and lock ----------
async function renderStorage() {
  let kept = false;
  try { kept = !!(await navigator.storage?.persisted?.()); } catch { kept = false; }
  $("storage-state").textContent = kept ? "Storage: kept: the browser will not clear it." : "Storage: not guaranteed: install the app to the home screen (see below), or the browser may clear the key and passes.";
}

async function pinHash(pin, salt, iterations) {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 256));
}
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

async function setLock() {
  const pin = $("lock-pin").value;
  if (!/^\d{4,}$/.test(pin)) { say("lock-result", "The PIN must be at least 4 digits."); return; }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  await store.put("lock", { salt, hash: await pinHash(pin, salt, 200000), iterations: 200000 });
  $("lock-pin").value = "";
  say("lock-result", "Lock set: the app asks for this PIN when it opens.", "ok");
  renderLockState();
}
async function clearLock() {
  await store.del("lock");
  say("lock-result", "Lock removed.", "ok");
  renderLockState();
}
async function renderLockState() {
  const l = await store.get("lock");
  $("lock-state").textContent = l ? "The app lock is on." : "The app lock is off.";
  show("lock-clear", !!l);
}

async function unlock(lock) {
  const pin = $("unlock-pin").value;
  $("unlock-go").disabled = true;
  try {
    if (/^\d{4,}$/.test(pin) && sameBytes(await pinHash(pin, lock.salt, lock.iterations), lock.hash)) {
      $("unlock-pin").value = "";
      show("lock-screen", false);
      await openApp();
    } else say("unlock-error", "Wrong PIN.");
  } finally { $("unlock-go").disabled = false; }
}

// ---------- start ----------
function renderAll() {
  renderDoors();
  renderKey();
  doorChanged(false);
  renderPasses();
  renderEnrolMay();
}

async function probeDoor() {
  try {
    const r = await fetch("/card", { cache: "no-store" });
    if (!r.ok) return;
    const text = (await r.text()).trim();
    if (!text.startsWith("v4.public.")) return;
    const card = await verifyCard(text);
    S.servedDoorId = card.door_id;
    show("card-fetch", true);
    html.dataset.servedByDoor = "true";
  } catch { /* not served by a door, or offline */ }
}

async function fetchCard() {
  say("card-error", "");
  try {
    const r = await fetch("/card", { cache: "no-store" });
    if (!r.ok) throw new Error("the door answered HTTP " + r.status);
    await addCard(await r.text());
  } catch (e) { say("card-error", "Could not read this door's card: " + errText(e)); }
}

let opened = false;
async function openApp() {
  if (opened) return;
  opened = true;
  show("boot", false);
  show("app", true);
  if (!window.isSecureContext || !globalThis.crypto?.subtle) say("app-problem", keyProblem(null));
  try {
    S.key = (await store.get("key")) || null;
    S.name = (await store.get("name")) || "my-phone";
    S.doors = await store.doors();
    S.passes = await store.passes();
  } catch (e) { say("app-problem", "This browser does not let the app keep data here (" + errText(e) + "). iOS Private Browsing and Lockdown Mode cannot keep keys: use a normal window."); }
  $("phone-name").value = S.name;
  renderAll();
  setDefaultTimes();
  hoursPreview();
  renderStorage();
  renderLockState().catch(() => {});
  await probeDoor();
  html.dataset.ready = "true";
}

function wire() {
  on("create-key", "click", createKey);
  on("phone-name", "input", nameChanged);
  on("enrol-command-copy", "click", async () => say("import-result", (await copyText($("enrol-command").textContent)) ? "Command copied." : "Copy failed: select the command and copy it.", "ok"));
  on("import-enrolment-go", "click", () => doImportEnrolment($("import-enrolment").value));
  on("import-enrolment-scan", "click", () => scan("Scan the enrolment QR", (t) => { $("import-enrolment").value = t; return doImportEnrolment(t); }));
  on("card-add", "click", () => addCard($("card-text").value));
  on("card-scan", "click", () => scan("Scan the door card QR", (t) => { $("card-text").value = t; return addCard(t); }));
  on("card-fetch", "click", fetchCard);
  on("pass-door", "change", () => doorChanged(true));
  on("pass-form", "submit", issuePass);
  on("pass-weekly", "change", hoursPreview);
  for (const d of DAY_IDS) on("pass-day-" + d, "change", hoursPreview);
  on("pass-hours-from", "input", hoursPreview);
  on("pass-hours-until", "input", hoursPreview);
  on("pass-share", "click", sharePass);
  on("pass-close", "click", () => { show("pass-view", false); $("sec-passes").scrollIntoView({ block: "start" }); });
  on("revocations-send", "click", sendRevocations);
  on("revocations-copy", "click", async () => say("revocations-result", (await copyText($("revocations-text").value, $("revocations-text"))) ? "copied" : "Copy failed: select the text and copy it.", "ok"));
  on("read-go", "click", readPass);
  on("read-scan", "click", () => scan("Scan the pass", (t) => { $("read-text").value = t; return readPass(); }));
  on("enrol-door", "change", renderEnrolMay);
  on("enrol-max-days", "input", () => { $("enrol-max-days").dataset.touched = "1"; });
  on("enrol-go", "click", makeEnrolment);
  on("enrol-scan", "click", () => scan("Scan the other phone's key", (t) => { $("enrol-key").value = t; }));
  on("enrol-copy", "click", async () => { await copyText($("enrol-text").value, $("enrol-text")); });
  on("scan-cancel", "click", cancelScan);
  on("lock-set", "click", setLock);
  on("lock-clear", "click", clearLock);
}

async function main() {
  wire();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").then(() => navigator.serviceWorker.ready).then(() => { html.dataset.sw = "ready"; }).catch((e) => { html.dataset.sw = "failed: " + e.message; });
  }
  let lock = null;
  try { lock = await store.get("lock"); } catch { lock = null; }
  if (lock) {
    show("boot", false);
    show("lock-screen", true);
    html.dataset.ready = "locked";
    on("unlock-go", "click", () => unlock(lock));
    on("unlock-pin", "keydown", (e) => { if (e.key === "Enter") return unlock(lock); });
    $("unlock-pin").focus();
  } else await openApp();
}

main().catch((e) => { show("boot", false); show("app", true); say("app-problem", "The app failed to start: " + errText(e)); });
