#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# latchkey's hardware truth: the production Pi4J gpiod path against a real Linux GPIO chip, in an
# emulated arm64 machine (docs/hardware-truth.md).
#
# QEMU "virt" (TCG) boots Debian bookworm's arm64 kernel with an out-of-tree gpio-sim whose chip looks
# like a Raspberry Pi's ("pinctrl-bcm2711", 28 lines, named lines for the door's devices). The guest
# holds the project's .deb unpacked at its installed paths and Debian trixie's arm64 OpenJDK 21, and
# Pi4J's board check sees a Raspberry Pi 4. ONE JVM, started with the package's class path and native
# library folder as /usr/bin/latchkey starts it, runs org.latchkey.bench.GpioSimChecks: a model of the
# physical door on the chip's other side, and against it `latchkey hw-test --yes` (also with the bolt
# jammed, and with the contact's line held by Debian's gpiomon) and `latchkey bench --gpio gpio-sim`.
# Its LATCHKEY-RESULT lines become a report; the exit code is 0 only if every check passed.
#
#   hal/vm/run.sh                         run the checks (set-up on first use, cached)
#   hal/vm/run.sh --guest-config FILE     with another door config in the guest (default guest/latchkey.toml)
#   hal/vm/run.sh --setup-only            resolve, download and build the cache only
# Options: --deb FILE (default: the newest provisioning/target/latchkey_*_all.deb; build it first with
# ./mvnw package), --report FILE (default: the run folder's report.md).
#
# Runs as root. Exit codes: the checks' own (0 all passed, 1 a check failed, 2 refused to run), or
# 120 usage, 121 host tool missing, 122 packages, 123 build, 124 VM timed out, 125 the VM ended
# without the checks' exit code. Stdout gets one line, "vm: N passed, N failed"; progress, the guest's
# console and the failed checks go to stderr.
#
# Environment (defaults in brackets):
#   LATCHKEY_VM_CACHE [/var/cache/latchkey-vm]   downloads, built sets, run folders
#   LATCHKEY_PROJECT_DIR [this folder's ../..]   the checkout whose .deb is tested
#   LATCHKEY_VM_OFFLINE [0]       1: do not refresh the package indexes (reuse the last ones)
#   LATCHKEY_VM_KERNEL_ABI []     pin the kernel ABI, e.g. 6.1.0-56 (default: the newest)
#   LATCHKEY_VM_JAVA_PACKAGES [openjdk-21-jre-headless openjdk-25-jre-headless]  first found is used
#   LATCHKEY_VM_TRIXIE_LIBS [libc6 libgcc-s1 libstdc++6 zlib1g gpiod libgpiod3]  the root image's libraries
#   LATCHKEY_VM_MIRROR / LATCHKEY_VM_SECURITY_MIRROR [http://deb.debian.org/debian(-security)]
#   LATCHKEY_VM_TIMEOUT [240]     seconds for the VM run
#   LATCHKEY_VM_SMP [2] / LATCHKEY_VM_MEMORY [1024]   guest CPUs / MiB
#   LATCHKEY_VM_CHIP_LABEL [pinctrl-bcm2711]   LATCHKEY_VM_CHIP_LINES [28]
#   LATCHKEY_VM_LINE_NAMES [17=door-contact,27=bolt-switch,22=camera-trigger,23=camera-ready,
#                          5=green-light,6=red-light,13=buzzer]
#                                 the door model's wiring: it drives and reads the lines of these names
#   LATCHKEY_VM_BOARD_REVISION [b03111]   "Revision" line added to the guest's /proc/cpuinfo
#                                 (b03111 = Pi 4 B; "" = none: Pi4J sees no Raspberry Pi)
#   LATCHKEY_VM_BOARD_MODEL []    if set, bind-mounted as /proc/device-tree/model (a board name)
#   LATCHKEY_VM_JVM_TUNING [1]    1: C1 only, serial GC, no perf data (faster start under TCG)
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/packages.sh
source "$VM_DIR/lib/packages.sh"
# shellcheck source=lib/build.sh
source "$VM_DIR/lib/build.sh"
# shellcheck source=lib/set.sh
source "$VM_DIR/lib/set.sh"
# shellcheck source=lib/report.sh
source "$VM_DIR/lib/report.sh"

