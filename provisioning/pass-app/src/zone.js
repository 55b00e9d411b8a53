// Door-local wall time <-> UTC for any IANA zone, with Intl only.
const fmts = new Map();
function fmt(tz) {
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short",
    });
    fmts.set(tz, f);
  }
  return f;
}

export function isZone(tz) {
  try { fmt(tz); return typeof tz === "string" && tz.length > 0; } catch { return false; }
}

/** The wall clock in `tz` at UTC instant `ms`: {y, mo, d, h, mi, s, wd, date:"YYYY-MM-DD", time:"HH:MM"}. */
export function wallAt(ms, tz) {
  const p = {};
  for (const { type, value } of fmt(tz).formatToParts(new Date(ms))) p[type] = value;
  const w = { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second, wd: p.weekday };
  w.date = `${String(w.y).padStart(4, "0")}-${p.month}-${p.day}`;
  w.time = `${String(w.h).padStart(2, "0")}:${p.minute}`;
  return w;
}

/** Offset of `tz` from UTC at instant `ms`, in ms (Berlin summer: +7200000). */
export function offsetAt(ms, tz) {
  const w = wallAt(ms, tz);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - (Math.floor(ms / 1000) * 1000);
}

export class ZoneError extends Error {}

/**
 * The UTC instant (ms) of wall time `date` ("YYYY-MM-DD") `time` ("HH:MM") in `tz`.
 * Throws ZoneError naming the time when it does not exist (clocks go forward) or exists twice.
 */
export function localToUtc(date, time, tz) {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? ""), tm = /^(\d{2}):(\d{2})$/.exec(time ?? "");
  if (!dm) throw new ZoneError("pick a date");
  if (!tm) throw new ZoneError("pick a time");
  const wall = Date.UTC(+dm[1], +dm[2] - 1, +dm[3], +tm[1], +tm[2]);
  const offsets = new Set([offsetAt(wall - 86400000, tz), offsetAt(wall, tz), offsetAt(wall + 86400000, tz)]);
  const hits = [];
  for (const o of offsets) {
    const utc = wall - o;
    const w = wallAt(utc, tz);
    if (w.date === date && w.time === time && !hits.includes(utc)) hits.push(utc);
  }
  if (hits.length === 0) throw new ZoneError(`${date} ${time} does not exist in ${tz} (the clocks go forward)`);
  if (hits.length > 1) throw new ZoneError(`${date} ${time} exists twice in ${tz} (the clocks go back): pick another time`);
  if (+dm[1] < 1970 || hits[0] >= Date.UTC(10000, 0, 1)) throw new ZoneError("pick a date from 1970 to 9999");
  return hits[0];
}

/** "Sun 2027-03-28 03:30" in `tz`. */
export function showLocal(ms, tz) {
  const w = wallAt(ms, tz);
  return `${w.wd} ${w.date} ${w.time}`;
}

/** "Sat 2026-12-05 14:00 – 16:00 (Europe/Berlin)", or both ends in full on different days. */
export function showRange(fromMs, untilMs, tz) {
  const a = wallAt(fromMs, tz), b = wallAt(untilMs, tz);
  const end = a.date === b.date ? b.time : `${b.wd} ${b.date} ${b.time}`;
  return `${a.wd} ${a.date} ${a.time} – ${end} (${tz})`;
}
