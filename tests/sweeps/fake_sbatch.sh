#!/usr/bin/env bash
# `dgnotebook-sweep array --slurm` through a fake sbatch that runs two array indices locally: those two jobs end done,
# the others stay pending. usage: tests/sweeps/fake_sbatch.sh [PYTHON]
set -u
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
py=${1:-python3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
# fake sbatch: reads the array range from the script and runs indices 1 and 4 as Slurm would (one process each)
cat > "$work/bin/sbatch" <<'SB'
#!/usr/bin/env bash
script=$1; grep -q '^#SBATCH --array=' "$script" || { echo "sbatch: no --array in $script" >&2; exit 1; }
for i in 1 4; do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_JOB_ID=77 SLURM_CPUS_PER_TASK=1 bash "$script" || exit 1; done
echo "Submitted batch job 77"
SB
chmod +x "$work/bin/sbatch"
export OMP_NUM_THREADS=1 PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" PATH="$work/bin:$(dirname "$(command -v "$py")"):$PATH"
cli() { "$py" -c 'import sys; from dgnotebook.sweeps import main; sys.exit(main())' "$@"; }
d="$work/sweep"
cli init "$d" --task colored_digits --chains erm irm --test-domains agree10 agree80 agree90 --n-hparams 2 \
    --set epochs=1 'task_kwargs={"n_per_env": 200, "test_envs": []}' > "$work/init.txt" || { echo "sweeps fake-sbatch: FAIL init"; exit 1; }
cli array "$d" --slurm --parallel 4 --time 0:10:00 > "$work/sweep.sbatch" || { echo "sweeps fake-sbatch: FAIL array"; exit 1; }
arr=$(grep '^#SBATCH --array=' "$work/sweep.sbatch")
sbatch "$work/sweep.sbatch" > "$work/sbatch.out" 2>&1 || { cat "$work/sbatch.out"; echo "sweeps fake-sbatch: FAIL sbatch"; exit 1; }
"$py" - "$d" <<'PY'
import sys
from dgnotebook.sweeps import Sweep, job_state
sw = Sweep(sys.argv[1]); jobs = sw.jobs()
done = [j.index for j in jobs if job_state(sw.job_dir(j)) == 'done']
ok = done == [1, 4]
print(f"sweeps fake-sbatch: {'PASS' if ok else 'FAIL'} {len(jobs)} jobs; array tasks 1 and 4 run through sbatch; done: {done}")
sys.exit(0 if ok else 1)
PY
rc=$?
echo "  ($arr; a second array script lists only the jobs not done: $(cli array "$d" --slurm | grep '^#SBATCH --array='))"
exit $rc
