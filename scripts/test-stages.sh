#!/usr/bin/env bash
# `make test`: install what is missing, lint, then the whole suite (unit, API, both databases,
# browser) in one pytest run, one worker per core, in random order; print each stage's time.
#   PYTEST_ARGS="-p randomly --randomly-seed=1234"   replays the order of an earlier run
set -euo pipefail
cd "$(dirname "$0")/.."
MAKE="${MAKE:-make}"
declare -a names=() seconds=()

stage() {
  local name="$1"
  shift
  local start=$SECONDS
  echo "=== stage: $name"
  "$@"
  names+=("$name")
  seconds+=($((SECONDS - start)))
  echo "=== stage: $name took $((SECONDS - start)) s"
}

summary() {
  local status=$?
  echo
  echo "=== make test: time per stage"
  for i in "${!names[@]}"; do
    printf '    %-8s %5d s\n' "${names[$i]}" "${seconds[$i]}"
  done
  [ "$status" -eq 0 ] || echo "    (stopped by a failure, exit $status)"
}
trap summary EXIT

stage install "$MAKE" --no-print-directory deps-system deps
stage lint "$MAKE" --no-print-directory lint
# pytest exits 5 when no test ran: that fails here like any other failure.
# shellcheck disable=SC2086 # PYTEST_ARGS is a list of words
# worksteal: a worker that runs out of tests takes some of the other's, so the slow tests
# that come last do not leave one core idle.
stage tests .venv/bin/pytest -n auto --dist worksteal ${PYTEST_ARGS:-}
