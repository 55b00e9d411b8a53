# shellcheck shell=bash
# Building one cached "set" from a resolved package lock. Sourced by run.sh.
#
# build_set LOCK SETDIR makes, in SETDIR (built in SETDIR.partial, renamed when complete):
#   vmlinuz        the Debian arm64 kernel (gzip'd Image; QEMU's -kernel unpacks it)
#   initrd.cpio    busybox, guest/init, the kernel modules it loads, irq_sim.ko + gpio-sim.ko
#   rootfs.ext4    the trixie arm64 JRE, libc & co. and Debian's gpiod tools (mke2fs -d, no journal)
#   modules/       irq_sim.ko, gpio-sim.ko (also in the initrd) and src-patched/, the sources built
#   modules.order  the kernel modules the initrd loads, in order
#   set.env        KERNEL_RELEASE=…, JAVA_HOME=… (guest paths)
#   packages.lock  the resolved package set the set was built from
#   timings, build.log

# Kernel modules the guest loads (their dependencies are added from modules.dep): the virtio-mmio
# transport (a module in Debian's arm64 kernel), the root image's disk and file system, the 9p share,
# configfs for gpio-sim, evdev and uinput for the keyboard-mode scanner (a uinput keyboard read through
# an event node). crc32c_generic is ext4's soft dependency (crypto-crc32c).
GUEST_MODULES="virtio_mmio virtio_blk crc32c_generic ext4 9pnet_virtio 9p configfs evdev uinput"

# JRE and tool files whose shared libraries must all be in the root image; other JRE libraries
# (AWT fonts and images, sound, smart cards) may miss theirs: a headless program does not load them.
ROOTFS_MUST_LINK="bin/java lib/server/libjvm.so lib/libjava.so lib/libjli.so lib/libzip.so lib/libnio.so
  lib/libnet.so lib/libjimage.so lib/libextnet.so lib/libmanagement.so"
ROOTFS_TOOLS="usr/bin/gpioset usr/bin/gpioinfo usr/bin/gpiodetect usr/bin/gpiomon"

# _deb NAME-REGEX LOCK → path of the cached .deb of the first lock line whose package matches
_deb() {
    local re=$1 lock=$2 c p a v
    while read -r c p a v _; do
        if [[ $p =~ $re ]]; then
            printf '%s/debs/%s\n' "$CACHE" "$(deb_file "$p" "$a" "$v")"
            return 0
        fi
    done <"$lock"
    die "$EXIT_BUILD" "no package matching '$re' in $lock"
}

# _step NAME COMMAND...: run a build step, log its output to $BUILD_LOG, time it, fail loudly.
_step() {
    local name=$1 t0 dt
    shift
    t0=$(now)
    echo "=== $name: $*" >>"$BUILD_LOG"
    # A subshell with its own errexit (errexit would be off inside an "if" condition).
    local rc=0
    set +e
    (set -e; "$@") >>"$BUILD_LOG" 2>&1
    rc=$?
    set -e
    if ((rc != 0)); then
        tail -n 30 "$BUILD_LOG" >&2
        die "$EXIT_BUILD" "build step '$name' failed (log above; full log: $BUILD_LOG)"
    fi
    dt=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    printf '%s %s\n' "$name" "$dt" >>"$OUT/timings"
    log "  $name: ${dt}s"
}

# --- steps: W = the work dir (tmpfs), OUT = the partial set dir, LOCK = the lock file, KREL = 6.1.0-NN-arm64

_unpack_kernel() {
    dpkg-deb -x "$(_deb '^linux-image-.*-arm64-unsigned$' "$LOCK")" "$W/kernel"
    cp "$W/kernel/boot/vmlinuz-$KREL" "$OUT/vmlinuz"
    # Debian's package has no modules.dep (its postinst runs depmod): make one for the modules we load.
    depmod -b "$W/kernel" "$KREL"
}

