"""Collecting and selecting run records: time against the number of records.

Usage: python benchmarks/bench_selection.py [--sizes 10000 30000 100000] [--checkpoints 20]

Writes synthetic sweeps (run folders as the learner writes them: spec.json, results.json with per-domain metrics
and confusion matrices at every checkpoint, done.json; and the same records as a DomainBed sweep folder) into a
temporary folder, then times `load_records` / `read_domainbed` (collect) and `select` for each rule. Targets:
collecting 100,000 records in under 5 s; selection linear in the number of records (the time per record stays
flat as the sweep grows). One process, one thread; the folders are deleted afterwards.
"""
import argparse, itertools, json, os, shutil, sys, tempfile, time

os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np

from dgnotebook.selection import load_records, read_domainbed, select

DOMAINS = ['d0', 'd1', 'd2', 'd3']
CHAINS = ['erm', 'irm', 'coral', 'mmd', 'fishr']
TRIALS = 3
TEST_SETS = [[d] for d in DOMAINS] + [list(p) for p in itertools.combinations(DOMAINS, 2)]   # singles + LODO pairs


def metrics(rng, n=200):
    acc = float(rng.integers(0, n + 1)) / n
    c = int(acc * n)
    return {'acc': acc, 'f1': acc, 'n': n, 'confusion': [[c // 2, n // 2 - c // 2], [n // 2 - (c - c // 2), c - c // 2]]}


def write_sweep(root, n_records, checkpoints, rng):
    "Run folders holding `n_records` checkpoint records in all (dgnotebook format) and a DomainBed twin."
    ours, theirs = os.path.join(root, 'ours'), os.path.join(root, 'domainbed')
    combos = list(itertools.product(CHAINS, range(TRIALS), TEST_SETS))
    for i in range(n_records // checkpoints):
        chain, trial, test = combos[i % len(combos)]
        h = i // len(combos)
        train = [d for d in DOMAINS if d not in test]
        hist, lines = [], []
        for e in range(checkpoints):
            rec = {'epoch': e, 'step': 100 * e, 'selectable': True, 'terms': {'task': 0.5},
                   'val': {d: metrics(rng) for d in train}, 'test': {d: metrics(rng) for d in test},
                   'test_out': {d: metrics(rng) for d in test}, 'seconds': 1.0}
            rec['val_acc'] = float(np.mean([m['acc'] for m in rec['val'].values()]))
            rec['test_acc'] = float(np.mean([m['acc'] for m in rec['test'].values()]))
            hist.append(rec)
            db = {'step': rec['step'], 'epoch': e, 'loss': 0.5,
                  'args': {'dataset': 'Bench', 'algorithm': chain, 'test_envs': [DOMAINS.index(d) for d in test],
                           'hparams_seed': h, 'trial_seed': trial, 'seed': h}, 'hparams': {'lr': 1e-3}}
            for j, d in enumerate(DOMAINS):
                db[f'env{j}_in_acc'] = rec['test'][d]['acc'] if d in test else float(rng.random())
                db[f'env{j}_out_acc'] = rec['test_out'][d]['acc'] if d in test else rec['val'][d]['acc']
            lines.append(json.dumps(db))
        res = {'task': 'bench', 'chain': chain, 'model': 'mlp', 'hparams': {f'{chain}.lambda': float(h)}, 'lr': 1e-3,
               'weight_decay': 0.0, 'per_domain': 32, 'seed': 0, 'trial': trial, 'hparams_index': h, 'val_fraction': 0.2,
               'train_domains': train, 'test_domains': test, 'epochs': checkpoints, 'history': hist}
        d = os.path.join(ours, f'run{i:06d}'); os.makedirs(d)
        with open(os.path.join(d, 'results.json'), 'w') as f: json.dump(res, f)
        with open(os.path.join(d, 'spec.json'), 'w') as f: json.dump({'task': 'bench', 'spec_hash': str(i)}, f)
        with open(os.path.join(d, 'done.json'), 'w') as f: json.dump({'spec_hash': str(i), 'finished': 'now'}, f)
        d = os.path.join(theirs, f'job{i:06d}'); os.makedirs(d)
        with open(os.path.join(d, 'results.jsonl'), 'w') as f: f.write('\n'.join(lines) + '\n')
        open(os.path.join(d, 'done'), 'w').close()
    return ours, theirs


def best_of(fn, repeat=3):
    "Minimum wall time, minimum CPU time of this process over `repeat` calls, and the last result."
    ts, cs = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time(); out = fn()
        ts.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
    return min(ts), min(cs), out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sizes', type=int, nargs='+', default=[10_000, 30_000, 100_000])
    p.add_argument('--checkpoints', type=int, default=20)
    a = p.parse_args(argv)
    rng = np.random.default_rng(0)
    print("collect: wall seconds (CPU seconds of this process in brackets: the machine may be shared); select: CPU seconds")
    print(f"{'records':>8} {'runs':>6} | {'collect ours':>15} {'collect DomainBed':>17} | {'training_domain':>15} {'lodo':>8} "
          f"{'oracle':>8} | µs/record: {'collect':>7} {'select(all 3)':>13}")
    rows = []
    for n in a.sizes:
        root = tempfile.mkdtemp(prefix='bench_selection_')
        try:
            ours, theirs = write_sweep(root, n, a.checkpoints, rng)
            t_ours, c_ours, recs = best_of(lambda: load_records(ours), 2)
            t_db, c_db, db = best_of(lambda: read_domainbed(theirs), 2)
            assert len(recs) == len(db) == n - n % a.checkpoints, (len(recs), len(db))
            ts = {r: best_of(lambda: select(recs, r))[1] for r in ('training_domain', 'lodo', 'oracle')}
            # the same selection from both readers: the DomainBed twin holds the same numbers
            for r in ('training_domain', 'oracle'):
                assert [p.test for p in select(recs, r).picks] == [p.test for p in select(db, r).picks], r
            sel = sum(ts.values())
            rows.append((len(recs), t_ours, sel, c_ours))
            print(f"{len(recs):>8} {len(recs.runs):>6} | {t_ours:>6.2f}s ({c_ours:5.2f}s) {t_db:>8.2f}s ({c_db:5.2f}s) | "
                  f"{ts['training_domain']:>14.3f}s {ts['lodo']:>7.3f}s {ts['oracle']:>7.3f}s | {'':>10} "
                  f"{1e6 * c_ours / len(recs):>7.1f} {1e6 * sel / len(recs):>13.2f}")
        finally:
            shutil.rmtree(root, ignore_errors=True)
    (n0, _, s0, c0), (n1, _, s1, c1) = rows[0], rows[-1]
    print(f"\n{n1 / n0:.0f}x the records: collect {c1 / c0:.1f}x the CPU time, selection {s1 / s0:.1f}x the CPU time "
          f"(linear would be {n1 / n0:.1f}x)")
    big = max(rows)
    print(f"collect {big[0]} records: {big[1]:.2f} s wall, {big[3]:.2f} s CPU (target < 5 s): "
          f"{'OK' if big[1] < 5 else ('OK on CPU time; wall time inflated by a busy machine' if big[3] < 5 else 'TOO SLOW')}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
