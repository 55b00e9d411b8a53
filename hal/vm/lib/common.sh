# shellcheck shell=bash
# shellcheck disable=SC2034 # the constants and VM_DIR are used by the scripts that source this file
# Shared helpers for the latchkey VM harness. Sourced by run.sh and the other lib/ scripts, never run.
#
# Everything the harness reads lives next to it (VM_DIR); everything it downloads or builds lives in
# the cache folder (LATCHKEY_VM_CACHE, default /var/cache/latchkey-vm). Nothing outside those two is
# written, and the host's apt configuration is never touched (see apt_private below).

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LATCHKEY_VM_CACHE:-/var/cache/latchkey-vm}

# Exit codes of run.sh. A guest program's own exit code (0..119) is passed through unchanged.
readonly EXIT_USAGE=120      # bad command line
readonly EXIT_HOST=121       # a host tool is missing
readonly EXIT_PACKAGES=122   # resolving or downloading Debian packages failed
readonly EXIT_BUILD=123      # building modules or images failed
readonly EXIT_TIMEOUT=124    # the VM did not finish in LATCHKEY_VM_TIMEOUT seconds
readonly EXIT_VM=125         # the VM ended without reporting the program's exit code

log() { printf '[vm %s] %s\n' "$(date +%T)" "$*" >&2; }
warn() { printf '[vm %s] WARNING: %s\n' "$(date +%T)" "$*" >&2; }
# die CODE MESSAGE...
die() {
    local code=$1
    shift
    printf '[vm %s] ERROR: %s\n' "$(date +%T)" "$*" >&2
    exit "$code"
}

