"""Two `dgnotebook-sweep launch` processes on one sweep folder at the same time: every job executes exactly once
(counted by executions: each execution appends one line to the job's attempts.log).

usage: python tests/sweeps/concurrent_launch.py [WORKDIR]
"""
import shutil, sys, tempfile, time
from pathlib import Path
from common import sweep_cli, attempts, report

def main():
    work = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix='dgnb-conc-'))
    d = work / 'sweep'; shutil.rmtree(d, ignore_errors=True)
    from dgnotebook.sweeps import Sweep
    sw = Sweep(d, task='colored_digits', chains=['erm', 'irm'], test_domains='each', n_hparams=2,
               fixed={'epochs': 1, 'task_kwargs': {'n_per_env': 300, 'test_envs': []}})
    t0 = time.time()
    ps = [sweep_cli('launch', d, '--workers', '1', '--no-progress') for _ in range(2)]
    rcs = [p.wait() for p in ps]
    jobs = sw.jobs()
    n = [len(attempts(sw.job_dir(j))) for j in jobs]
    launches = {a.split('launch=')[1].split()[0] for j in jobs for a in attempts(sw.job_dir(j))}
    ok = rcs == [0, 0] and n == [1] * len(jobs) and sw.status(versions=False).counts['done'] == len(jobs)
    return report('concurrent-launch', ok, f"{len(jobs)} jobs, executions per job {sorted(set(n))} (total {sum(n)}), "
                  f"work split over {len(launches)} launchers, exit codes {rcs}, {time.time() - t0:.0f} s", work=work, given=len(sys.argv) > 1)

if __name__ == '__main__': sys.exit(main())
