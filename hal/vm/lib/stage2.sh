# shellcheck shell=bash
# Stage two: the installed product on a systemd machine. Sourced by stage2.sh (after common.sh,
# packages.sh, build.sh and set.sh), never run.
#
# Two cached layers under $CACHE/stage2, each keyed by what it is made of:
#   base/<key>/   rootfs.tar: mmdebstrap's Debian trixie arm64 "minbase" + STAGE2_PACKAGES (systemd as
#                 PID 1, udev, OpenJDK 21, ...), maintainer scripts run through qemu-user-static.
#                 Key: the resolved package set (name, arch, version of every package), the package
#                 list, mmdebstrap's and qemu-user-static's versions, the mirrors, the build function.
#                 Slow to make (several minutes under qemu-user), so it does not depend on the kernel.
#   images/<key>/ rootfs.ext4 (the base + the kernel's modules incl. irq_sim, gpio-sim, pwm-sim + the
#                 harness's units, udev rule, gpio group), initrd.cpio (stage one's + /stage2-init).
#                 Key: the base key, stage one's set key (kernel), guest/stage2/*, kmod/pwm-sim/*, the
#                 build function. Quick to make (~30 s).
#   debs/         the .debs mmdebstrap downloaded (fed back to it on a rebuild; pruned to the kept bases).
#
# resolve_stage2 LOCK       "trixie PACKAGE ARCH VERSION" lines of the set mmdebstrap will install
# ensure_stage2_image       sets BASE_KEY, BASE, IMG_KEY, IMG, STAGE2_HIT (base/image: 1 reused, 0 built)

# The packages on top of minbase (Essential:yes + Priority:required + apt). latchkey's .deb depends on
# systemd, adduser and a Java 21 runtime; udev applies the gpio group; procps, curl, gpiod and kmod are
# for the checks (ps, the HTTP API, gpioinfo, modprobe).
STAGE2_PACKAGES=${LATCHKEY_STAGE2_PACKAGES:-systemd systemd-sysv udev openjdk-21-jre-headless adduser procps curl gpiod kmod}
STAGE2_DIR="$CACHE/stage2"

# Units the harness's guest does not need and that would only cost CPU under TCG (masked): login
# prompts (getty-static.service starts getty@tty2..6 when there is no D-Bus), periodic jobs.
STAGE2_MASK="serial-getty@.service getty@.service getty-static.service apt-daily.timer apt-daily-upgrade.timer
  dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer"
STAGE2_ENABLE="share.mount latchkey-vm-gpiosim.service latchkey-vm-board.service latchkey-vm-stage2.service"

# _trixie_mirror_lines → the two sources lines mmdebstrap uses (the same suites as the private trixie
# configuration of packages.sh: trixie + trixie-security, main).
_trixie_mirror_lines() {
    local k=/usr/share/keyrings/debian-archive-keyring.gpg
    printf 'deb [signed-by=%s] %s trixie main\n' "$k" "${LATCHKEY_VM_MIRROR:-http://deb.debian.org/debian}"
    printf 'deb [signed-by=%s] %s trixie-security main\n' "$k" "${LATCHKEY_VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
}

# resolve_stage2 LOCK: what mmdebstrap's minbase + STAGE2_PACKAGES resolves to today, from the private
# trixie index (apt's own solver, simulated, without recommends, on an empty system). The build records
# what was really installed (packages.installed) and warns if it differs.
resolve_stage2() {
    local lock=$1 tmp
    tmp=$(mktemp)
    # shellcheck disable=SC2086 # word list
    if ! apt_private trixie install -s --no-install-recommends '?essential' '?priority(required)' apt \
        $STAGE2_PACKAGES >"$tmp.log" 2>&1; then
        tail -n 20 "$tmp.log" >&2
        die "$EXIT_PACKAGES" "the trixie arm64 index cannot resolve minbase + [$STAGE2_PACKAGES] (log above)"
    fi
    # "Inst NAME (VERSION SUITES [ARCH])", sometimes followed by " [BROKEN-DEPENDENCIES]"
    sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) [^[]*\[\([a-z0-9]*\)\]).*$/trixie \1 \3 \2/p' "$tmp.log" | LC_ALL=C sort >"$tmp"
    [[ -s $tmp ]] || die "$EXIT_PACKAGES" "resolving the stage-two package set gave nothing (log: $tmp.log)"
    rm -f "$tmp.log"
    local v
    for v in mmdebstrap qemu-user-static; do
        printf 'host %s amd64 %s\n' "$v" "$(dpkg-query -W -f '${Version}' "$v" 2>/dev/null || echo missing)" >>"$tmp"
    done
    chmod 644 "$tmp"
    mv "$tmp" "$lock"
}