_unpack_headers() {
    local d
    for d in '^linux-headers-.*-arm64$' '^linux-headers-.*-common$' '^linux-kbuild-6\.1$'; do
        dpkg-deb -x "$(_deb "$d" "$LOCK")" "$W/kbuild"
    done
    # The arch headers' Makefile includes the common one by absolute path: point it at our copy.
    # (The scripts/ and tools/ links are relative and resolve inside $W/kbuild as they are.)
    sed -i "s|^include /usr/src/|include $W/kbuild/usr/src/|" "$W/kbuild/usr/src/linux-headers-$KREL/Makefile"
    grep -q "^include $W/kbuild/" "$W/kbuild/usr/src/linux-headers-$KREL/Makefile"
}

# Only three files of the 138 MB source tarball are needed; tar stops once it has found them.
_unpack_sources() {
    mkdir -p "$W/src"
    dpkg-deb --fsys-tarfile "$(_deb '^linux-source-6\.1$' "$LOCK")" |
        tar -x -C "$W/src" ./usr/src/linux-source-6.1.tar.xz
    tar -xJf "$W/src/usr/src/linux-source-6.1.tar.xz" -C "$W/src" --occurrence=1 --strip-components=1 \
        linux-source-6.1/drivers/gpio/gpio-sim.c linux-source-6.1/drivers/gpio/gpiolib.h \
        linux-source-6.1/kernel/irq/irq_sim.c
    rm -rf "$W/src/usr"
    test -f "$W/src/kernel/irq/irq_sim.c" && test -f "$W/src/drivers/gpio/gpio-sim.c"
}

_build_modules() {
    local m="$W/modules"
    mkdir -p "$m/src" "$OUT/modules"
    cp -r "$W/src/." "$m/src/"
    patch -d "$m/src" -p1 --forward --no-backup-if-mismatch <"$VM_DIR/kmod/irq_sim-as-module.patch"
    cp "$m/src/kernel/irq/irq_sim.c" "$m/src/drivers/gpio/gpio-sim.c" "$m/src/drivers/gpio/gpiolib.h" "$m/"
    cp "$VM_DIR/kmod/Kbuild" "$m/Kbuild"
    # DEB_* select Debian's cross compiler (aarch64-linux-gnu-gcc-12) in the headers' .kernelvariables.
    make -C "$W/kbuild/usr/src/linux-headers-$KREL" M="$m" -j"$(nproc)" \
        DEB_BUILD_ARCH=amd64 DEB_HOST_ARCH=arm64 DEB_HOST_GNU_TYPE=aarch64-linux-gnu modules
    test -f "$m/irq_sim.ko" && test -f "$m/gpio-sim.ko"
    modinfo -F vermagic "$m/gpio-sim.ko" | grep -q "^$KREL "
    cp "$m/irq_sim.ko" "$m/gpio-sim.ko" "$OUT/modules/"
    cp -r "$m/src" "$OUT/modules/src-patched"
}

