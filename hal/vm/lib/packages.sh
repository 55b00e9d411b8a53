# shellcheck shell=bash
# Resolving and downloading the Debian packages the harness needs. Sourced by run.sh.
#
# resolve_packages LOCKFILE  writes one line per package: "CONFIG PACKAGE ARCH VERSION SHA256"
#   bookworm: one kernel ABI (6.1.0-NN) and one source version for linux-image-*-arm64-unsigned,
#             linux-headers-*-arm64, linux-headers-*-common, linux-kbuild-6.1 (amd64), linux-source-6.1;
#             busybox-static (arm64)
#   trixie:   a Java 21+ runtime and the libraries the guest needs (arm64)
#   host:     gcc-aarch64-linux-gnu as installed on the host (it builds the modules)
# download_packages LOCKFILE  fetches every bookworm/trixie .deb of the lock into $CACHE/debs.

# Java runtimes to try, first found wins (trixie has openjdk-21 and openjdk-25 for arm64).
JAVA_PACKAGES=${LATCHKEY_VM_JAVA_PACKAGES:-openjdk-21-jre-headless openjdk-25-jre-headless}
# Libraries of the guest's root image: the JRE's (libjvm needs libstdc++ and libgcc_s, libzip zlib),
# and Debian's gpiod tools (gpioset, gpioinfo) with their libgpiod3. Pi4J brings its own libgpiod 1.6.
# build_rootfs checks that every library the JVM and the tools need is in the image.
TRIXIE_LIBS=${LATCHKEY_VM_TRIXIE_LIBS:-libc6 libgcc-s1 libstdc++6 zlib1g gpiod libgpiod3}

apt_configs_init() {
    apt_config_init bookworm arm64,amd64 "$VM_DIR/apt/bookworm.sources.list"
    apt_config_init trixie arm64 "$VM_DIR/apt/trixie.sources.list"
}

# Refresh both package indexes (in parallel). With LATCHKEY_VM_OFFLINE=1, or when the mirror cannot
# be reached but indexes from an earlier run exist, the stored indexes are used.
apt_update_all() {
    if [[ ${LATCHKEY_VM_OFFLINE:-0} == 1 ]]; then
        log "LATCHKEY_VM_OFFLINE=1: using the stored package indexes"
        return 0
    fi
    local name pids=() failed=()
    for name in bookworm trixie; do
        # --error-on=any: an index that cannot be fetched is an error, not a warning.
        apt_private "$name" update --error-on=any >"$CACHE/apt/$name/update.log" 2>&1 &
        pids+=("$!")
    done
    local i=0
    for name in bookworm trixie; do
        if ! wait "${pids[$i]}"; then failed+=("$name"); fi
        i=$((i + 1))
    done
    for name in "${failed[@]}"; do
        # Stored indexes count only if they belong to the current sources (same mirror).
        if [[ -n $(apt_cache_private "$name" pkgnames 2>/dev/null | head -n 1) ]]; then
            warn "apt-get update ($name) failed, using the indexes of an earlier run:"
            tail -n 5 "$CACHE/apt/$name/update.log" >&2
        else
            tail -n 20 "$CACHE/apt/$name/update.log" >&2
            die "$EXIT_PACKAGES" "apt-get update for the private '$name' configuration failed (log above," \
                "full log: $CACHE/apt/$name/update.log). Is the Debian mirror reachable? Set LATCHKEY_VM_MIRROR /" \
                "LATCHKEY_VM_SECURITY_MIRROR to use another one."
        fi
    done
}

# _records CONFIG SPEC... → "PACKAGE ARCH VERSION SHA256" per package record apt-cache shows for the
# specs (PKG[:ARCH] = candidate, PKG[:ARCH]=VERSION = that version). One apt-cache call for all of
# them; a spec it cannot find is simply absent from the output.
_records() {
    local config=$1
    shift
    apt_cache_private "$config" show --no-all-versions "$@" 2>/dev/null |
        awk '/^Package:/ { p = $2 } /^Architecture:/ { a = $2 } /^Version:/ { v = $2 } /^SHA256:/ { s = $2 }
             /^$/ { if (p != "") print p, a, v, s; p = "" }
             END { if (p != "") print p, a, v, s }' || true
}

# _pick RECORDS PACKAGE [ARCH] → the record's line of PACKAGE (and ARCH, or "all"), or nothing
_pick() {
    awk -v p="$2" -v a="${3:-}" '$1 == p && (a == "" || $2 == a || $2 == "all") { print; exit }' <<<"$1"
}

