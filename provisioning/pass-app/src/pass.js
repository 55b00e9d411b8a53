// Access passes: the up-front checks a door would make, the claims, and how a pass reads.
import { randomId, utf8 } from "./b64url.js";
import { localToUtc, showRange, ZoneError } from "./zone.js";
import { writeRule } from "./hours.js";
import { checkRole, checkUse, checkWindow, Refusal } from "./policy.js";
import { checkText } from "./text.js";

export const ROLE_LABEL = { owner: "owner", guest: "guest", delivery: "delivery", service: "service" };
export const USE_LABEL = { once: "once (opens the door one time)", window: "window (any number of times inside the window)" };

/**
 * Everything the form says, checked as the door would check it. Returns {claims, payload}.
 * f: {sub, role, use, fromDate, fromTime, untilDate, untilTime, weekly, days:[0..6], hoursFrom, hoursUntil}
 * ctx: {key: {kid, name}|null, card|null, policy|null, now: ms, jti?}
 */
export function planPass(f, ctx) {
  if (!ctx.key) throw new Error("Create this phone's key first (My key).");
  if (!ctx.card) throw new Error("Add a door first (Doors): paste or scan its door card.");
  if (!ctx.policy) throw new Error("This phone does not know yet what this door lets it sign: import the enrolment first (My key).");
  const tz = ctx.card.tz;
  checkText("who", f.sub ?? "");
  checkText("this phone's name", ctx.key.name ?? "");
  checkRole(ctx.policy, f.role);
  if (f.use !== "once" && f.use !== "window") throw new Error("pick once or window");
  checkUse(ctx.policy, f.use);
  let from, until;
  try {
    from = localToUtc(f.fromDate, f.fromTime, tz);
    until = localToUtc(f.untilDate, f.untilTime, tz);
  } catch (e) {
    if (e instanceof ZoneError) throw new Error(e.message);
    throw e;
  }
  if (until <= from) throw new Error("until must be after from");
  if (until <= ctx.now) throw new Error("this pass would already be over: until lies in the past");
  checkWindow(ctx.policy, until - from);
  let hours;
  if (f.weekly) {
    if (!f.days || f.days.length === 0) throw new Error("weekly schedule: tick at least one day");
    hours = writeRule(f.days, f.hoursFrom, f.hoursUntil);
  }
  const claims = {
    iss: ctx.key.name, aud: ctx.card.door_id, jti: ctx.jti ?? randomId(),
    // iat a few minutes back: a phone whose clock runs fast still makes a pass the door takes now
    // (it refuses an iat ahead of its clock); the profile lets iat lie in the past.
    iat: new Date(ctx.now - 5 * 60000).toISOString(), nbf: new Date(from).toISOString(), exp: new Date(until).toISOString(),
    use: f.use, role: f.role,
  };
  if (f.sub) claims.sub = f.sub;
  if (hours) claims.hours = hours;
  const payload = JSON.stringify(claims);
  if (utf8(payload).length > 1024) throw new Refusal("MALFORMED", "the pass would be longer than 1024 bytes: shorten who");
  return { claims, payload };
}

/** Lines [label, value] describing a pass's claims, times in the door's zone when the door is known. */
export function describePass(claims, card) {
  const tz = card ? card.tz : "UTC";
  const nbf = Date.parse(claims.nbf), exp = Date.parse(claims.exp);
  const lines = [
    ["who", claims.sub ? String(claims.sub) : "(not named)"],
    ["role", String(claims.role)],
    ["use", USE_LABEL[claims.use] ?? String(claims.use)],
    ["when", Number.isFinite(nbf) && Number.isFinite(exp) ? showRange(nbf, exp, tz) : `${claims.nbf} – ${claims.exp}`],
    ["hours", claims.hours ? `${claims.hours} (${card ? tz : "the door's local time"})` : "any time in the window"],
    ["door", card ? `${card.lock_id} (${card.door_id})` : `${claims.aud} (a door this app does not hold)`],
  ];
  if (claims.iss) lines.push(["issued by", String(claims.iss)]);
  return lines;
}

export function passState(p, now) {
  if (p.revoked) return "revoked";
  if (Date.parse(p.claims.exp) <= now) return "expired";
  return "valid";
}