# --- phase timing ---------------------------------------------------------------------------------
# phase_begin NAME / phase_end: wall time of each phase, appended to $TIMINGS_FILE as "NAME SECONDS".
TIMINGS_FILE=${TIMINGS_FILE:-/dev/null}
_phase_name=""
_phase_t0=""
now() { date +%s.%N; }
phase_begin() {
    _phase_name=$1
    _phase_t0=$(now)
    log "phase: $1"
}
phase_end() {
    local dt
    dt=$(awk -v a="$_phase_t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    printf '%s %s\n' "$_phase_name" "$dt" >>"$TIMINGS_FILE"
    log "phase: $_phase_name done in ${dt}s"
}

# --- private apt configurations -----------------------------------------------------------------
# Each configuration (bookworm, trixie) has its own sources.list, state, lists and archive cache
# under $CACHE/apt/NAME, and an empty dpkg status, so neither the host's sources nor its installed
# packages play any part. The host's apt.conf.d is still read (proxy settings and the like).

# apt_config_init NAME ARCHS SOURCES_TEMPLATE: write $CACHE/apt/NAME/apt.conf (idempotent).
apt_config_init() {
    local name=$1 archs=$2 template=$3
    local d="$CACHE/apt/$name"
    mkdir -p "$d/state/lists/partial" "$d/cache/archives/partial" "$d/sources.list.d" "$d/preferences.d"
    : >"$d/state/status"
    # The sources template may name the mirrors as @MIRROR@ / @SECURITY_MIRROR@.
    sed -e "s|@MIRROR@|${LATCHKEY_VM_MIRROR:-http://deb.debian.org/debian}|g" \
        -e "s|@SECURITY_MIRROR@|${LATCHKEY_VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}|g" \
        "$template" >"$d/sources.list"
    cat >"$d/apt.conf" <<EOF
// Private apt configuration of the latchkey VM harness ($name). Generated; do not edit.
Dir::Etc::sourcelist "$d/sources.list";
Dir::Etc::sourceparts "$d/sources.list.d";
Dir::Etc::preferences "$d/preferences";
Dir::Etc::preferencesparts "$d/preferences.d";
Dir::State "$d/state";
Dir::State::status "$d/state/status";
Dir::Cache "$d/cache";
APT::Architecture "${archs%%,*}";
APT::Architectures "$archs";
APT::Sandbox::User "root";
Acquire::Languages "none";
EOF
}

# apt_private NAME apt-get-args...  /  apt_cache_private NAME apt-cache-args...
# The binary cache is switched back on from the command line (apt.conf.d files of some hosts, e.g.
# Docker's docker-clean, turn it off and win over APT_CONFIG): without it every apt-cache call
# re-parses all indexes, about 1.5 s a call.
APT_KEEP_CACHE=(-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin)
apt_private() {
    local name=$1
    shift
    APT_CONFIG="$CACHE/apt/$name/apt.conf" apt-get -q "${APT_KEEP_CACHE[@]}" "$@"
}
apt_cache_private() {
    local name=$1
    shift
    APT_CONFIG="$CACHE/apt/$name/apt.conf" apt-cache "${APT_KEEP_CACHE[@]}" "$@"
}

# deb_file NAME ARCH VERSION: the file name apt-get download gives a package ("epoch:" → "epoch%3a").
deb_file() {
    printf '%s_%s_%s.deb' "$1" "${3//:/%3a}" "$2"
}

# sha256 of stdin, hex only
sha256_stdin() { sha256sum | cut -d' ' -f1; }

# check_host_tools LIST...: every "command debian-package" line of the lists must name a command on PATH
# (or, "/path debian-package", an existing file); otherwise stop with the packages to install (exit 121).
check_host_tools() {
    local list tool pkg missing=()
    for list in "$@"; do
        while read -r tool pkg; do
            if [[ $tool == /* ]]; then
                [[ -e $tool ]] || missing+=("$pkg")
            else
                command -v "$tool" >/dev/null 2>&1 || missing+=("$pkg")
            fi
        done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")
    done
    if ((${#missing[@]})); then
        mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
        die "$EXIT_HOST" "missing host tools; install them with hal/vm/install-host-tools.sh$( (($# > 1)) && echo " --stage2"), or:" \
            "apt-get install --no-install-recommends ${missing[*]}"
    fi
}

# validate_chip_layout: the simulated chip's layout from the environment, checked here (gpio-sim
# silently ignores names of lines past its end). Sets CHIP_LINES, LINE_NAMES. The door model in the
# guest finds its wiring by these names (docs/wiring.md's pins by default).
validate_chip_layout() {
    CHIP_LINES=${LATCHKEY_VM_CHIP_LINES:-28}
    LINE_NAMES=${LATCHKEY_VM_LINE_NAMES-17=door-contact,27=bolt-switch,22=camera-trigger,23=camera-ready,5=green-light,6=red-light,13=buzzer}
    if ! [[ $CHIP_LINES =~ ^[0-9]+$ ]] || ((CHIP_LINES < 1 || CHIP_LINES > 1024)); then
        die "$EXIT_USAGE" "LATCHKEY_VM_CHIP_LINES must be 1..1024, not '$CHIP_LINES'"
    fi
    local pairs p
    IFS=',' read -r -a pairs <<<"$LINE_NAMES"
    for p in "${pairs[@]}"; do
        if ! [[ $p =~ ^([0-9]+)=([A-Za-z0-9_.:-]+)$ ]] || ((BASH_REMATCH[1] >= CHIP_LINES)); then
            die "$EXIT_USAGE" "LATCHKEY_VM_LINE_NAMES: '$p' is not OFFSET=NAME with OFFSET < $CHIP_LINES" \
                "and a name of letters, digits, '_.:-'"
        fi
    done
}

# --- the VM ---------------------------------------------------------------------------------------
# boot_vm TIMEOUT QEMU-COMMAND...: runs the VM with the phase "vm" timed; its console goes to
# $RUN/console.log and, prefixed, to stderr. Then sets RC: the guest's LATCHKEY-EXIT code, or one of
# the harness's own (timeout, no exit code, a guest set-up failure), with a warning that says which.
boot_vm() {
    local timeout=$1 vm_rc
    shift
    phase_begin vm
    printf '%q ' "$@" >"$RUN/qemu-command"
    set +e
    timeout -k 5 "$timeout" "$@" </dev/null 2>"$RUN/qemu.stderr" |
        sed -u 's/\r$//' | tee "$RUN/console.log" | sed -u 's/^/  | /' >&2
    vm_rc=${PIPESTATUS[0]}
    set -e
    phase_end
    VM_RC=$vm_rc
    GUEST_RC=$(sed -n 's/^LATCHKEY-EXIT \([0-9]*\)$/\1/p' "$RUN/console.log" | tail -n 1)
    if [[ $vm_rc == 124 ]]; then
        RC=$EXIT_TIMEOUT
        warn "the VM did not finish within $timeout s"
    elif [[ -z $GUEST_RC ]]; then
        RC=$EXIT_VM
        warn "the VM ended (qemu exit $vm_rc) without reporting the checks' exit code; see $RUN/console.log"
        [[ -s $RUN/qemu.stderr ]] && cat "$RUN/qemu.stderr" >&2
    elif ((GUEST_RC > 119)); then
        RC=$EXIT_VM
        warn "the guest reported exit code $GUEST_RC (its set-up failed, see LATCHKEY-ERROR in the report)"
    else
        RC=$GUEST_RC
    fi
}

# work_dir NAME → a fresh folder for unpacking: on /dev/shm when it has room (creating and deleting
# thousands of files on the cache's disk was measured 5-10x slower), else in the cache;
# LATCHKEY_VM_WORKDIR chooses the place.
work_dir() {
    local base=${LATCHKEY_VM_WORKDIR:-}
    if [[ -z $base ]]; then
        if [[ -d /dev/shm && -w /dev/shm ]] && (($(df -Pk /dev/shm | awk 'NR == 2 { print $4 }') > 3 * 1024 * 1024)); then
            base=/dev/shm
        else
            base="$CACHE/tmp"
        fi
    fi
    mkdir -p "$base"
    mktemp -d "$base/$1.XXXXXX"
}

# host_phases: the report's table of this run's host phases ($RUN/timings) and their total (T_TOTAL).
host_phases() {
    echo "## Host phases (seconds)"
    echo
    echo "| phase | s |"
    echo "|---|---|"
    awk '{ printf "| %s | %s |\n", $1, $2 }' "$RUN/timings"
    echo "| **total** | **${T_TOTAL}** |"
}
