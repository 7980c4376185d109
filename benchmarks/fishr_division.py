"""Fishr on coloured digits: does dividing the whole loss by λ after the warm-up matter with Adam?

The Colored-MNIST scripts of the IRM and Fishr papers switch the penalty weight from 1 to λ at step 190
and then divide the whole loss by λ (`loss /= penalty_weight`). This script runs the tutorial's quick
setting (nbs/tutorials/colored_digits_irm.ipynb: 2,500 samples per training environment, 64 hidden
units, the paper's hyper-parameters, full batches, 501 Adam steps) for Fishr with and without that
division, over three seeds, twice: without resetting Adam at the switch (the scripts) and with the
reset (`fishr.reset_optimizer`, dgnotebook's default). It prints train and test accuracy per seed and
the mean difference. The tutorial's own code is executed (its cells are found by their first lines),
so the setting cannot drift from the tutorial's.

    python benchmarks/fishr_division.py            # about 12 runs of 5-20 s each on one CPU thread
"""
import json, time
from pathlib import Path

import numpy as np
import torch

TUTORIAL = Path(__file__).resolve().parents[1] / 'nbs' / 'tutorials' / 'colored_digits_irm.ipynb'
CELLS = ('import math, time', 'class L2(Link)', 'class DivideLoss(Link)', 'IRM_HP = ', 'def restart(')
QUICK_N = {'agree90': 2500, 'agree80': 2500, 'agree10': 1250}
SEEDS = (0, 1, 2)

def tutorial_namespace() -> dict:
    "The tutorial's imports, links, method table and `restart`, executed in a fresh namespace."
    cells = [''.join(c['source']) for c in json.loads(TUTORIAL.read_text())['cells'] if c['cell_type'] == 'code']
    ns = {'N_PER_ENV': QUICK_N}
    for start in CELLS:
        src = next((s for s in cells if s.startswith(start)), None)
        if src is None: raise SystemExit(f"{TUTORIAL.name} has no code cell starting with {start!r}; update CELLS")
        exec(src, ns)
    return ns

def main():
    torch.set_num_threads(1)
    ns = tutorial_namespace()
    fishr = ns['METHODS']['Fishr']
    res = {}
    for reset in (False, True):
        cfg = {**fishr, 'chain': ('fishr', {**fishr['chain'][1], 'fishr.reset_optimizer': reset})}
        for divide in (True, False):
            for seed in SEEDS:
                t0 = time.perf_counter()
                r = ns['restart'](cfg, seed=seed, n_per_env=QUICK_N, every=50, hidden=64, divide=divide)
                res[reset, divide, seed] = (float(r['train']), float(r['test']))
                print(f"reset_optimizer={reset!s:5} divide={divide!s:5} seed={seed}: train {100 * r['train']:.1f} %, "
                      f"test {100 * r['test']:.1f} % ({time.perf_counter() - t0:.0f} s)", flush=True)
    for reset in (False, True):
        mean = {d: np.mean([res[reset, d, s] for s in SEEDS], 0) for d in (True, False)}
        diff = 100 * (mean[False] - mean[True])
        print(f"reset_optimizer={reset}: with the division train {100 * mean[True][0]:.1f} %, test {100 * mean[True][1]:.1f} %; "
              f"without it train {100 * mean[False][0]:.1f} %, test {100 * mean[False][1]:.1f} % "
              f"(difference {diff[0]:+.1f} and {diff[1]:+.1f} points, {len(SEEDS)} seeds)")

if __name__ == '__main__':
    main()
