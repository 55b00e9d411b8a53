#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# latchkey's VM harness, stage two: the installed product on a systemd machine.
#
# Boots the same emulated arm64 machine as run.sh (QEMU "virt", TCG, Debian bookworm's arm64 kernel,
# out-of-tree gpio-sim with a Raspberry-Pi-like chip), but from a Debian trixie arm64 root file system
# that runs systemd as PID 1 (built with mmdebstrap, cached). In the guest the checks (guest/stage2-test)
# install latchkey's .deb with dpkg -i, run `latchkey init`, start latchkeyd.service as shipped
# (hardened, Type=notify, watchdog), open the door with a token over the loopback API, and stop it;
# with driver "pi4j" (no PWM chip, then a simulated one: kmod/pwm-sim) and driver "simulated".
# Exit code 0 when every check passed, 1 when one failed; a report is written.
#
#   hal/vm/stage2.sh                   build what is missing, run the checks
#   hal/vm/stage2.sh --deb FILE        the package to test (default: LATCHKEY_STAGE2_DEB, else the project's
#                                  provisioning/target/latchkey_*_all.deb)
#   hal/vm/stage2.sh --setup-only      resolve and build the cache only
#   hal/vm/stage2.sh --report FILE     where the report goes (default: the run folder)
#   hal/vm/stage2.sh --checks FILE     run another guest script instead of guest/stage2-test (same protocol:
#                                  LATCHKEY-RESULT / -TIME / -INFO lines, LATCHKEY-EXIT, then power off)
#
# Exit codes: 0 all checks passed, 1 a check failed, 120 usage, 121 host tool missing,
# 122 packages, 123 build, 124 VM timed out, 125 VM ended without the checks' exit code.
#
# Environment (defaults in brackets), besides run.sh's LATCHKEY_VM_CACHE, LATCHKEY_PROJECT_DIR,
# LATCHKEY_VM_OFFLINE, LATCHKEY_VM_KERNEL_ABI, LATCHKEY_VM_MIRROR, LATCHKEY_VM_SECURITY_MIRROR,
# LATCHKEY_VM_CHIP_LABEL, LATCHKEY_VM_CHIP_LINES, LATCHKEY_VM_LINE_NAMES, LATCHKEY_VM_BOARD_REVISION,
# LATCHKEY_VM_BOARD_MODEL, LATCHKEY_VM_SMP [2]:
#   LATCHKEY_STAGE2_DEB []              the .deb (as --deb)
#   LATCHKEY_STAGE2_PACKAGES [systemd systemd-sysv udev openjdk-21-jre-headless adduser procps curl gpiod kmod]
#                                       on top of mmdebstrap's minbase
#   LATCHKEY_STAGE2_WATCHDOG_SEC [10]   a drop-in WatchdogSec for the test ("" = the unit's 30 s: slower)
#   LATCHKEY_STAGE2_START_TIMEOUT [300] a drop-in TimeoutStartSec: the emulated JVM needs 40-60 s to READY,
#                                       close to the unit's 60 s ("" = keep the unit's)
#   LATCHKEY_STAGE2_SECCOMP_PROBE [1]   1: the failing pi4j starts and the simulated run with
#                                       SystemCallErrorNumber= (a filtered system call kills: SIGSYS)
#   LATCHKEY_STAGE2_SIM_RUN [1]         1: also run with driver "simulated"
#   LATCHKEY_STAGE2_FINDINGS [0]        1: also start the config `latchkey init --driver simulated` writes
#   LATCHKEY_VM_JVM_TUNING [1]          1: C1 only, serial GC, no perf data for the latchkey COMMAND LINE
#                                       (LATCHKEY_JAVA_OPTS); the daemon always runs as the unit says
#   LATCHKEY_STAGE2_KERNEL_ARGS []      more kernel arguments (e.g. audit=1: the kernel then logs the
#                                       system call a seccomp filter killed, at a cost on every system call)
#   LATCHKEY_VM_MEMORY [1536]  LATCHKEY_VM_TIMEOUT [900]   guest MiB / seconds for the VM run
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/packages.sh
source "$VM_DIR/lib/packages.sh"
# shellcheck source=lib/build.sh
source "$VM_DIR/lib/build.sh"
# shellcheck source=lib/set.sh
source "$VM_DIR/lib/set.sh"
# shellcheck source=lib/stage2.sh
source "$VM_DIR/lib/stage2.sh"

usage() { sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

# --- command line ---------------------------------------------------------------------------------
DEB=${LATCHKEY_STAGE2_DEB:-} REPORT="" SETUP_ONLY=0 CHECKS="$VM_DIR/guest/stage2-test"
while (($#)); do
    case $1 in
    --deb) DEB=${2:?--deb needs a value}; shift 2 ;;
    --report) REPORT=${2:?--report needs a value}; shift 2 ;;
    --checks) CHECKS=${2:?--checks needs a value}; shift 2 ;;
    --setup-only) SETUP_ONLY=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "$EXIT_USAGE" "unknown argument: $1" ;;
    esac
done
validate_chip_layout
PROJECT_DIR=${LATCHKEY_PROJECT_DIR:-$(cd "$VM_DIR/../.." && pwd)}
if [[ -z $DEB ]] && ((!SETUP_ONLY)); then
    DEB=$(find "$PROJECT_DIR/provisioning/target" -maxdepth 1 -name 'latchkey_*_all.deb' -printf '%T@ %p\n' 2>/dev/null |
        sort -rn | head -n 1 | cut -d' ' -f2-)
    [[ -n $DEB ]] || die "$EXIT_USAGE" "no latchkey .deb: build the project (./mvnw package makes" \
        "provisioning/target/latchkey_*_all.deb), or pass --deb FILE"