# binfmt: arm64 programs must run on this host (through qemu-aarch64-static) for the maintainer scripts.
ensure_binfmt() {
    arch-test arm64 >/dev/null 2>&1 && return 0
    log "arm64 programs do not run here yet: registering qemu-aarch64 with binfmt_misc (update-binfmts --enable qemu-aarch64)"
    update-binfmts --enable qemu-aarch64 >&2 2>&1 || true
    arch-test arm64 >/dev/null 2>&1 || die "$EXIT_HOST" "arm64 programs cannot run on this host (arch-test arm64 fails):" \
        "stage two needs binfmt_misc with qemu-user-static's qemu-aarch64 (hal/vm/install-host-tools.sh --stage2;" \
        "in a container: --privileged, or register it on the host)"
}

# --- layer 1: the mmdebstrap base ------------------------------------------------------------------

# _build_base OUT W: mmdebstrap into OUT/rootfs.tar, working in W (a tmpfs). The .debs of the last
# build are fed in (setup hook) and the new ones saved (customize hook), so a rebuild after a script
# change downloads nothing.
_build_base() {
    local out=$1 w=$2 sources=() line
    mkdir -p "$STAGE2_DIR/debs"
    while IFS= read -r line; do sources+=("$line"); done < <(_trixie_mirror_lines)
    # --variant=minbase: Essential:yes, Priority:required and apt. Maintainer scripts run in the chroot
    # through qemu-user (binfmt_misc); no recommends (apt's default in the chroot would add them).
    TMPDIR=$w mmdebstrap --mode=root --variant=minbase --arch=arm64 --format=tar \
        --include="$(tr -s ' \n' ',,' <<<"$STAGE2_PACKAGES" | sed 's/^,//; s/,$//')" \
        --aptopt='APT::Install-Recommends "false"' \
        --skip=essential/unlink --skip=download/empty \
        --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
        --setup-hook="sync-in $STAGE2_DIR/debs /var/cache/apt/archives" \
        --customize-hook="sync-out /var/cache/apt/archives $STAGE2_DIR/debs" \
        --customize-hook="chroot \"\$1\" dpkg-query -W -f '\${Package} \${Architecture} \${Version}\n' > $out/packages.installed" \
        --customize-hook='rm -f "$1/etc/apt/apt.conf.d/99mmdebstrap"' \
        trixie "$out/rootfs.tar" "${sources[@]}"
    test -s "$out/rootfs.tar"
}

# --- layer 2: the bootable image --------------------------------------------------------------------

# _image_modules R: the kernel's modules the guest uses (from stage one's initrd: virtio, ext4, 9p,
# configfs ...) at their place under /lib/modules/KREL/kernel, the out-of-tree ones in extra/, depmod.
_image_modules() {
    local r=$1 m="$W/initrd" f
    mkdir -p "$m"
    (cd "$m" && cpio -i -d --quiet <"$SET/initrd.cpio")
    local mods="$r/usr/lib/modules/$KREL"
    mkdir -p "$mods/extra"
    while read -r f; do
        mkdir -p "$mods/$(dirname "$f")"
        cp "$m/lib/modules/$(basename "$f")" "$mods/$f"
    done <"$SET/modules.order"
    cp "$SET/modules/irq_sim.ko" "$SET/modules/gpio-sim.ko" "$W/pwm-sim/pwm-sim.ko" "$mods/extra/"
    # The image's module list: what the initramfs loaded, then the extras (modules.order is informative).
    { cat "$SET/modules.order"; printf 'extra/%s\n' irq_sim.ko gpio-sim.ko pwm-sim.ko; } >"$mods/modules.order"
    depmod -b "$r" "$KREL"
    grep -q '^extra/gpio-sim.ko: extra/irq_sim.ko' "$mods/modules.dep"
}

# _image_pwm_sim: build kmod/pwm-sim against the kernel's headers (the .debs of stage one's set).
_image_pwm_sim() {
    _unpack_headers # build.sh: $W/kbuild, with LOCK, W, KREL set
    mkdir -p "$W/pwm-sim"
    cp "$VM_DIR/kmod/pwm-sim/"* "$W/pwm-sim/"
    make -C "$W/kbuild/usr/src/linux-headers-$KREL" M="$W/pwm-sim" -j"$(nproc)" \
        DEB_BUILD_ARCH=amd64 DEB_HOST_ARCH=arm64 DEB_HOST_GNU_TYPE=aarch64-linux-gnu modules
    modinfo -F vermagic "$W/pwm-sim/pwm-sim.ko" | grep -q "^$KREL "
    mkdir -p "$OUT/modules"
    cp "$W/pwm-sim/pwm-sim.ko" "$OUT/modules/"
}

