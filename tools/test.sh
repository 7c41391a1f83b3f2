#!/usr/bin/env bash
# tools/test.sh: everything `make test` (and so CI) runs, step by step.
#
# Each step prints a progress line, runs to the end even when an earlier
# step failed (so one run shows every problem), and the script closes with
# "N passed, N failed" and a non-zero exit if anything failed.
# QUICK=1 (make test QUICK=1) is the inner loop: only the last chapter is
# graded, and snapshots and handouts are skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

MAKE=${MAKE:-make}
QUICK=${QUICK:-}
LAST=$($MAKE -s print-last-chapter)
passed=0
failed=0
failed_steps=()
start=$SECONDS

step() {
    local name=$1
    shift
    local t0=$SECONDS
    echo "==> [$((SECONDS - start))s] $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "==> $name: ok ($((SECONDS - t0))s)"
    else
        failed=$((failed + 1))
        failed_steps+=("$name")
        echo "==> $name: FAILED ($((SECONDS - t0))s)"
    fi
}

# Steps that may run side by side: queue them, then run_queue runs
# $TEST_JOBS at a time (default: the number of cores, at most 2), each
# into its own log, printed whole when it fails (its last lines when it
# passes), with the same progress lines as step.
TEST_JOBS=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$TEST_JOBS" -gt 2 ] && TEST_JOBS=2
queue_names=()
queue_cmds=()
queue() {
    queue_names+=("$1")
    shift
    queue_cmds+=("$(printf '%q ' "$@")")
}

run_queue() {
    local logdir i running=0 done_pid rc
    logdir=$(mktemp -d)
    declare -A step_of=() t0_of=()
    for i in "${!queue_names[@]}"; do
        while [ "$running" -ge "$TEST_JOBS" ]; do
            finish_one
        done
        echo "==> [$((SECONDS - start))s] ${queue_names[$i]} (started)"
        eval "${queue_cmds[$i]}" >"$logdir/$i.log" 2>&1 &
        step_of[$!]=$i
        t0_of[$!]=$SECONDS
        running=$((running + 1))
    done
    while [ "$running" -gt 0 ]; do
        finish_one
    done
    rm -rf "$logdir"
    queue_names=()
    queue_cmds=()
}

# Wait for one queued step to end; report it as step does.
finish_one() {
    wait -n -p done_pid
    rc=$?
    local j=${step_of[$done_pid]}
    local name=${queue_names[$j]} took=$((SECONDS - ${t0_of[$done_pid]}))
    if [ "$rc" -eq 0 ]; then
        tail -n 3 "$logdir/$j.log"
        passed=$((passed + 1))
        echo "==> $name: ok (${took}s)"
    else
        cat "$logdir/$j.log"
        failed=$((failed + 1))
        failed_steps+=("$name")
        echo "==> $name: FAILED (${took}s)"
    fi
    running=$((running - 1))
}

if [ -n "$QUICK" ] || [ ! -f tools/chapters.py ]; then
    step "static checks (clang-format, cppcheck, structure, -Werror builds)" $MAKE -s check
else
    # every chapter's snapshot is built below, with the same -Werror
    step "static checks (clang-format, cppcheck, structure)" $MAKE -s check CHECK_BUILDS=0
fi
step "host unit tests" $MAKE -s host-test
step "grader self-tests" python3 -m unittest discover -s grading/selftest -t . -q
# Never grade the same kernel twice: the snapshot of chapter N is the
# chapter-N view of this tree with its guards resolved, the very kernel
# `make grade CHAPTER=N` would build here (and `make check` has already
# built every chapter here with -Werror). So the full run grades each
# chapter once, as its snapshot, the tree a student gets; QUICK grades
# the last chapter in place. Run as root (CI), each view's grade runs as
# user nobody without capabilities (chapter 7's as root without any):
# proof that grading needs no privileges (tools/chapters.py,
# unprivileged()).
if [ -n "$QUICK" ] || [ ! -f tools/chapters.py ]; then
    step "grade chapter $LAST" $MAKE -s grade CHAPTER="$LAST"
else
    step "chapter lint" python3 tools/chapters.py lint
    # the views share the tree's BusyBox build: make it once, before
    # several views want it at the same time
    step "BusyBox (musl), shared by every chapter's view" $MAKE -s busybox
    if [ -f tools/servers.sh ]; then
        step "Dropbear, curl and ssh keys, shared by chapter 7's views" $MAKE -s servers
    fi
    # A QEMU without KVM runs on one core: grade two views at a time, the
    # longest first, so both cores work until the end.
    for n in $(seq "$LAST" -1 1); do
        queue "chapter $n: the handout loses exactly its exercises" python3 tools/chapters.py check-handout "$n"
        queue "chapter $n: the snapshot builds and grades full marks" python3 tools/chapters.py check-snapshot "$n"
        # stress-ng's short form, beside the longest views: every stressor
        # for a second, twice; no panic, hang or leak (tools/stress.py)
        if [ "$n" = "$LAST" ] && [ -f tools/stress.py ]; then
            queue "stress-ng, the short form (chapter $LAST)" $MAKE -s stress STRESSFLAGS=--quick
        fi
    done
    run_queue
fi
step "book (doxygen, warnings are errors)" $MAKE -s book

echo
echo "make test finished in $((SECONDS - start))s"
for s in "${failed_steps[@]}"; do
    echo "  failed: $s"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