usage() { sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

# The program the guest runs, and where the package puts its files (provisioning/pom.xml's jdeb
# mappings; /usr/bin/latchkey takes the same class path and native folder from latchkey-common).
MAIN=org.latchkey.bench.GpioSimChecks
PKG_LIB=/usr/share/latchkey/lib
PKG_NATIVE=/usr/lib/latchkey/native/aarch64

# --- command line ---------------------------------------------------------------------------------
DEB="" GUEST_CONFIG="$VM_DIR/guest/latchkey.toml" REPORT="" SETUP_ONLY=0
while (($#)); do
    case $1 in
    --deb) DEB=${2:?--deb needs a value}; shift 2 ;;
    --guest-config) GUEST_CONFIG=${2:?--guest-config needs a value}; shift 2 ;;
    --report) REPORT=${2:?--report needs a value}; shift 2 ;;
    --setup-only) SETUP_ONLY=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "$EXIT_USAGE" "unknown argument: $1" ;;
    esac
done
((EUID == 0)) || die "$EXIT_USAGE" "run as root (the initramfs needs a /dev/console node; the cache is in /var/cache)"
validate_chip_layout

PROJECT_DIR=${LATCHKEY_PROJECT_DIR:-$(cd "$VM_DIR/../.." && pwd)}
if ((!SETUP_ONLY)); then
    if [[ -z $DEB ]]; then
        DEB=$(find "$PROJECT_DIR/provisioning/target" -maxdepth 1 -name 'latchkey_*_all.deb' -printf '%T@ %p\n' 2>/dev/null |
            sort -rn | head -n 1 | cut -d' ' -f2-)
    fi
    [[ -n $DEB && -f $DEB ]] || die "$EXIT_USAGE" "no package to test: build it first (./mvnw package -DskipTests" \
        "in $PROJECT_DIR makes provisioning/target/latchkey_*_all.deb), or give --deb FILE"
    [[ -f $GUEST_CONFIG ]] || die "$EXIT_USAGE" "guest config not found: $GUEST_CONFIG"
fi

# --- run folder -----------------------------------------------------------------------------------
T_START=$(now)
mkdir -p "$CACHE/runs" || die "$EXIT_HOST" "cannot create the cache folder $CACHE (set LATCHKEY_VM_CACHE)"
RUN="$CACHE/runs/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$RUN/share/job" "$RUN/share/out"
TIMINGS_FILE="$RUN/timings"
: >"$TIMINGS_FILE"
# Keep the ten newest run folders of this script (others' runs, e.g. *-stage2, are theirs to prune).
find "$CACHE/runs" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+-[0-9]+-[0-9]+' | sort | head -n -10 |
    xargs -r rm -rf
log "run folder: $RUN"

# --- host tools -----------------------------------------------------------------------------------
phase_begin host-tools
check_host_tools "$VM_DIR/host-tools.txt"
phase_end

# --- packages and the cached set (one set-up at a time per cache) -------------------------------------
exec 9>"$CACHE/.setup.lock"
flock 9
ensure_set "$RUN/packages.lock"
flock -u 9
if ((SETUP_ONLY)); then
    log "set-up done: $SET"
    exit 0
fi

# --- the package's files (a disk image of their own) and the job on the share -----------------------
phase_begin share
dpkg-deb -x "$DEB" "$RUN/pkg" || die "$EXIT_USAGE" "cannot unpack $DEB"
# Only the files the JVM needs: the jars and the native libraries (no launchers, unit, docs).
find "$RUN/pkg" -mindepth 1 -maxdepth 1 ! -name usr -exec rm -rf {} +
for f in "$PKG_NATIVE/libpi4j-gpiod.so" "$PKG_NATIVE/libgpiod.so" "$PKG_LIB/latchkey-provisioning.jar"; do
    [[ -f $RUN/pkg$f ]] || die "$EXIT_USAGE" "$DEB has no $f: is it latchkey's package?"