resolve_packages() {
    local lock=$1 tmp recs line p a v s
    tmp=$(mktemp)
    # --- kernel side (bookworm + bookworm-security): one ABI, one source version for all ---
    local abi=${LATCHKEY_VM_KERNEL_ABI:-}
    if [[ -z $abi ]]; then
        # linux-image-arm64 (the meta package) depends on the newest linux-image-6.1.0-NN-arm64.
        abi=$({ apt_cache_private bookworm depends linux-image-arm64 2>/dev/null || true; } |
            sed -n 's/^ *Depends: linux-image-\(6\.1\.0-[0-9]*\)-arm64$/\1/p' | head -n 1)
        [[ -n $abi ]] || die "$EXIT_PACKAGES" "cannot find the kernel ABI: linux-image-arm64 has no" \
            "linux-image-6.1.0-NN-arm64 dependency in the bookworm index"
    fi
    recs=$(_records bookworm "linux-image-$abi-arm64-unsigned:arm64" busybox-static:arm64)
    local kver bbver
    kver=$(_pick "$recs" "linux-image-$abi-arm64-unsigned" arm64 | cut -d' ' -f3)
    bbver=$(_pick "$recs" busybox-static arm64 | cut -d' ' -f3)
    [[ -n $kver ]] || die "$EXIT_PACKAGES" "linux-image-$abi-arm64-unsigned is not in the bookworm index"
    [[ -n $bbver ]] || die "$EXIT_PACKAGES" "busybox-static (arm64) is not in the bookworm index"
    local want=("linux-image-$abi-arm64-unsigned arm64" "linux-headers-$abi-arm64 arm64"
        "linux-headers-$abi-common all" "linux-kbuild-6.1 amd64" "linux-source-6.1 all")
    recs=$(_records bookworm "linux-image-$abi-arm64-unsigned:arm64=$kver" "linux-headers-$abi-arm64:arm64=$kver" \
        "linux-headers-$abi-common=$kver" "linux-kbuild-6.1:amd64=$kver" "linux-source-6.1=$kver" \
        "busybox-static:arm64=$bbver")
    for line in "${want[@]}" "busybox-static arm64"; do
        read -r p a <<<"$line"
        read -r p a v s <<<"$(_pick "$recs" "$p" "$a")"
        [[ -n ${v:-} ]] || die "$EXIT_PACKAGES" "$line is not in the bookworm index at the kernel's version" \
            "$kver (the mirror may be between updates: run again later, or pin LATCHKEY_VM_KERNEL_ABI)"
        printf 'bookworm %s %s %s %s\n' "$p" "$a" "$v" "$s" >>"$tmp"
    done
    # --- Java side (trixie, arm64): the first Java package found, and the libraries ---
    # shellcheck disable=SC2086 # word lists
    recs=$(_records trixie $JAVA_PACKAGES $TRIXIE_LIBS)
    local java=""
    for p in $JAVA_PACKAGES; do
        line=$(_pick "$recs" "$p")
        if [[ -n $line ]]; then java=$line; break; fi
    done
    [[ -n $java ]] || die "$EXIT_PACKAGES" "none of [$JAVA_PACKAGES] is in the trixie arm64 index"
    printf 'trixie %s\n' "$java" >>"$tmp"
    for p in $TRIXIE_LIBS; do
        line=$(_pick "$recs" "$p")
        [[ -n $line ]] || die "$EXIT_PACKAGES" "$p is not in the trixie arm64 index"
        printf 'trixie %s\n' "$line" >>"$tmp"
    done
    # --- host cross compiler (builds the modules, so its version is part of the set) ---
    v=$(dpkg-query -W -f '${Version}' gcc-aarch64-linux-gnu 2>/dev/null || true)
    printf 'host gcc-aarch64-linux-gnu amd64 %s -\n' "${v:-missing}" >>"$tmp"
    chmod 644 "$tmp"
    mv "$tmp" "$lock"
}

# The kernel ABI and release of a lock file, e.g. "6.1.0-56" and "6.1.0-56-arm64".
lock_kernel_abi() {
    awk '$2 ~ /^linux-image-.*-arm64-unsigned$/ { sub(/^linux-image-/, "", $2); sub(/-arm64-unsigned$/, "", $2); print $2 }' "$1"
}

download_packages() {
    local lock=$1 config
    mkdir -p "$CACHE/debs"
    for config in bookworm trixie; do
        local specs=() c p a v s f
        while read -r c p a v s; do
            [[ $c == "$config" ]] || continue
            f="$CACHE/debs/$(deb_file "$p" "$a" "$v")"
            if [[ -f $f ]] && [[ $(sha256sum <"$f" | cut -d' ' -f1) == "$s" ]]; then continue; fi
            rm -f "$f"
            if [[ $a == all ]]; then specs+=("$p=$v"); else specs+=("$p:$a=$v"); fi
        done <"$lock"
        ((${#specs[@]})) || continue
        log "downloading (${config}): ${specs[*]}"
        # apt-get download verifies each file against the index's SHA256.
        if ! (cd "$CACHE/debs" && apt_private "$config" download "${specs[@]}") >"$CACHE/debs/download-$config.log" 2>&1; then
            tail -n 20 "$CACHE/debs/download-$config.log" >&2
            die "$EXIT_PACKAGES" "downloading the $config packages failed (log above, full log:" \
                "$CACHE/debs/download-$config.log)"
        fi
    done
}
