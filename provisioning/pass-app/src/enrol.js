// Enrolment documents: an owner phone lets the door trust another phone's key.
import { randomId } from "./b64url.js";
import { parse, claimsOf, verify, DocError } from "./paseto.js";
import { isK4Public, k4Pid } from "./paserk.js";
import { parseDuration, humanDuration, ROLES, Refusal, allowedRoles } from "./policy.js";
import { parseHours } from "./hours.js";
import { NAME_RE, checkName } from "./text.js";

const JTI_RE = /^[A-Za-z0-9_-]{16,64}$/;

/** Checks an enrolment's claims; returns the policy it gives its key. Throws DocError. */
export function policyOf(c) {
  const bad = (d) => new DocError("MALFORMED", "enrolment: " + d);
  if (c.typ !== "latchkey-enrolment") throw bad('typ is not "latchkey-enrolment"');
  if (typeof c.aud !== "string") throw bad("no aud");
  if (typeof c.jti !== "string" || !JTI_RE.test(c.jti)) throw bad("jti must be 16–64 of A–Z a–z 0–9 _ -");
  if (typeof c.name !== "string" || !NAME_RE.test(c.name)) throw bad("name must be 1–64 letters, digits, space . _ -");
  if (!isK4Public(c.key)) throw bad("key is not a k4.public key");
  if (!Array.isArray(c.roles) || c.roles.length === 0 || c.roles.some((r) => !ROLES.includes(r))) throw bad('roles must be a list of "owner", "delivery", "service", "guest"');
  let ms;
  try { ms = parseDuration(c.max_window); } catch (e) { throw bad(e.message); }
  if (ms <= 0 || ms > 366 * 86400000) throw bad("max_window must be more than 0, at most 366d");
  if (c.hours !== undefined) { try { parseHours(c.hours); } catch (e) { throw bad("hours: " + e.message); } }
  if (c.once_only !== undefined && typeof c.once_only !== "boolean") throw bad("once_only must be true or false");
  const p = { name: c.name, roles: [...new Set(c.roles)], max_window: c.max_window, max_window_ms: ms, once_only: c.once_only === true };
  if (c.hours !== undefined) p.hours = c.hours;
  return p;
}

/**
 * Reads an enrolment for THIS phone's key. ctx: {myKey (k4.public), myKid, doors: [card]}.
 * Returns {policy, door, signer: text}. Verifies when signed by the door's owner or this phone.
 */
export async function importEnrolment(text, ctx) {
  const t = parse(String(text ?? "").trim());
  const c = claimsOf(t, "enrolment");
  const policy = policyOf(c);
  if (c.key !== ctx.myKey) throw new DocError("WRONG_KEY", "this enrolment is for another key (" + k4Pid(c.key) + "), not this phone's");
  const door = ctx.doors.find((d) => d.door_id === c.aud);
  if (!door) throw new DocError("WRONG_LOCK", `this enrolment is for door ${c.aud}, which this app does not hold yet: add the door's card first (Doors)`);
  let signer;
  if (door.owner_kid && t.kid === door.owner_kid) {
    await verify(t, door.owner_key, "enrolment");
    signer = "signed by the door's owner (checked)";
  } else if (t.kid === ctx.myKid) {
    throw new DocError("BAD_SIGNATURE", "this phone signed it for itself: only an owner key may enrol this phone");
  } else {
    signer = "signed by " + t.kid + " (not checked)";
  }
  return { policy, door, signer, claims: c };
}

/** The days in a max_window (whole days only in the form). */
export const maxDays = (policy) => Math.floor(policy.max_window_ms / 86400000);

/**
 * Plans an enrolment for another phone. f: {key, name, roles:[], maxDays, onceOnly}; ctx: {myKey, policy, card, now, jti?}
 * Returns {claims, payload}. Refuses what the door would.
 */
export function planEnrolment(f, ctx) {
  if (!ctx.myKey) throw new Error("Create this phone's key first (My key).");
  if (!ctx.card) throw new Error("Add the door first (Doors).");
  if (!ctx.policy) throw new Error("This phone does not know yet what this door lets it sign: import its enrolment first (My key).");
  if (!ctx.policy.roles.includes("owner")) throw new Refusal("ROLE_NOT_ALLOWED", "only an owner phone may enrol another phone; this phone may sign " + allowedRoles(ctx.policy).join(", "));
  const key = (f.key ?? "").trim();
  if (!isK4Public(key)) throw new Error("paste the other phone's key: k4.public… (43 characters after k4.public.)");
  if (key === ctx.myKey) throw new Error("that is this phone's own key");
  if (key === ctx.card.door_key) throw new Error("that is the door's own key: it never grants access");
  checkName("name", f.name ?? "");
  if (!f.roles || f.roles.length === 0) throw new Error("tick at least one role");
  const allowed = allowedRoles(ctx.policy);
  const extra = f.roles.filter((r) => !allowed.includes(r));
  if (extra.length) throw new Refusal("ROLE_NOT_ALLOWED", "this phone may sign " + allowed.join(", "));
  const days = Number(f.maxDays);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error("longest window: whole days, 1 to 366");
  const ms = days * 86400000;
  if (ms > ctx.policy.max_window_ms) throw new Refusal("WINDOW_TOO_LONG", `this phone may grant at most ${humanDuration(ctx.policy.max_window_ms)}; this enrolment allows ${humanDuration(ms)}`);
  const now = ctx.now;
  const claims = {
    typ: "latchkey-enrolment", aud: ctx.card.door_id, jti: ctx.jti ?? randomId(),
    // iat two minutes back (a phone's clock a little fast), exp ten ahead: 12 of the 15 minutes allowed
    iat: new Date(now - 2 * 60000).toISOString(), exp: new Date(now + 10 * 60000).toISOString(),
    name: f.name, key, roles: ROLES.filter((r) => f.roles.includes(r)), max_window: days + "d",
  };
  if (ctx.policy.hours) claims.hours = ctx.policy.hours; // never more than this phone's own hours
  if (f.onceOnly || ctx.policy.once_only) claims.once_only = true;
  return { claims, payload: JSON.stringify(claims) };
}

// The name goes into a command for a root shell: only a name of the door's own rule gets there.
export const enrolCommand = (name, key) =>
  `sudo latchkey issuer enrol --config /etc/latchkey/latchkey.toml --name "${NAME_RE.test(name) ? name : "my-phone"}" --key ${key} --roles owner --max-window 62d`;
