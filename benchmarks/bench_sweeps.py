"""Overhead of the sweep engines (dgnotebook.sweeps), measured with the stand-in job `sleep_job`.

1. 24 jobs of ~1 s on 2 workers: wall time ÷ ideal, where ideal = (sum of the jobs' own times) ÷ workers.
   Target for `local`: overhead ≤ 15 % (ratio ≤ 1.15).
2. Dispatch cost per job with jobs of ~0 s: wall ÷ jobs for a sweep of N no-op jobs, and the marginal cost
   (wall(N2) − wall(N1)) ÷ (N2 − N1), which leaves out the pool's start. Target for `local`: ≤ 50 ms per job.

Every figure is measured in this one run; the jobs sleep (they do not compete for the CPU), so the figures are
the engine's cost, not the machine's load. usage: python benchmarks/bench_sweeps.py [--jobs 24] [--seconds 1]
"""
import argparse, functools, os, shutil, sys, tempfile, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from dgnotebook.sweeps import Sweep, sleep_job

def sweep(root, name, n_hparams):
    return Sweep(Path(root) / name, task='colored_digits', chains=['erm', 'irm'], test_domains='each', n_hparams=n_hparams,
                 fixed={'epochs': 1, 'task_kwargs': {'n_per_env': 50, 'test_envs': []}})

def run(sw, engine, workers, seconds):
    t = time.perf_counter()
    rep = sw.launch(engine=engine, workers=workers, job_fn=functools.partial(sleep_job, seconds=seconds), progress=False)
    wall = time.perf_counter() - t
    assert len(rep.ran) == len(sw.jobs()) and not rep.failed, rep
    return wall, rep

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--seconds', type=float, default=1.0); ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix='dgnb-bench-')
    try:
        print(f"sweep engine overhead, {a.workers} workers, stand-in jobs that sleep; cpu count {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'engine':<8} {'jobs':>5} {'job s':>6} {'wall s':>7} {'ideal s':>8} {'ratio':>6}  note")
        res = {}
        for engine in ('local', 'thread', 'serial'):
            w = a.workers if engine != 'serial' else 1
            sw = sweep(root, f'{engine}-1s', 4)           # 2 chains × 3 held-out × 4 draws = 24 jobs
            eng = ThreadPoolExecutor(w) if engine == 'thread' else engine
            wall, rep = run(sw, eng, w, a.seconds)
            ideal = sum(rep.seconds.values()) / w
            res[engine] = wall / ideal
            print(f"{engine:<8} {len(rep.ran):>5} {a.seconds:>6.1f} {wall:>7.2f} {ideal:>8.2f} {wall / ideal:>6.3f}  "
                  f"overhead {100 * (wall / ideal - 1):.1f}%" + ("  (target <= 15%)" if engine == 'local' else ''))
        print()
        print(f"{'engine':<8} {'jobs':>5} {'wall s':>7} {'ms/job':>7} {'marginal ms/job':>16}")
        disp = {}
        for engine in ('local', 'serial'):
            w = a.workers if engine == 'local' else 1
            (w1, _), (w2, _) = run(sweep(root, f'{engine}-0s-a', 4), engine, w, 0.), run(sweep(root, f'{engine}-0s-b', 34), engine, w, 0.)
            n1, n2 = 24, 204
            disp[engine] = (1000 * w2 / n2, 1000 * (w2 - w1) / (n2 - n1))
            print(f"{engine:<8} {n1:>5} {w1:>7.2f} {1000 * w1 / n1:>7.1f}")
            print(f"{engine:<8} {n2:>5} {w2:>7.2f} {1000 * w2 / n2:>7.1f} {disp[engine][1]:>16.1f}" + ("  (target <= 50 ms/job)" if engine == 'local' else ''))
        ok = res['local'] <= 1.15 and disp['local'][0] <= 50
        print(f"\nlocal: overhead {100 * (res['local'] - 1):.1f}% (target <= 15%), dispatch {disp['local'][0]:.1f} ms/job "
              f"(marginal {disp['local'][1]:.1f}; target <= 50): {'met' if ok else 'NOT met'}")
    finally: shutil.rmtree(root, ignore_errors=True)

if __name__ == '__main__': main()
