# shellcheck shell=bash
# The stage-one set (kernel, initramfs, modules, Java root image): resolved, and built on a cache miss.
# Sourced by run.sh and stage2.sh (after common.sh, packages.sh and build.sh), never run.
#
# ensure_set LOCKFILE
#   Refreshes the package indexes, resolves the package set into LOCKFILE, and makes sure the cached set
#   for it exists (download + build on a miss). Sets KEY (16 hex digits), SET (its folder) and CACHE_HIT
#   (1 = reused, 0 = built). Times the phases "resolve", "download" and "build". The caller holds the
#   cache's set-up lock (flock on $CACHE/.setup.lock) around it.

ensure_set() {
    local lock=$1
    phase_begin resolve
    apt_configs_init
    apt_update_all
    resolve_packages "$lock"
    # The key: the resolved set plus everything the build reads from this folder (the files of kmod/,
    # not sub-folders: kmod/pwm-sim belongs to stage two; guest/init, not the guest's config, which goes over the share each run).
    local f inputs=()
    for f in "$VM_DIR/lib/build.sh" "$VM_DIR/kmod/"* "$VM_DIR/guest/init"; do
        [[ -f $f ]] && inputs+=("$f")
    done
    KEY=$({
        cat "$lock"
        sha256sum "${inputs[@]}" | cut -d' ' -f1
    } | sha256_stdin | cut -c1-16)
    SET="$CACHE/sets/$KEY"
    log "resolved package set (cache key $KEY):"
    awk '{ printf "  %-9s %-40s %-6s %s\n", $1, $2, $3, $4 }' "$lock" >&2
    phase_end

    if [[ -f $SET/set.env ]]; then
        CACHE_HIT=1
        touch "$SET" # newest-used sets survive prune_cache
        log "cache hit: $SET"
    else
        CACHE_HIT=0
        log "cache miss: building $SET"
        phase_begin download
        download_packages "$lock"
        phase_end
        phase_begin build
        mkdir -p "$CACHE/sets"
        build_set "$lock" "$SET"
        phase_end
        prune_cache 3
    fi
}
