// Revocation lists: each names every pass this phone revoked for the door (a list replaces the last).
/** entries: ["<kid>/<jti>", …]; seq: Date.now(), kept above the last seq sent. */
export function revocationPayload({ aud, entries, now, lastSeq = 0 }) {
  const seq = Math.max(now, lastSeq + 1);
  const claims = { typ: "latchkey-revocation", aud, seq, iat: new Date(now).toISOString(), jti: entries, kid: [] };
  return { claims, payload: JSON.stringify(claims), seq };
}
