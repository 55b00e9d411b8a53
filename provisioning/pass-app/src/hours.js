// Weekly hours, as latchkey writes them: "Mon-Fri 08:00-18:00; Sat 09:00-13:00".
export const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Days (indexes 0=Mon..6=Sun) as runs: Mon-Fri, Fri-Mon over the weekend, Mon,Wed — as the door writes them. */
export function writeDays(indexes) {
  const has = new Set(indexes);
  if (has.size === 0) throw new Error("no day ticked");
  let start = 0;
  if (has.has(0) && has.has(6) && has.size < 7) {
    while (has.has(start)) start++; // the first day missing: runs start after it
    start++;
  }
  const runs = [];
  for (let k = 0; k < 7;) {
    const d = (start + k) % 7;
    if (!has.has(d)) { k++; continue; }
    let end = k;
    while (end + 1 < 7 && has.has((start + end + 1) % 7)) end++;
    runs.push(end === k ? DAYS[d] : DAYS[d] + "-" + DAYS[(start + end) % 7]);
    k = end + 1;
  }
  return runs.join(",");
}

const minute = (t) => {
  const m = /^(\d{2}):(\d{2})$/.exec(t ?? "");
  if (!m) return NaN;
  const h = +m[1], mi = +m[2];
  if (h > 24 || mi > 59 || (h === 24 && mi !== 0)) return NaN;
  return h * 60 + mi;
};

/** One rule from the form. An end of "00:00" means midnight at the end of the day (24:00). */
export function writeRule(dayIndexes, from, until) {
  if (until === "00:00") until = "24:00";
  const a = minute(from), b = minute(until);
  if (Number.isNaN(a) || Number.isNaN(b)) throw new Error("give the weekly hours as HH:MM");
  if (b <= a) throw new Error(`weekly hours: the end (${until}) must come after the start (${from}); write an overnight range as two rules`);
  return writeDays(dayIndexes) + " " + from + "-" + until;
}

const RULE = /^([A-Za-z]{3}(?:-[A-Za-z]{3})?(?:,[A-Za-z]{3}(?:-[A-Za-z]{3})?)*)\s+(\d{2}:\d{2})-(\d{2}:\d{2})$/;

/** Parses an hours text; returns rules [{days:Set, from, until}] or throws with what is wrong. */
export function parseHours(text) {
  if (typeof text !== "string") throw new Error("hours must be text");
  if (text.length > 200) throw new Error("hours text is longer than 200 characters");
  const rules = [];
  for (const part of text.split(";")) {
    const rule = part.trim();
    const m = RULE.exec(rule);
    if (!m) throw new Error(`'${rule}' is not of the form 'Mon-Sat 08:00-20:00'`);
    const days = new Set();
    for (const range of m[1].split(",")) {
      const ends = range.split("-").map((n) => DAYS.findIndex((d) => d.toLowerCase() === n.toLowerCase()));
      if (ends.includes(-1)) throw new Error(`'${rule}': unknown day (Mon Tue Wed Thu Fri Sat Sun)`);
      for (let d = ends[0]; ; d = (d + 1) % 7) { days.add(d); if (d === ends[ends.length - 1]) break; }
    }
    const a = minute(m[2]), b = minute(m[3]);
    if (Number.isNaN(a) || Number.isNaN(b)) throw new Error(`'${rule}': not a time of day`);
    if (b <= a) throw new Error(`'${rule}': the end must be after the start`);
    rules.push({ days, from: a, until: b });
  }
  return rules;
}
