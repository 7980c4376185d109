#!/usr/bin/env bash
# Ray engine on a two-node Ray cluster started on 127.0.0.1 inside a private network namespace (loopback only) and a
# private PID namespace (every Ray process ends with the check). Needs ray in the environment (pip install "dgnotebook[ray]").
# usage: tests/sweeps/ray_cluster.sh [PYTHON]
set -u
here=$(cd "$(dirname "$0")" && pwd)
py=${1:-python3}
if ! "$py" -c "import ray" 2>/dev/null; then echo "sweeps ray-cluster: FAIL ray is not installed in $py's environment (pip install ray)"; exit 1; fi
if [ "$(id -u)" = 0 ]; then ns=(unshare --net --pid --fork --mount-proc); else ns=(unshare --map-root-user --net --pid --fork --mount-proc); fi
exec "${ns[@]}" bash -c 'ip link set lo up && exec "$0" "$1"' "$py" "$here/ray_cluster.py"
