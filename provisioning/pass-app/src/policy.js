// What the door lets a key sign (its issuer policy), and the door's reasons for refusing.
export const ROLES = ["owner", "guest", "delivery", "service"];
const DAY = 86400000, HOUR = 3600000, MINUTE = 60000;

/** latchkey durations: 90s, 30m, 4h, 1h30m, 62d (units from days down to ms, each at most once). */
export function parseDuration(text) {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text ?? "");
  if (!text || text.length > 32 || !m) throw new Error(`'${text}' is not a duration like 90m, 4h, 1h30m or 62d`);
  const n = (i) => (m[i] ? Number(m[i]) : 0);
  return n(1) * DAY + n(2) * HOUR + n(3) * MINUTE + n(4) * 1000 + n(5);
}

/** "62 days", "1 hour 30 minutes", "70 days 2 hours". */
export function humanDuration(ms) {
  const parts = [];
  const unit = (n, w) => { if (n) parts.push(n + " " + w + (n === 1 ? "" : "s")); };
  const d = Math.floor(ms / DAY); ms -= d * DAY;
  const h = Math.floor(ms / HOUR); ms -= h * HOUR;
  const mi = Math.floor(ms / MINUTE); ms -= mi * MINUTE;
  unit(d, "day"); unit(h, "hour"); unit(mi, "minute"); unit(Math.round(ms / 1000), "second");
  return parts.length ? parts.join(" ") : "0 seconds";
}

/** A policy learned from an enrolment: {name, roles, max_window, max_window_ms, hours?, once_only}. */
export function allowedRoles(policy) {
  if (!policy) return [];
  return policy.roles.includes("owner") ? ROLES.slice() : ROLES.filter((r) => policy.roles.includes(r));
}

export const mayList = (policy) => (policy.roles.includes("owner") ? "every role (owner)" : policy.roles.join(", "));

export function describePolicy(policy) {
  let s = "may sign: " + mayList(policy) + " · longest window " + humanDuration(policy.max_window_ms);
  if (policy.once_only) s += " · once passes only";
  if (policy.hours) s += " · hours " + policy.hours;
  return s;
}

export class Refusal extends Error {
  constructor(reason, detail) { super(reason + ": " + detail); this.reason = reason; }
}

export function checkRole(policy, role) {
  if (!allowedRoles(policy).includes(role)) {
    throw new Refusal("ROLE_NOT_ALLOWED", "this phone may sign " + allowedRoles(policy).join(", "));
  }
}

export function checkWindow(policy, spanMs) {
  if (spanMs > policy.max_window_ms) {
    throw new Refusal("WINDOW_TOO_LONG", `this phone may grant at most ${humanDuration(policy.max_window_ms)}; this pass spans ${humanDuration(spanMs)}`);
  }
}

export function checkUse(policy, use) {
  if (policy.once_only && use !== "once") throw new Refusal("USE_NOT_ALLOWED", "this phone may issue only once passes");
}
