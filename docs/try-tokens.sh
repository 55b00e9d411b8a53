#!/usr/bin/env bash
# A tour of latchkey's token layer in a temporary folder: keys, a door config, a courier's token that the
# door accepts, and the same token refused once tampered with, used too late, or shown to another door.
# Builds the project first if needed (through ./latchkey).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lk="$repo/latchkey"
work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-tour.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Echo the command (long tokens shortened, the temp folder as $TOUR), then run it.
show() {
  local shown=() a
  for a in "$@"; do
    if [ "${#a}" -gt 80 ]; then shown+=("${a:0:24}…"); else shown+=("$a"); fi
  done
  printf '$ %s\n' "${shown[*]}" | sed "s|$work|\$TOUR|g; s|$repo/||g" >&2
  "$@"
}

step "The owner and a delivery company each make a key pair"
show "$lk" keys generate --out "$work" --name owner --no-passphrase
show "$lk" keys generate --out "$work" --name parcel-co --no-passphrase

step "The door trusts the owner's key, and the company's for once-only deliveries of at most 4 h"
cat > "$work/latchkey.toml" <<TOML
lock_id = "front-door"

[[issuers]]
name = "owner"
public_key = "$(cat "$work/owner.pub")"
roles = ["owner"]
max_window = "30d"

[[issuers]]
name = "parcel-co"
public_key = "$(cat "$work/parcel-co.pub")"
roles = ["delivery"]
max_window = "4h"
hours = "Mon-Sun 00:00-24:00"
once_only = true
TOML
sed "s|^|    |" "$work/latchkey.toml"

step "The company's backend issues a token for one delivery in the next two hours"
token=$(show "$lk" token issue --key "$work/parcel-co.key" --lock front-door --role delivery --sub "order 4711" --once --for 2h)
echo "$token"
exec 2>&1

step "What it says (not verified)"
show "$lk" token inspect "$token"

step "The door verifies it"
show "$lk" token verify --config "$work/latchkey.toml" "$token"

expect_rejected() {
  local code=0
  "$@" >/dev/null 2>"$work/err" || code=$?
  sed 's/^/    /' "$work/err"
  if [ "$code" -ne 3 ]; then echo "unexpected exit code $code (wanted 3)" >&2; exit 1; fi
}

step "One character changed: refused"
bad="${token:0:60}$( [ "${token:60:1}" = A ] && echo B || echo A )${token:61}"
printf '$ latchkey token verify --config $TOUR/latchkey.toml <token with one character changed>\n'
expect_rejected "$lk" token verify --config "$work/latchkey.toml" "$bad"

step "Three hours later: refused"
later=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+3H +%Y-%m-%dT%H:%M:%SZ)
printf '$ latchkey token verify --config $TOUR/latchkey.toml --at %s <token>\n' "$later"
expect_rejected "$lk" token verify --config "$work/latchkey.toml" --at "$later" "$token"

step "A token for the back door, shown at the front door: refused"
other=$("$lk" token issue --key "$work/parcel-co.key" --lock back-door --role delivery --sub "order 4712" --once --for 1h)
printf '$ latchkey token verify --config $TOUR/latchkey.toml <token for back-door>\n'
expect_rejected "$lk" token verify --config "$work/latchkey.toml" "$other"

printf '\nAll as expected. Run the tests with: ./mvnw verify\n'