# Print, in load order, the module files (relative to lib/modules/$KREL) of GUEST_MODULES + deps.
_module_load_order() {
    local dep="$W/kernel/lib/modules/$KREL/modules.dep"
    awk -v want="$GUEST_MODULES" '
        function norm(f) { sub(/.*\//, "", f); sub(/\.ko(\.[gx]z|\.zst)?$/, "", f); gsub(/-/, "_", f); return f }
        function visit(p,   i, n, d) {
            if (p in done) return
            done[p] = 1
            n = split(deps[p], d, " ")
            for (i = n; i >= 1; i--) visit(d[i])
            print p
        }
        { p = $1; sub(/:$/, "", p); path[norm(p)] = p; $1 = ""; deps[p] = $0 }
        END {
            n = split(want, w, " ")
            for (i = 1; i <= n; i++) {
                if (!(w[i] in path)) { print "missing module " w[i] > "/dev/stderr"; exit 1 }
                visit(path[w[i]])
            }
        }' "$dep"
}

_build_initrd() {
    local ir="$W/initrd" f
    mkdir -p "$ir"/{bin,sbin,proc,sys,dev,run,tmp,mnt/root,share,etc/latchkey,lib/modules}
    dpkg-deb -x "$(_deb '^busybox-static$' "$LOCK")" "$W/busybox"
    cp "$W/busybox/bin/busybox" "$ir/bin/busybox"
    cp "$VM_DIR/guest/init" "$ir/init"
    chmod 755 "$ir/init" "$ir/bin/busybox"
    mknod -m 600 "$ir/dev/console" c 5 1
    : >"$ir/etc/latchkey/modules.load"
    _module_load_order >"$OUT/modules.order"
    while read -r f; do
        cp "$W/kernel/lib/modules/$KREL/$f" "$ir/lib/modules/"
        basename "$f" >>"$ir/etc/latchkey/modules.load"
    done <"$OUT/modules.order"
    # irq_sim before gpio-sim (gpio-sim uses its exports), both after configfs (in the list above).
    cp "$W/modules/irq_sim.ko" "$W/modules/gpio-sim.ko" "$ir/lib/modules/"
    printf '%s\n' irq_sim.ko gpio-sim.ko >>"$ir/etc/latchkey/modules.load"
    cp "$OUT/set.env" "$ir/etc/latchkey/set.env"
    # Uncompressed: the kernel unpacks it faster than it would gunzip it under TCG.
    (cd "$ir" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$OUT/initrd.cpio"
}

# _elf_needs FILE → its DT_NEEDED names
_elf_needs() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

_build_rootfs() {
    local rf="$W/rootfs" c p a v d f n missing=() optional=()
    mkdir -p "$rf"
    while read -r c p a v _; do
        [[ $c == trixie ]] || continue
        dpkg-deb -x "$CACHE/debs/$(deb_file "$p" "$a" "$v")" "$rf"
    done <"$LOCK"
    # trixie packages ship /usr only; /lib, /bin, /sbin are links (base-files makes them on a real
    # system). The ELF interpreter is /lib/ld-linux-aarch64.so.1.
    for d in bin sbin lib; do
        if [[ -d $rf/$d && ! -L $rf/$d ]]; then
            mkdir -p "$rf/usr/$d"
            cp -a "$rf/$d/." "$rf/usr/$d/"
            rm -rf "${rf:?}/$d"
        fi
        mkdir -p "$rf/usr/$d"
        ln -sfn "usr/$d" "$rf/$d"
    done
    mkdir -p "$rf"/{proc,sys,dev,tmp,share,run,etc}
    # Not needed by a JVM or the gpiod tools: documentation, locales, iconv modules (20 MB).
    rm -rf "$rf"/usr/share/{doc,man,lintian,locale,bug} "$rf"/usr/lib/aarch64-linux-gnu/gconv
    local java
    java=$(cd "$rf" && find usr/lib/jvm -path '*/bin/java' -type f | sort | head -n 1)
    [[ -n $java ]] || { echo "no usr/lib/jvm/*/bin/java in the root image"; return 1; }
    JAVA_HOME_GUEST="/${java%/bin/java}"
    # Only used for heaps over 32 GB: not here.
    rm -f "$rf$JAVA_HOME_GUEST/lib/server/classes_nocoops.jsa"
    # Every shared library the JVM's core and the gpiod tools need must be in the image.
    local search=("$rf/usr/lib/aarch64-linux-gnu" "$rf$JAVA_HOME_GUEST/lib" "$rf$JAVA_HOME_GUEST/lib/server")
    local files=()
    for f in $ROOTFS_MUST_LINK; do files+=("$rf$JAVA_HOME_GUEST/$f"); done
    for f in $ROOTFS_TOOLS; do files+=("$rf/$f"); done
    for f in "${files[@]}"; do
        [[ -f $f ]] || { missing+=("${f#"$rf"} (file)"); continue; }
        for n in $(_elf_needs "$f"); do
            local ok=0
            for d in "${search[@]}"; do [[ -e $d/$n ]] && ok=1 && break; done
            ((ok)) || missing+=("$n (for ${f#"$rf"})")
        done
    done
    for f in "$rf$JAVA_HOME_GUEST"/lib/*.so; do
        for n in $(_elf_needs "$f"); do
            local ok=0
            for d in "${search[@]}"; do [[ -e $d/$n ]] && ok=1 && break; done
            ((ok)) || optional+=("$n (for ${f##*/})")
        done
    done
    ((${#optional[@]} == 0)) || echo "not in the image, not needed headless: ${optional[*]}"
    if ((${#missing[@]})); then
        echo "the root image lacks: ${missing[*]} — add the Debian packages that hold them to LATCHKEY_VM_TRIXIE_LIBS"
        return 1
    fi
    printf 'KERNEL_RELEASE=%s\nJAVA_HOME=%s\n' "$KREL" "$JAVA_HOME_GUEST" >"$OUT/set.env"
    local mb
    mb=$(du -sm "$rf" | cut -f1)
    mke2fs -q -F -t ext4 -O ^has_journal -m 0 -L latchkey-root -E root_owner=0:0 -d "$rf" \
        "$OUT/rootfs.ext4" "$((mb + mb / 5 + 32))M"
}

# _bg NAME FUNCTION: run a step in the background (its own log, appended to the build log on _join).
_bg_pids=()
_bg_names=()
_bg() {
    local name=$1 fn=$2
    (
        set -e
        t0=$(now)
        "$fn" >"$W/$name.log" 2>&1
        printf '%s %s\n' "$name" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')" >>"$OUT/timings"
    ) &
    _bg_pids+=("$!")
    _bg_names+=("$name")
}
_join() {
    local i rc=0
    for i in "${!_bg_pids[@]}"; do
        if ! wait "${_bg_pids[$i]}"; then
            rc=1
            tail -n 30 "$W/${_bg_names[$i]}.log" >&2
            log "  ${_bg_names[$i]}: FAILED"
        fi
        { echo "=== ${_bg_names[$i]} (background)"; cat "$W/${_bg_names[$i]}.log"; } >>"$BUILD_LOG"
    done
    _bg_pids=()
    _bg_names=()
    ((rc == 0)) || die "$EXIT_BUILD" "a build step failed (log above; full log: $BUILD_LOG)"
}

build_set() {
    LOCK=$1
    local set=$2
    # Outputs go to OUT (on disk, renamed to the set when complete); the unpacked trees (kernel
    # modules, headers, sources, root file system: ~15,000 files) to W, a tmpfs where possible:
    # creating and deleting that many files on the cache's disk was measured 5-10x slower here.
    OUT="$set.partial"
    rm -rf "$OUT"
    mkdir -p "$OUT"
    W=$(work_dir latchkey-vm-build)
    # shellcheck disable=SC2064 # W is fixed now
    trap "rm -rf '$W'" EXIT
    BUILD_LOG="$OUT/build.log"
    : >"$BUILD_LOG"
    : >"$OUT/timings"
    KREL="$(lock_kernel_abi "$LOCK")-arm64"
    cp "$LOCK" "$OUT/packages.lock"
    # Two streams for the two cores: the kernel source (one xz stream, ~10 s, for three files) in the
    # background; the kernel image, headers and root image in the foreground.
    _bg sources-unpack _unpack_sources
    _step kernel-unpack _unpack_kernel
    _step headers-unpack _unpack_headers
    _step rootfs-image _build_rootfs
    _join
    _step modules-build _build_modules
    _step initrd _build_initrd
    rm -rf "$W"
    trap - EXIT
    rm -rf "$set"
    mv "$OUT" "$set"
}

# prune_cache N: keep the N newest sets, and the downloaded .debs that their package locks name.
prune_cache() {
    local keep=$1 s c p a v
    find "$CACHE/sets" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn |
        tail -n +"$((keep + 1))" | cut -d' ' -f2- | xargs -r rm -rf
    declare -A wanted=()
    for s in "$CACHE"/sets/*/packages.lock; do
        [[ -f $s ]] || continue
        while read -r c p a v _; do
            [[ $c == host ]] || wanted[$(deb_file "$p" "$a" "$v")]=1
        done <"$s"
    done
    for p in "$CACHE"/debs/*.deb; do
        [[ -f $p && -z ${wanted[$(basename "$p")]:-} ]] && rm -f "$p"
    done
    return 0
}