fi
[[ -f $CHECKS ]] || die "$EXIT_USAGE" "the checks script does not exist: $CHECKS"
if ((!SETUP_ONLY)); then
    [[ -f $DEB ]] || die "$EXIT_USAGE" "the .deb does not exist: $DEB"
    dpkg-deb -f "$DEB" Package >/dev/null 2>&1 || die "$EXIT_USAGE" "not a Debian package: $DEB"
fi

# --- run folder -----------------------------------------------------------------------------------
T_START=$(now)
mkdir -p "$CACHE/runs" || die "$EXIT_HOST" "cannot create the cache folder $CACHE (set LATCHKEY_VM_CACHE)"
RUN="$CACHE/runs/$(date +%Y%m%d-%H%M%S)-$$-stage2"
mkdir -p "$RUN/share/job" "$RUN/share/out"
TIMINGS_FILE="$RUN/timings"
: >"$TIMINGS_FILE"
find "$CACHE/runs" -mindepth 1 -maxdepth 1 -type d | sort | head -n -10 | xargs -r rm -rf
log "run folder: $RUN"

phase_begin host-tools
check_host_tools "$VM_DIR/host-tools.txt" "$VM_DIR/host-tools-stage2.txt"
phase_end

# --- the cached sets: stage one's kernel side, stage two's root file system (one set-up at a time) ---
exec 9>"$CACHE/.setup.lock"
flock 9
ensure_set "$RUN/packages.lock"
phase_begin stage2-resolve
resolve_stage2 "$RUN/packages-stage2.lock"
log "stage two package set: $(grep -c '^trixie' "$RUN/packages-stage2.lock") packages (minbase + $STAGE2_PACKAGES)"
phase_end
ensure_stage2_image "$RUN/packages-stage2.lock"
flock -u 9
if ((SETUP_ONLY)); then
    log "set-up done: $IMG"
    exit 0
fi

# --- the share: the checks, the package, the job ----------------------------------------------------
phase_begin share
cp "$CHECKS" "$RUN/share/job/stage2-test"
cp "$DEB" "$RUN/share/job/latchkey.deb"
cli_opts=""
if [[ ${LATCHKEY_VM_JVM_TUNING:-1} == 1 ]]; then cli_opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"; fi
{
    echo "CHIP_LABEL=${LATCHKEY_VM_CHIP_LABEL:-pinctrl-bcm2711}"
    echo "CHIP_LINES=$CHIP_LINES"
    echo "LINE_NAMES=$LINE_NAMES"
    echo "BOARD_REVISION=${LATCHKEY_VM_BOARD_REVISION-b03111}"
    echo "BOARD_MODEL=${LATCHKEY_VM_BOARD_MODEL:-}"
    echo "WATCHDOG_SEC=${LATCHKEY_STAGE2_WATCHDOG_SEC-10}"
    echo "START_TIMEOUT=${LATCHKEY_STAGE2_START_TIMEOUT-300}"
    echo "SECCOMP_PROBE=${LATCHKEY_STAGE2_SECCOMP_PROBE:-1}"
    echo "SIM_RUN=${LATCHKEY_STAGE2_SIM_RUN:-1}"
    echo "FINDINGS=${LATCHKEY_STAGE2_FINDINGS:-0}"
    echo "CLI_JAVA_OPTS=$cli_opts"
} >"$RUN/share/job/job.env"
DEB_SHA=$(sha256sum <"$DEB" | cut -d' ' -f1)
log "package: $DEB ($(dpkg-deb -f "$DEB" Version), sha256 ${DEB_SHA:0:16}…)"
phase_end

# --- the VM and its result ---------------------------------------------------------------------
# shellcheck disable=SC2054 # commas are QEMU's option syntax
QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a72 -smp "${LATCHKEY_VM_SMP:-2}" -m "${LATCHKEY_VM_MEMORY:-1536}"
    -nodefaults -display none -monitor none -serial stdio -no-reboot
    -kernel "$SET/vmlinuz" -initrd "$IMG/initrd.cpio"
    -append "console=ttyAMA0 quiet panic=-1 rdinit=/stage2-init ${LATCHKEY_STAGE2_KERNEL_ARGS:-}"
    -drive "if=none,id=root,file=$IMG/rootfs.ext4,format=raw,snapshot=on"
    -device virtio-blk-device,drive=root
    -fsdev "local,id=share,path=$RUN/share,security_model=none"
    -device virtio-9p-device,fsdev=share,mount_tag=share)
boot_vm "${LATCHKEY_VM_TIMEOUT:-900}" "${QEMU[@]}"
rm -f "$RUN/share/job/latchkey.deb"
T_TOTAL=$(awk -v a="$T_START" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
REPORT=${REPORT:-$RUN/report.md}
write_stage2_report "$REPORT"
log "report: $REPORT"
stage2_summary_line
log "total ${T_TOTAL}s (stage one set $([[ $CACHE_HIT == 1 ]] && echo warm || echo built), base $([[ $STAGE2_BASE_HIT == 1 ]] && echo warm || echo built), image $([[ $STAGE2_IMG_HIT == 1 ]] && echo warm || echo built)), exit code $RC"
exit "$RC"
