#!/usr/bin/env bash
# A tour of latchkey's token layer in a temporary folder: keys, a door config, a courier's token that the
# door accepts, and the same token refused once tampered with, used too late, or shown to another door of
# the same name.
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

step "Two homes, each with a door named front-door, trust the owner's key and the company's (once-only, 4 h)"
for home in home-a home-b; do
  mkdir -m 750 "$work/$home"
  cat > "$work/$home/latchkey.toml" <<TOML
lock_id = "front-door"
state_dir = "state"

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
done
sed "s|^|    |" "$work/home-a/latchkey.toml"

step "Each door gets its own key: its door id is what tokens are addressed to, not the name"
show "$lk" door key --config "$work/home-a/latchkey.toml" --key "$work/owner.key"
"$lk" door key --config "$work/home-b/latchkey.toml" --key "$work/owner.key" >/dev/null 2>&1

step "Home A gives the company its door card (signed by the door, endorsed by the owner)"
show "$lk" door card --config "$work/home-a/latchkey.toml" >"$work/home-a.card" 2>/dev/null
show "$lk" door verify-card "$work/home-a.card"

step "The company's backend issues a token for one delivery at that door in the next two hours"
token=$(show "$lk" token issue --key "$work/parcel-co.key" --door "$work/home-a.card" --role delivery --sub "order 4711" --once --for 2h)
echo "$token"
exec 2>&1

step "What it says (not verified)"
show "$lk" token inspect "$token"

step "The door verifies it"
show "$lk" token verify --config "$work/home-a/latchkey.toml" "$token"

expect_rejected() {
  local code=0
  "$@" >/dev/null 2>"$work/err" || code=$?
  sed 's/^/    /' "$work/err"
  if [ "$code" -ne 3 ]; then echo "unexpected exit code $code (wanted 3)" >&2; exit 1; fi
}

step "One character changed: refused"
bad="${token:0:60}$( [ "${token:60:1}" = A ] && echo B || echo A )${token:61}"
printf '$ latchkey token verify --config $TOUR/home-a/latchkey.toml <token with one character changed>\n'
expect_rejected "$lk" token verify --config "$work/home-a/latchkey.toml" "$bad"

step "Three hours later: refused"
later=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+3H +%Y-%m-%dT%H:%M:%SZ)
printf '$ latchkey token verify --config $TOUR/home-a/latchkey.toml --at %s <token>\n' "$later"
expect_rejected "$lk" token verify --config "$work/home-a/latchkey.toml" --at "$later" "$token"

step "The same token at home B's door, also named front-door, trusting the same keys: refused"
printf '$ latchkey token verify --config $TOUR/home-b/latchkey.toml <token>\n'
expect_rejected "$lk" token verify --config "$work/home-b/latchkey.toml" "$token"

step "A name alone does not say which door: refused with a hint"
printf '$ latchkey token issue … --lock front-door\n'
expect_rejected_usage() {
  local code=0
  "$@" >/dev/null 2>"$work/err" || code=$?
  sed 's/^/    /' "$work/err"
  if [ "$code" -ne 2 ]; then echo "unexpected exit code $code (wanted 2)" >&2; exit 1; fi
}
expect_rejected_usage "$lk" token issue --key "$work/parcel-co.key" --lock front-door --role delivery --sub "order 4712" --once --for 1h

printf '\nAll as expected. Run the tests with: ./mvnw verify\n'
