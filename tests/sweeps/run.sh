#!/usr/bin/env bash
# System checks of dgnotebook.sweeps (slow: real processes, SIGKILL, a fake sbatch, a Ray cluster).
# usage: tests/sweeps/run.sh [PYTHON] [--no-ray]     Last line: "sweeps: N passed, M failed"
set -u
here=$(cd "$(dirname "$0")" && pwd)
py=${1:-python3}; ray=1; [ "${2:-}" = "--no-ray" ] && ray=0
export OMP_NUM_THREADS=1
passed=0; failed=0
run() { local name=$1; shift; echo "== sweeps: $name"; if timeout 900 "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: sweeps $name"; fi; }
run kill-resume "$py" "$here/kill_resume.py"
run concurrent-launch "$py" "$here/concurrent_launch.py"
run fake-sbatch bash "$here/fake_sbatch.sh" "$py"
[ $ray = 1 ] && run ray-cluster bash "$here/ray_cluster.sh" "$py"
echo "sweeps: $passed passed, $failed failed"
[ $failed -eq 0 ]