# _image_files R: the harness's files and settings in the root file system.
_image_files() {
    local r=$1 g="$VM_DIR/guest/stage2" u
    tar -x --xattrs --xattrs-include='*' -f "$BASE/rootfs.tar" -C "$r"
    install -m 644 "$g/systemd/"* "$r/etc/systemd/system/"
    install -m 644 "$g/udev/99-latchkey-vm-gpio.rules" "$r/etc/udev/rules.d/"
    install -m 644 "$g/modules-load.conf" "$r/etc/modules-load.d/latchkey-vm.conf"
    install -d "$r/usr/local/lib/latchkey-vm" "$r/share"
    install -m 755 "$g/bin/gpiosim-up" "$g/bin/board-identity" "$r/usr/local/lib/latchkey-vm/"
    install -m 644 "$g/bin/job-env" "$r/usr/local/lib/latchkey-vm/"
    printf '/dev/vda / ext4 rw,noatime 0 0\n' >"$r/etc/fstab"
    echo latchkey-vm >"$r/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\tlatchkey-vm\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
    : >"$r/etc/resolv.conf" # no network in the guest (mmdebstrap copied the host's)
    # In the chroot (arm64 programs through qemu-user): the gpio group as on Raspberry Pi OS (the
    # latchkey package adds its user to it), a machine id (no first-boot presets), units.
    chroot "$r" addgroup --system gpio
    chroot "$r" systemd-machine-id-setup
    # shellcheck disable=SC2086 # word lists
    chroot "$r" systemctl enable $STAGE2_ENABLE
    for u in $STAGE2_MASK; do
        ln -sfn /dev/null "$r/etc/systemd/system/$u"
    done
    # Marks /etc and /var as up to date with /usr (no ldconfig/hwdb "update" units at boot). Last.
    chroot "$r" /usr/lib/systemd/systemd-update-done
}

_image_ext4() {
    local r=$1 mb
    mb=$(du -sm "$r" | cut -f1)
    # Room for the .deb (18 MB installed), the journal and the state of a few runs.
    mke2fs -q -F -t ext4 -m 0 -L latchkey-stage2 -E root_owner=0:0 -d "$r" "$OUT/rootfs.ext4" "$((mb + mb / 5 + 256))M"
}

_image_initrd() {
    local d="$W/initrd2"
    mkdir -p "$d"
    install -m 755 "$VM_DIR/guest/stage2/init" "$d/stage2-init"
    cp "$SET/initrd.cpio" "$OUT/initrd.cpio"
    # A second newc archive appended: the kernel unpacks both (rdinit=/stage2-init selects this init).
    (cd "$d" && echo stage2-init | cpio -o -H newc --owner=0:0 --quiet) >>"$OUT/initrd.cpio"
}

# _stage2_key FUNCTIONS... FILES... → 16 hex digits over stdin, the named functions' text and the files
_stage2_key() {
    local a
    {
        cat
        for a in "$@"; do
            if declare -F "$a" >/dev/null; then declare -f "$a"; else sha256sum <"$a"; fi
        done
    } | sha256_stdin | cut -c1-16
}

