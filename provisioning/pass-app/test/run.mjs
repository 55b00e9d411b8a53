// node test/run.mjs — plain node:assert checks of the app's modules (Node 20: WebCrypto Ed25519).
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { blake2b } from "../src/blake2b.js";
import { k4Public, k4Pid, fingerprint, rawOf } from "../src/paserk.js";
import { sign, signWithFooter, parse, verify, claimsOf } from "../src/paseto.js";
import { encode, decode, utf8 } from "../src/b64url.js";
import { verifyCard } from "../src/card.js";
import { writeDays, writeRule, parseHours } from "../src/hours.js";
import { localToUtc, showRange } from "../src/zone.js";
import { planPass, describePass } from "../src/pass.js";
import { importEnrolment, planEnrolment, policyOf, enrolCommand } from "../src/enrol.js";
import { parseDuration, humanDuration } from "../src/policy.js";
import { revocationPayload } from "../src/revocation.js";
import { checkText } from "../src/text.js";

const here = new URL(".", import.meta.url).pathname;
// The published PASERK and PASETO vectors, as latchkey's own tests use them (with their licence).
const vecDir = here + "../../../controller/src/test/resources/vectors";
if (!existsSync(vecDir + "/paserk-k4.pid.json")) throw new Error("vectors not found in " + vecDir);
let passed = 0;
const tests = [];
const test = (name, fn) => tests.push([name, fn]);
const hex = (h) => Uint8Array.from(h.match(/../g).map((x) => parseInt(x, 16)));

async function newKey() {
  const kp = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const pub = k4Public(new Uint8Array(await crypto.subtle.exportKey("raw", kp.publicKey)));
  return { ...kp, pub, kid: k4Pid(pub) };
}

test("BLAKE2b-512 of 'abc' (RFC 7693 appendix A)", () => {
  const h = Buffer.from(blake2b(utf8("abc"), 64)).toString("hex");
  assert.ok(h.startsWith("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b7"));
  // more than one block
  assert.equal(blake2b(new Uint8Array(300), 33).length, 33);
});

test("PASERK k4.pid vectors (" + vecDir + ")", () => {
  const v = JSON.parse(readFileSync(vecDir + "/paserk-k4.pid.json", "utf8"));
  let n = 0;
  for (const t of v.tests) {
    if (t["expect-fail"]) {
      assert.throws(() => rawOf("k4.public." + encode(hex(t.key))));
      continue;
    }
    assert.equal(k4Pid(k4Public(hex(t.key))), t.paserk, t.name);
    n++;
  }
  assert.equal(n, 3);
});

test("PASETO vector 4-S-2 signed with WebCrypto in Node, byte for byte", async () => {
  const v = JSON.parse(readFileSync(vecDir + "/paseto-v4.json", "utf8")).tests.find((t) => t.name === "4-S-2");
  const der = Buffer.from(v["secret-key-pem"].replace(/-----[^-]+-----|\s/g, ""), "base64");
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
  const token = await signWithFooter(key, v.payload, v.footer);
  assert.equal(token, v.token);
});