done
# A read-only disk rather than the 9p share: the JVM's many small random reads of jars are slow over
# 9p, and copying 20 MB into the guest took seconds.
pkg_mb=$(du -sm "$RUN/pkg" | cut -f1)
mke2fs -q -F -t ext4 -O ^has_journal -m 0 -L latchkey-pkg -E root_owner=0:0 -d "$RUN/pkg" \
    "$RUN/pkg.ext4" "$((pkg_mb + pkg_mb / 4 + 8))M" >&2 || die "$EXIT_BUILD" "cannot make the package's disk image"
cp "$GUEST_CONFIG" "$RUN/share/job/latchkey.toml"
{
    echo "MAIN=$MAIN"
    echo "CLASSPATH=$PKG_LIB/*"
    echo "CHIP_LABEL=${LATCHKEY_VM_CHIP_LABEL:-pinctrl-bcm2711}"
    echo "CHIP_LINES=$CHIP_LINES"
    echo "LINE_NAMES=$LINE_NAMES"
    echo "BOARD_REVISION=${LATCHKEY_VM_BOARD_REVISION-b03111}"
    echo "BOARD_MODEL=${LATCHKEY_VM_BOARD_MODEL:-}"
} >"$RUN/share/job/job.env"
# As latchkey-common does on aarch64: the package's native folder, never an extraction to /tmp.
# The report is UTF-8 whatever locale the busybox init hands down (the CLI prints dashes and µ).
JVM_ARGS=(-showversion --enable-native-access=ALL-UNNAMED "-Dpi4j.library.path=$PKG_NATIVE" -Djava.io.tmpdir=/tmp
    "-Djna.boot.library.path=$PKG_NATIVE" -Djna.nosys=true -Djna.nounpack=true
    -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8)
for so in "$RUN/pkg$PKG_NATIVE"/libjunixsocket-native-*.so; do
    [[ -f $so ]] && JVM_ARGS+=("-Dorg.newsclub.net.unix.library.override=${so#"$RUN/pkg"}")
done
if [[ ${LATCHKEY_VM_JVM_TUNING:-1} == 1 ]]; then
    JVM_ARGS+=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
fi
printf '%s\n' "${JVM_ARGS[@]}" >"$RUN/share/job/jvm-args"
printf '%s\n' --config /share/job/latchkey.toml --out /share/out >"$RUN/share/job/args"
log "package: $DEB (${pkg_mb} MB unpacked); guest config: $GUEST_CONFIG"
phase_end

# --- the VM and its result ---------------------------------------------------------------------
# shellcheck disable=SC2054 # commas are QEMU's option syntax
QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a72 -smp "${LATCHKEY_VM_SMP:-2}" -m "${LATCHKEY_VM_MEMORY:-1024}"
    -nodefaults -display none -monitor none -serial stdio -no-reboot
    -kernel "$SET/vmlinuz" -initrd "$SET/initrd.cpio"
    -append "console=ttyAMA0 quiet panic=-1 rdinit=/init"
    -drive "if=none,id=root,file=$SET/rootfs.ext4,format=raw,snapshot=on"
    -device virtio-blk-device,drive=root
    -drive "if=none,id=pkg,file=$RUN/pkg.ext4,format=raw,readonly=on"
    -device virtio-blk-device,drive=pkg
    -fsdev "local,id=share,path=$RUN/share,security_model=none"
    -device virtio-9p-device,fsdev=share,mount_tag=share)
boot_vm "${LATCHKEY_VM_TIMEOUT:-240}" "${QEMU[@]}"
rm -rf "$RUN/pkg" "$RUN/pkg.ext4" # the run folder keeps job/, out/ and the logs
T_TOTAL=$(awk -v a="$T_START" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
REPORT=${REPORT:-$RUN/report.md}
write_report "$REPORT"
log "report: $REPORT"
failed_checks >&2
summary_line
log "total ${T_TOTAL}s (cache $([[ $CACHE_HIT == 1 ]] && echo warm || echo cold)), exit code $RC"
exit "$RC"
