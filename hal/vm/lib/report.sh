# shellcheck shell=bash
# The run report. Sourced by run.sh; reads its variables (RUN, SET, KEY, CACHE_HIT, RC, T_TOTAL, MAIN,
# DEB, GUEST_CONFIG, GUEST_RC, VM_RC).
#
# Sources: $RUN/timings (host phases), $SET/timings (set build steps, cold runs), $RUN/console.log
# (the guest's serial console: LATCHKEY-INFO / -TIME / -ERROR / -EXIT lines), $RUN/share/out/program.log
# (the JVM's stdout+stderr, with its LATCHKEY-RESULT and LATCHKEY-TIME lines).

# The program's lines, from its own log if the guest wrote one, else from the console.
_program_log() {
    if [[ -s $RUN/share/out/program.log ]]; then cat "$RUN/share/out/program.log"; else cat "$RUN/console.log"; fi
}

summary_line() {
    local pass fail
    pass=$(_program_log | grep -c '^LATCHKEY-RESULT [^ ]* PASS' || true)
    fail=$(_program_log | grep -c '^LATCHKEY-RESULT [^ ]* FAIL' || true)
    # The plain closing line CI runners understand.
    printf 'vm: %s passed, %s failed\n' "$pass" "$fail"
}

# The failed checks, with their details (nothing when all passed).
failed_checks() {
    local failed
    failed=$(_program_log | sed -n 's/^LATCHKEY-RESULT \([^ ]*\) FAIL /FAILED \1: /p')
    [[ -z $failed ]] || printf '%s\n' "$failed"
}

write_report() {
    local out=$1
    {
        echo "# latchkey hardware truth: VM run $(basename "$RUN")"
        echo
        echo "- exit code: **$RC** (checks: ${GUEST_RC:-none}, qemu: ${VM_RC:-?})"
        echo "- package: \`$DEB\`; guest config: \`$GUEST_CONFIG\`; main class \`$MAIN\`"
        echo "- cache: $([[ $CACHE_HIT == 1 ]] && echo "warm (set $KEY reused)" || echo "cold (set $KEY built)")"
        echo "- total wall time: ${T_TOTAL} s"
        echo "- run folder: \`$RUN\` (console.log, share/out/: program.log, bench-gpio-sim.html)"
        echo
        echo "## Results"
        echo
        echo '```'
        _program_log | grep '^LATCHKEY-RESULT' || echo "(no LATCHKEY-RESULT lines)"
        summary_line
        echo '```'
        echo
        echo "## Guest facts"
        echo
        echo '```'
        sed -n 's/^LATCHKEY-INFO //p; s/^LATCHKEY-ERROR /ERROR: /p' "$RUN/console.log"
        _program_log | grep -E '^(openjdk|OpenJDK|java) ' | head -n 3 || true
        echo '```'
        echo
        host_phases
        if [[ $CACHE_HIT == 0 && -f $SET/timings ]]; then
            echo
            echo "Set build steps: $(awk '{ printf "%s%s %ss", sep, $1, $2; sep = ", " }' "$SET/timings")"
        fi
        echo
        echo "## Guest timeline (seconds since the kernel started)"
        echo
        echo "| step | at | took |"
        echo "|---|---|---|"
        awk '/^LATCHKEY-TIME [^ ]*@ / { print $3, $2 }' "$RUN/console.log" | sort -n -s -k1,1 |
            awk '{ printf "| %s | %s | %.2f |\n", $2, $1, $1 - prev; prev = $1 }'
        echo
        echo "Checks (seconds): $(_program_log | awk '/^LATCHKEY-TIME [^ ]*[^@] / { printf "%s%s %s", sep, $2, $3; sep = ", " }')"
        echo
        echo "## Package set"
        echo
        echo '```'
        awk '{ printf "%-9s %-40s %-6s %s\n", $1, $2, $3, $4 }' "$RUN/packages.lock"
        echo '```'
        echo
        echo "## Program output (last 80 lines without LATCHKEY lines)"
        echo
        echo '```'
        _program_log | grep -v '^LATCHKEY-' | tail -n 80 || true
        echo '```'
    } >"$out"
}