test("PASETO sign + verify round trip, tamper and wrong key refused", async () => {
  const k = await newKey(), other = await newKey();
  const payload = '{"a":"b","n":1}';
  const tok = await sign(k.privateKey, payload, k.kid);
  assert.match(tok, /^v4\.public\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const t = parse(tok);
  assert.equal(Buffer.from(t.footer).toString(), '{"kid":"' + k.kid + '"}');
  assert.equal(t.footer.length, 61);
  assert.deepEqual(await verify(t, k.pub), { a: "b", n: 1 });
  await assert.rejects(verify(t, other.pub), (e) => e.reason === "BAD_SIGNATURE");
  const body = decode(tok.split(".")[2]); body[0] ^= 1;
  const bad = parse("v4.public." + encode(body) + "." + tok.split(".")[3]);
  await assert.rejects(verify(bad, k.pub), (e) => e.reason === "BAD_SIGNATURE" && /does not verify/.test(e.message));
  assert.throws(() => parse(tok + "="), (e) => e.reason === "MALFORMED");
  assert.equal(parse(tok + "\n").text, tok);
});

async function makeCard({ lock = "front-door", tz = "Europe/Berlin", endorse = true, endorseLock } = {}) {
  const door = await newKey(), owner = await newKey();
  const c = { typ: "latchkey-door-card", door_id: door.kid, door_key: door.pub, lock_id: lock, tz, iat: "2026-12-07T16:05:20Z" };
  if (endorse) {
    c.endorsement = await sign(owner.privateKey, JSON.stringify({ typ: "latchkey-door-endorsement", door_id: door.kid, door_key: door.pub, lock_id: endorseLock ?? lock, owner_key: owner.pub, iat: "2026-12-07T16:05:20Z" }), owner.kid);
  }
  return { door, owner, text: await sign(door.privateKey, JSON.stringify(c), door.kid) };
}

test("door card: verified, endorsed, fingerprint; refusals name why", async () => {
  const { door, owner, text } = await makeCard();
  const card = await verifyCard(text);
  assert.equal(card.door_id, door.kid);
  assert.equal(card.lock_id, "front-door");
  assert.equal(card.tz, "Europe/Berlin");
  assert.equal(card.endorsed, true);
  assert.equal(card.owner_key, owner.pub);
  assert.match(card.owner_fingerprint, /^[0-9a-f]{4}( [0-9a-f]{4}){7}$/);
  const raw = rawOf(owner.pub);
  const sha = Buffer.from(await crypto.subtle.digest("SHA-256", raw)).toString("hex").slice(0, 32);
  assert.equal(card.owner_fingerprint.replace(/ /g, ""), sha);
  const plain = await verifyCard((await makeCard({ endorse: false })).text);
  assert.equal(plain.endorsed, false);
  await assert.rejects(verifyCard((await makeCard({ endorseLock: "back-door" })).text), /another door key, lock id or fleet/);
  await assert.rejects(verifyCard((await makeCard({ tz: "Mars/Olympus" })).text), /unknown to this browser/);
  // signed by another key than door_key
  const other = await newKey();
  const forged = await sign(other.privateKey, JSON.stringify({ typ: "latchkey-door-card", door_id: door.kid, door_key: door.pub, lock_id: "x", tz: "UTC", iat: "2026-01-01T00:00:00Z" }), door.kid);
  await assert.rejects(verifyCard(forged), (e) => e.reason === "BAD_SIGNATURE");
  const notCard = await sign(door.privateKey, JSON.stringify({ typ: "latchkey-receipt" }), door.kid);
  await assert.rejects(verifyCard(notCard), /typ is not "latchkey-door-card"/);
  await assert.rejects(verifyCard("hello"), (e) => e.reason === "MALFORMED");
});

test("hours writer: ranges, singles, lists, wrap; rule checks", () => {
  assert.equal(writeDays([0, 1, 2, 3, 4]), "Mon-Fri");
  assert.equal(writeDays([1]), "Tue");
  assert.equal(writeDays([0, 2, 4]), "Mon,Wed,Fri");
  assert.equal(writeDays([4, 5, 6, 0]), "Fri-Mon");
  assert.equal(writeDays([0, 1, 3, 6]), "Thu,Sun-Tue");
  assert.equal(writeDays([0, 1, 2, 3, 4, 5, 6]), "Mon-Sun");
  assert.equal(writeDays([5, 6]), "Sat-Sun");
  assert.equal(writeRule([0, 1, 2, 3, 4], "08:00", "18:00"), "Mon-Fri 08:00-18:00");
  assert.equal(writeRule([1], "10:00", "13:00"), "Tue 10:00-13:00");
  assert.equal(writeRule([0, 2, 4], "09:00", "12:00"), "Mon,Wed,Fri 09:00-12:00");
  assert.equal(writeRule([4], "22:00", "00:00"), "Fri 22:00-24:00");
  assert.throws(() => writeRule([1], "13:00", "10:00"), /must come after/);
  assert.throws(() => writeRule([], "10:00", "13:00"), /no day/);
  assert.equal(parseHours("Mon-Fri 08:00-18:00; Sat 09:00-13:00").length, 2);
  assert.throws(() => parseHours("Mon-Fri 08:00-25:00"));
  assert.throws(() => parseHours("Xyz 08:00-09:00"));
});

test("zone: Europe/Berlin and America/New_York, gaps and overlaps", () => {
  assert.throws(() => localToUtc("9999-12-31", "20:00", "America/New_York"), /1970 to 9999/);
  const iso = (ms) => new Date(ms).toISOString();
  assert.equal(iso(localToUtc("2027-07-01", "12:00", "Europe/Berlin")), "2027-07-01T10:00:00.000Z");
  assert.equal(iso(localToUtc("2027-01-15", "12:00", "Europe/Berlin")), "2027-01-15T11:00:00.000Z");
  assert.equal(iso(localToUtc("2027-03-28", "01:59", "Europe/Berlin")), "2027-03-28T00:59:00.000Z");
  assert.equal(iso(localToUtc("2027-03-28", "03:00", "Europe/Berlin")), "2027-03-28T01:00:00.000Z");
  assert.throws(() => localToUtc("2027-03-28", "02:30", "Europe/Berlin"), { message: "2027-03-28 02:30 does not exist in Europe/Berlin (the clocks go forward)" });
  assert.throws(() => localToUtc("2027-10-31", "02:30", "Europe/Berlin"), { message: "2027-10-31 02:30 exists twice in Europe/Berlin (the clocks go back): pick another time" });
  assert.equal(iso(localToUtc("2027-10-31", "03:00", "Europe/Berlin")), "2027-10-31T02:00:00.000Z");
  assert.equal(iso(localToUtc("2027-01-15", "09:00", "America/New_York")), "2027-01-15T14:00:00.000Z");
  assert.equal(iso(localToUtc("2027-07-04", "09:00", "America/New_York")), "2027-07-04T13:00:00.000Z");
  assert.throws(() => localToUtc("2027-03-14", "02:30", "America/New_York"), /does not exist in America\/New_York/);
  assert.throws(() => localToUtc("2027-11-07", "01:30", "America/New_York"), /exists twice in America\/New_York/);
  assert.equal(iso(localToUtc("2027-05-05", "00:00", "UTC")), "2027-05-05T00:00:00.000Z");
  assert.equal(iso(localToUtc("2027-05-05", "10:00", "Asia/Kolkata")), "2027-05-05T04:30:00.000Z");
  assert.equal(showRange(Date.parse("2026-12-05T13:00:00Z"), Date.parse("2026-12-05T15:00:00Z"), "Europe/Berlin"), "Sat 2026-12-05 14:00 – 16:00 (Europe/Berlin)");
});

const CARD = { door_id: "k4.pid.x2Qiwh7TmBXx8gGYzwnE1LxyntULJCtdHrMEYN6WzNHW", tz: "Europe/Berlin", lock_id: "front-door" };
const KEY = { kid: "k4.pid.w1TirmkGzxtY6LJ8jqxXCo6VgVGnbqJLjWF_J97DzXWf", name: "my-phone" };
const POLICY = (o = {}) => ({ name: "my-phone", roles: ["owner"], max_window: "62d", max_window_ms: 62 * 86400000, once_only: false, ...o });
const NOW = Date.parse("2027-06-01T08:00:00Z");
const FORM = (o = {}) => ({ sub: "Anna", role: "guest", use: "window", fromDate: "2027-06-01", fromTime: "12:00", untilDate: "2027-06-01", untilTime: "14:00", weekly: false, days: [], hoursFrom: "08:00", hoursUntil: "18:00", ...o });
const ctx = (o = {}) => ({ key: KEY, card: CARD, policy: POLICY(), now: NOW, jti: "AAAAAAAAAAAAAAAAAAAAAA", ...o });

test("pass claims: order, times in UTC from the door's zone, hours, size", () => {
  const { claims, payload } = planPass(FORM({ weekly: true, days: [0, 1, 2, 3, 4], sub: "cleaner" , untilDate: "2027-07-31"}), ctx());
  assert.equal(payload, '{"iss":"my-phone","aud":"' + CARD.door_id + '","jti":"AAAAAAAAAAAAAAAAAAAAAA","iat":"2027-06-01T07:55:00.000Z","nbf":"2027-06-01T10:00:00.000Z","exp":"2027-07-31T12:00:00.000Z","use":"window","role":"guest","sub":"cleaner","hours":"Mon-Fri 08:00-18:00"}');
  const d = Object.fromEntries(describePass(claims, CARD));
  assert.equal(d.when, "Tue 2027-06-01 12:00 – Sat 2027-07-31 14:00 (Europe/Berlin)");
  assert.equal(d.hours, "Mon-Fri 08:00-18:00 (Europe/Berlin)");
  const r = planPass(FORM(), { ...ctx(), jti: undefined });
  assert.match(r.claims.jti, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(r.claims.sub, "Anna");
});

test("up-front refusals name the door's reason", () => {
  const refuse = (f, c, msg) => assert.throws(() => planPass(FORM(f), ctx(c)), { message: msg });
  refuse({ role: "owner" }, { policy: POLICY({ roles: ["guest", "delivery"] }) }, "ROLE_NOT_ALLOWED: this phone may sign guest, delivery");
  refuse({ untilDate: "2027-08-10", untilTime: "12:00" }, {}, "WINDOW_TOO_LONG: this phone may grant at most 62 days; this pass spans 70 days");
  refuse({ use: "window" }, { policy: POLICY({ once_only: true }) }, "USE_NOT_ALLOWED: this phone may issue only once passes");
  refuse({ untilTime: "12:00" }, {}, "until must be after from");
  refuse({ untilTime: "11:00" }, {}, "until must be after from");
  refuse({ weekly: true, days: [] }, {}, "weekly schedule: tick at least one day");
  refuse({ fromDate: "2027-03-28", fromTime: "02:30", untilDate: "2027-03-28", untilTime: "05:00" }, { now: Date.parse("2027-03-01T00:00:00Z") }, "2027-03-28 02:30 does not exist in Europe/Berlin (the clocks go forward)");
  refuse({}, { policy: null }, "This phone does not know yet what this door lets it sign: import the enrolment first (My key).");
  refuse({}, { key: null }, "Create this phone's key first (My key).");
  refuse({}, { card: null }, "Add a door first (Doors): paste or scan its door card.");
  refuse({ sub: "a\tb" }, {}, "who may not contain control characters, invisible characters or special spaces");
  refuse({ sub: "ad\u200Bmin" }, {}, "who may not contain control characters, invisible characters or special spaces");
  refuse({ untilDate: "2027-05-01", fromDate: "2027-04-30" }, {}, "this pass would already be over: until lies in the past");
  assert.doesNotThrow(() => planPass(FORM({ sub: "Zoë 🚚" }), ctx()));
  assert.doesNotThrow(() => planPass(FORM({ untilDate: "2027-08-02", untilTime: "12:00" }), ctx())); // exactly 62 days
  assert.throws(() => planPass(FORM({ untilDate: "2027-08-02", untilTime: "12:01" }), ctx()), /WINDOW_TOO_LONG: .* this pass spans 62 days 1 minute$/);
  assert.doesNotThrow(() => planPass(FORM({ role: "delivery" }), ctx({ policy: POLICY({ roles: ["guest", "delivery"] }) })));
  assert.throws(() => checkText("sub", "x".repeat(65)), /longer than 64/);
});

test("durations", () => {
  assert.equal(parseDuration("62d"), 62 * 86400000);
  assert.equal(parseDuration("1h30m"), 90 * 60000);
  assert.equal(parseDuration("90m"), 90 * 60000);
  assert.equal(parseDuration("4h"), 4 * 3600000);
  assert.throws(() => parseDuration("4 hours"));
  assert.throws(() => parseDuration(""));
  assert.equal(humanDuration(70 * 86400000 + 2 * 3600000), "70 days 2 hours");
  assert.equal(humanDuration(3600000), "1 hour");
});

test("enrolment: import own policy (owner-signed checked), refusals, delegation", async () => {
  const { door, owner, text } = await makeCard();
  const card = await verifyCard(text);
  const me = await newKey();
  const doc = (o = {}, signer = owner) => sign(signer.privateKey, JSON.stringify({ typ: "latchkey-enrolment", aud: card.door_id, jti: "BBBBBBBBBBBBBBBBBBBBBB", iat: "2027-06-01T08:00:00Z", exp: "2027-06-01T08:10:00Z", name: "my-phone", key: me.pub, roles: ["owner"], max_window: "62d", ...o }), signer.kid);
  const r = await importEnrolment(await doc(), { myKey: me.pub, myKid: me.kid, doors: [card] });
  assert.equal(r.signer, "signed by the door's owner (checked)");
  assert.deepEqual(r.policy, { name: "my-phone", roles: ["owner"], max_window: "62d", max_window_ms: 62 * 86400000, once_only: false });
  const stranger = await newKey();
  const r2 = await importEnrolment(await doc({ roles: ["guest"], hours: "Mon-Fri 08:00-18:00", once_only: true }, stranger), { myKey: me.pub, myKid: me.kid, doors: [card] });
  assert.equal(r2.signer, "signed by " + stranger.kid + " (not checked)");
  assert.equal(r2.policy.hours, "Mon-Fri 08:00-18:00");
  await assert.rejects(importEnrolment(await doc(), { myKey: stranger.pub, myKid: stranger.kid, doors: [card] }), /for another key/);
  // a phone cannot give itself a policy
  await assert.rejects(importEnrolment(await doc({}, me), { myKey: me.pub, myKid: me.kid, doors: [card] }), /only an owner key may enrol this phone/);
  // the command for a root shell carries only a name of the door's rule
  assert.ok(!enrolCommand('x"; rm -rf / #', me.pub).includes("rm -rf"));
  assert.ok(enrolCommand("anna phone", me.pub).includes('--name "anna phone"'));
  await assert.rejects(importEnrolment(await doc(), { myKey: me.pub, myKid: me.kid, doors: [] }), /does not hold yet/);
  await assert.rejects(importEnrolment(await doc({ max_window: "400d" }), { myKey: me.pub, myKid: me.kid, doors: [card] }), /at most 366d/);
  // forged: claims the owner's kid, signed by someone else
  const forged = await signWithFooter(stranger.privateKey, JSON.stringify({ typ: "latchkey-enrolment", aud: card.door_id, jti: "BBBBBBBBBBBBBBBBBBBBBB", iat: "x", exp: "y", name: "my-phone", key: me.pub, roles: ["owner"], max_window: "62d" }), '{"kid":"' + owner.kid + '"}');
  await assert.rejects(importEnrolment(forged, { myKey: me.pub, myKid: me.kid, doors: [card] }), (e) => e.reason === "BAD_SIGNATURE");

  // delegating to another phone
  const anna = await newKey();
  const ectx = (o = {}) => ({ myKey: me.pub, policy: r.policy, card, now: NOW, jti: "CCCCCCCCCCCCCCCCCCCCCC", ...o });
  const plan = planEnrolment({ key: anna.pub, name: "anna-phone", roles: ["guest", "delivery"], maxDays: 62 }, ectx());
  assert.equal(plan.payload, '{"typ":"latchkey-enrolment","aud":"' + card.door_id + '","jti":"CCCCCCCCCCCCCCCCCCCCCC","iat":"2027-06-01T07:58:00.000Z","exp":"2027-06-01T08:10:00.000Z","name":"anna-phone","key":"' + anna.pub + '","roles":["guest","delivery"],"max_window":"62d"}');
  assert.deepEqual(policyOf(plan.claims).roles, ["guest", "delivery"]);
  assert.throws(() => planEnrolment({ key: anna.pub, name: "anna-phone", roles: ["guest"], maxDays: 70 }, ectx()), { message: "WINDOW_TOO_LONG: this phone may grant at most 62 days; this enrolment allows 70 days" });
  assert.throws(() => planEnrolment({ key: anna.pub, name: "anna-phone", roles: ["guest"], maxDays: 5 }, ectx({ policy: r2.policy })), { message: "ROLE_NOT_ALLOWED: only an owner phone may enrol another phone; this phone may sign guest" });
  assert.throws(() => planEnrolment({ key: anna.pub, name: "-bad", roles: ["guest"], maxDays: 5 }, ectx()), /name must be/);
  assert.throws(() => planEnrolment({ key: "k4.public.nope", name: "anna", roles: ["guest"], maxDays: 5 }, ectx()), /k4.public/);
  assert.equal(enrolCommand("my-phone", me.pub), `sudo latchkey issuer enrol --config /etc/latchkey/latchkey.toml --name "my-phone" --key ${me.pub} --roles owner --max-window 62d`);
});

test("revocation list payload", () => {
  const { payload, seq } = revocationPayload({ aud: CARD.door_id, entries: [KEY.kid + "/AAAAAAAAAAAAAAAAAAAAAA"], now: 1800000000000, lastSeq: 1800000000000 });
  assert.equal(seq, 1800000000001);
  assert.equal(payload, '{"typ":"latchkey-revocation","aud":"' + CARD.door_id + '","seq":1800000000001,"iat":"2027-01-15T08:00:00.000Z","jti":["' + KEY.kid + '/AAAAAAAAAAAAAAAAAAAAAA"],"kid":[]}');
});

for (const [name, fn] of tests) {
  try { await fn(); passed++; console.log("ok   " + name); } catch (e) { console.log("FAIL " + name); console.log(e); process.exitCode = 1; }
}
console.log(`${passed}/${tests.length} passed`);