ensure_stage2_image() {
    local lock=$1
    # --- base ---
    BASE_KEY=$({
        cat "$lock"
        echo "$STAGE2_PACKAGES"
        _trixie_mirror_lines
    } | _stage2_key _build_base)
    BASE="$STAGE2_DIR/base/$BASE_KEY"
    if [[ -f $BASE/rootfs.tar ]]; then
        STAGE2_BASE_HIT=1
        touch "$BASE"
        log "stage two base: cache hit ($BASE)"
    else
        STAGE2_BASE_HIT=0
        ensure_binfmt
        phase_begin rootfs
        log "stage two base: cache miss, mmdebstrap trixie arm64 minbase + [$STAGE2_PACKAGES] (several minutes under qemu-user)"
        local w
        w=$(work_dir latchkey-stage2)
        # shellcheck disable=SC2064
        trap "rm -rf '$w'" EXIT
        rm -rf "$BASE.partial"
        mkdir -p "$BASE.partial"
        cp "$lock" "$BASE.partial/packages.lock"
        if ! _build_base "$BASE.partial" "$w" >"$BASE.partial/mmdebstrap.log" 2>&1; then
            tail -n 30 "$BASE.partial/mmdebstrap.log" >&2
            die "$EXIT_BUILD" "mmdebstrap failed (log above; full log: $BASE.partial/mmdebstrap.log)"
        fi
        rm -rf "$w"
        trap - EXIT
        rm -rf "$BASE"
        mv "$BASE.partial" "$BASE"
        # What was installed vs. what was resolved (apt's solver in mmdebstrap's chroot may differ a little).
        local diff
        diff=$(diff <(awk '$1 == "trixie" { print $2, $3, $4 }' "$lock") <(LC_ALL=C sort "$BASE/packages.installed") |
            grep '^[<>]' || true)
        [[ -z $diff ]] || warn "installed packages differ from the resolved set: $(tr '\n' ';' <<<"$diff")"
        phase_end
        _prune_stage2
    fi

    # --- image ---
    local g="$VM_DIR/guest/stage2"
    IMG_KEY=$({
        echo "$BASE_KEY $KEY"
        echo "$STAGE2_MASK $STAGE2_ENABLE"
    } | _stage2_key _image_modules _image_pwm_sim _image_files _image_ext4 _image_initrd \
        "$g/init" "$g/modules-load.conf" "$g"/systemd/* "$g"/udev/* "$g"/bin/* "$VM_DIR/kmod/pwm-sim/"*)
    IMG="$STAGE2_DIR/images/$IMG_KEY"
    if [[ -f $IMG/rootfs.ext4 && -f $IMG/initrd.cpio ]]; then
        STAGE2_IMG_HIT=1
        touch "$IMG"
        log "stage two image: cache hit ($IMG)"
        return 0
    fi
    STAGE2_IMG_HIT=0
    ensure_binfmt
    phase_begin image
    OUT="$IMG.partial"
    rm -rf "$OUT"
    mkdir -p "$OUT"
    W=$(work_dir latchkey-stage2)
    # shellcheck disable=SC2064
    trap "rm -rf '$W'" EXIT
    BUILD_LOG="$OUT/build.log"
    : >"$BUILD_LOG"
    : >"$OUT/timings"
    LOCK="$SET/packages.lock"
    KREL="$(lock_kernel_abi "$LOCK")-arm64"
    local r="$W/rootfs"
    mkdir -p "$r"
    download_packages "$LOCK" # the kernel headers for pwm-sim (normally still there: no-op)
    _step pwm-sim-build _image_pwm_sim
    _step rootfs-files _image_files "$r"
    _step rootfs-modules _image_modules "$r"
    _step ext4 _image_ext4 "$r"
    _step initrd _image_initrd
    printf 'BASE_KEY=%s\nSET_KEY=%s\nKERNEL_RELEASE=%s\n' "$BASE_KEY" "$KEY" "$KREL" >"$OUT/image.env"
    rm -rf "$W"
    trap - EXIT
    rm -rf "$IMG"
    mv "$OUT" "$IMG"
    phase_end
    _prune_stage2
}

# Keep the 2 newest bases and 3 newest images, and the .debs the kept bases installed.
_prune_stage2() {
    local d f keep
    for d in base:2 images:3; do
        keep=${d#*:}
        d="$STAGE2_DIR/${d%:*}"
        [[ -d $d ]] || continue
        find "$d" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +"$((keep + 1))" |
            cut -d' ' -f2- | xargs -r rm -rf
    done
    declare -A wanted=()
    local p a v
    for f in "$STAGE2_DIR"/base/*/packages.installed; do
        [[ -f $f ]] || continue
        while read -r p a v; do wanted[$(deb_file "$p" "$a" "$v")]=1; done <"$f"
    done
    for f in "$STAGE2_DIR"/debs/*.deb; do
        [[ -f $f && -z ${wanted[$(basename "$f")]:-} ]] && rm -f "$f"
    done
    return 0
}

# --- report -----------------------------------------------------------------------------------------
# Reads RUN, SET, KEY, BASE_KEY, IMG_KEY, IMG, the *_HIT flags, RC, GUEST_RC, VM_RC, T_TOTAL, DEB, DEB_SHA.

_stage2_results() {
    if [[ -s $RUN/share/out/results ]]; then cat "$RUN/share/out/results"; else grep '^LATCHKEY-RESULT' "$RUN/console.log" || true; fi
}

stage2_summary_line() {
    local pass fail
    pass=$(_stage2_results | grep -c '^LATCHKEY-RESULT [^ ]* PASS' || true)
    fail=$(_stage2_results | grep -c '^LATCHKEY-RESULT [^ ]* FAIL' || true)
    printf 'vm stage2: %s passed, %s failed\n' "$pass" "$fail"
}

# _fence FILE [MAX-LINES]: a file as a code block (or a note that it is missing)
_fence() {
    echo '```'
    if [[ -f $1 ]]; then head -n "${2:-200}" "$1"; else echo "($(basename "$1") not written)"; fi
    echo '```'
}

write_stage2_report() {
    local out=$1 logs="$RUN/share/out/logs" hit
    hit() { [[ $1 == 1 ]] && echo "reused" || echo "built"; }
    {
        echo "# latchkey VM stage two run $(basename "$RUN")"
        echo
        echo "- package: \`$DEB\` ($(dpkg-deb -f "$DEB" Version), sha256 \`$DEB_SHA\`)"
        echo "- exit code: **$RC** (checks: ${GUEST_RC:-none}, qemu: ${VM_RC:-?})"
        echo "- cache: stage one set $KEY $(hit "$CACHE_HIT"), base $BASE_KEY $(hit "$STAGE2_BASE_HIT"), image $IMG_KEY $(hit "$STAGE2_IMG_HIT")"
        echo "- total wall time: ${T_TOTAL} s"
        echo "- run folder: \`$RUN\` (console.log, share/out/results, share/out/logs/, qemu-command)"
        echo
        echo "## Results"
        echo
        echo '```'
        _stage2_results | grep '^LATCHKEY-RESULT' || echo "(no LATCHKEY-RESULT lines)"
        stage2_summary_line
        echo '```'
        echo
        host_phases
        if [[ $STAGE2_IMG_HIT == 0 && -f $IMG/timings ]]; then
            echo
            echo "Image build steps: $(awk '{ printf "%s%s %ss", sep, $1, $2; sep = ", " }' "$IMG/timings")"
        fi
        echo
        echo "## Guest timeline"
        echo
        echo "Marks (seconds since the kernel started; /proc/uptime):"
        echo
        echo "| mark | at | since the mark before |"
        echo "|---|---|---|"
        awk '/^LATCHKEY-TIME [^ ]*@ / { print $3, $2 }' "$RUN/console.log" | sort -n -s -k1,1 |
            awk '{ printf "| %s | %s | %.2f |\n", $2, $1, $1 - prev; prev = $1 }'
        echo
        echo "Steps (seconds): $(awk '/^LATCHKEY-TIME [^ ]*[^@] / { printf "%s%s %s", sep, $2, $3; sep = ", " }' "$RUN/console.log")"
        echo
        echo "## Guest facts"
        echo
        echo '```'
        sed -n 's/^LATCHKEY-INFO //p; s/^LATCHKEY-ERROR /ERROR: /p' "$RUN/console.log"
        echo '```'
        echo
        echo "## systemd-analyze security latchkeyd.service (the unit as shipped, in the guest)"
        echo
        _fence "$logs/systemd-analyze-security.txt"
        echo
        echo "## The daemon's journal per step"
        local f
        for f in journal-5-pi4j-no-pwm journal-6-pi4j journal-7-simulated journal-8-simulated-init; do
            [[ -f $logs/$f.txt ]] || continue
            echo
            echo "### $f"
            echo
            _fence "$logs/$f.txt" 60
        done
        echo
        echo "## Package sets"
        echo
        echo "Stage one (kernel side):"
        echo
        echo '```'
        awk '{ printf "%-9s %-40s %-6s %s\n", $1, $2, $3, $4 }' "$RUN/packages.lock"
        echo '```'
        echo
        echo "Stage two root file system: $(grep -c '^trixie' "$RUN/packages-stage2.lock") packages (mmdebstrap minbase + $STAGE2_PACKAGES); the main ones:"
        echo
        echo '```'
        awk '$1 == "host" || $2 ~ /^(systemd|udev|openjdk-21-jre-headless|libc6|dpkg|adduser|gpiod|curl|ca-certificates-java)$/ { printf "%-9s %-40s %-6s %s\n", $1, $2, $3, $4 }' "$RUN/packages-stage2.lock"
        echo '```'
        echo
        echo "## Console (last 40 lines without LATCHKEY lines)"
        echo
        echo '```'
        grep -v '^LATCHKEY-' "$RUN/console.log" | tail -n 40 || true
        echo '```'
    } >"$out"
}
