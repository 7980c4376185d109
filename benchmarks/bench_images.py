"""Throughput of dgnotebook's image training pipeline against torchvision's ImageFolder + DataLoader, and its memory.

1. Images per second, side by side in one run: a generated folder of JPEGs (4 domains x 7 classes x 200
   images, sizes 160-480 px), training on 3 domains at 224 px with DomainBed's augmentation and ImageNet
   normalisation, 0, 1 and 2 DataLoader workers. dgnotebook: `images.balanced_loader` (balanced batches of
   `--per-domain` images per domain, per-sample seeded augmentation, each image written into the batch as it
   is decoded and normalised there). Reference: one torchvision `ImageFolder` per domain, concatenated, and a
   plain `DataLoader` with the same augmentation and normalisation (v2 `ToDtype` + `Normalize` per image, as
   torchvision users write it) and the same workers, fed the very batches of images dgnotebook's loader draws
   (so both decode the same files; only the crops differ). After one unmeasured batch of each (first calls of
   the transforms), each repeat times `--batches` batches from creating the iterator (worker start-up included
   on both sides); the two pipelines alternate within each repeat, and which goes first alternates. Printed:
   median and maximum images/s over repeats, the ratio of the medians and the median of the per-repeat
   ratios dgnotebook / torchvision (target >= 0.95), and the CPU time per image of the process and its
   (joined) workers, median over repeats, with the throughput ratio it implies (torchvision's CPU per image /
   ours): on a shared machine this is the figure other users' load disturbs least.
2. Peak memory with 2 workers on a generated folder of 20,000 small JPEGs, each pipeline in a fresh process
   loading `--rss-batches` training batches of 224 px images (the process reads each batch, as training
   does): the peak RSS of the process (the kernel's high-water mark) and of the largest worker, and the RSS
   and the proportional set size (PSS: a page shared by k processes counts 1/k in each) summed over the
   process tree. A third line, "nothing", is a DataLoader with 2 workers that loads one number per item: it
   shows what `import torch` and forking cost before any image is loaded (the workers' RSS counts the pages
   they share with the process, so summed RSS counts those pages three times). Target < 1.5 GB.

One torch thread per process (OMP_NUM_THREADS=1, torch.set_num_threads(1)).

    python benchmarks/bench_images.py
    python benchmarks/bench_images.py --repeats 3 --batches 4 --skip-rss   # quicker, noisier
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import argparse, resource, statistics, subprocess, sys, threading, time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from dgnotebook.images import image_folder_task, balanced_loader, augment_transform

torch.set_num_threads(1)


def generate(root: Path, domains: int, classes: int, per_class: int, sizes=(160, 480), quality: int = 90) -> Path:
    "A folder of smooth random JPEGs of varied sizes (skipped when it already holds them)."
    n = domains * classes * per_class
    if root.is_dir() and sum(1 for _ in root.rglob('*.jpg')) == n: return root
    rng = np.random.default_rng(0)
    for d in range(domains):
        for c in range(classes):
            folder = root / f'domain{d}' / f'class{c}'; folder.mkdir(parents=True, exist_ok=True)
            for i in range(per_class):
                w, h = (int(v) for v in rng.integers(sizes[0], sizes[1] + 1, 2))
                small = Image.fromarray(rng.integers(0, 256, (6, 6, 3), dtype=np.uint8))
                small.resize((w, h), Image.BICUBIC).save(folder / f'{i:05d}.jpg', quality=quality)
    return root


def cpu_seconds() -> float:
    "CPU time of this process and of its finished (reaped) children: DataLoader workers count once they are joined."
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def measure(batches_iter, batches: int) -> tuple:
    "(images per second of wall clock, CPU seconds per image of the process and its workers) over `batches` batches."
    t0, c0, n = time.perf_counter(), cpu_seconds(), 0
    it = iter(batches_iter)
    for _ in range(batches): n += len(next(it)[0] if isinstance(it, torch.utils.data.dataloader._BaseDataLoaderIter) else next(it).x)
    wall = time.perf_counter() - t0
    if hasattr(it, 'close'): it.close()       # our generator: closing it drops its DataLoader iterator, whose workers are joined
    del it                                    # the DataLoader iterator: workers are joined
    return n / wall, (cpu_seconds() - c0) / n


def ours(split, per_domain, workers, batches, seed):
    return measure(balanced_loader(split, per_domain, seed=seed, workers=workers), batches)


def reference(ds, index_of, split, per_domain, workers, batches, seed):
    "torchvision's DataLoader over the ImageFolders, fed the very images (same batches) dgnotebook's loader draws."
    dl = balanced_loader(split, per_domain, seed=seed, workers=0)
    doms = [split.train[d] for d in split.train_domains]
    same = [[index_of[str(doms[d].path(i))] for d, i, _ in keys] for keys in dl.keys()]   # the whole epoch: workers
    # prefetch beyond the timed batches on both sides, and that work counts in both CPU times
    return measure(torch.utils.data.DataLoader(ds, batch_sampler=same, num_workers=workers), batches)


def tree_memory(pid: int) -> dict:
    "Resident memory of `pid` and its descendants: {'rss'|'pss'|'hwm': {pid: bytes}} (hwm: peak RSS so far)."
    import psutil
    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.NoSuchProcess: return {'rss': {}, 'pss': {}, 'hwm': {}}
    out = {'rss': {}, 'pss': {}, 'hwm': {}}
    for q in procs:
        try: m = q.memory_full_info(); out['rss'][q.pid], out['pss'][q.pid], out['hwm'][q.pid] = m.rss, m.pss, high_water(q.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, FileNotFoundError, ProcessLookupError): pass
    return out


def high_water(pid) -> int:
    "Peak resident set size of process `pid` so far, in bytes (the kernel's VmHWM: nothing between samples is missed)."
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmHWM:'): return int(line.split()[1]) * 1024
    return 0


def peak_memory(fn, interval: float = 0.02):
    "Run `fn()` sampling this process tree; return (result, peaks): peak RSS of this process, of the largest other process, summed RSS and summed PSS."
    me, samples, stop = os.getpid(), [tree_memory(os.getpid())], threading.Event()
    def sample():
        while not stop.is_set(): samples.append(tree_memory(me)); time.sleep(interval)
    t = threading.Thread(target=sample, daemon=True); t.start()
    try: out = fn()
    finally: stop.set(); t.join()
    peaks = dict(main=high_water(me), worker=max((v for s in samples for k, v in s['hwm'].items() if k != me), default=0),
                 rss_sum=max(sum(s['rss'].values()) for s in samples), pss_sum=max(sum(s['pss'].values()) for s in samples))
    return out, peaks


class _Nothing(torch.utils.data.Dataset):
    "What a DataLoader costs with nothing to load: one number per item."
    def __init__(self, n): self.n = n
    def __len__(self): return self.n
    def __getitem__(self, i): return torch.zeros(1)


def memory_run(big: Path, which: str, size: int, per_domain: int, batches: int) -> None:
    "In this fresh process: load `batches` training batches of `big` with 2 workers (`which` pipeline); print one line of peaks."
    from torchvision.datasets import ImageFolder
    base = tree_memory(os.getpid())['rss'][os.getpid()]
    info = {}
    def ours():
        t = image_folder_task(big, image_size=size, workers=2)
        info['index'] = sum(d.paths.nbytes + d.y.numel() * d.y.element_size() for d in t.domains.values())
        info['n'] = sum(len(d) for d in t.domains.values())
        info['after_index'] = tree_memory(os.getpid())['rss'][os.getpid()]
        split = t.split(t.domain_names[-1], val_fraction=0.2)
        return balanced_loader(split, per_domain, workers=2)
    def torchvision_():
        doms = sorted(p.name for p in big.iterdir())[:-1]
        ds = torch.utils.data.ConcatDataset([ImageFolder(str(big / d), transform=augment_transform(size)) for d in doms])
        info['n'] = len(ds)
        return torch.utils.data.DataLoader(ds, batch_size=per_domain * len(doms), shuffle=True, num_workers=2)
    def nothing():
        return torch.utils.data.DataLoader(_Nothing(10 ** 6), batch_size=per_domain * 3, num_workers=2)
    def run():
        n = 0
        for b, batch in enumerate({'dgnotebook': ours, 'torchvision': torchvision_, 'nothing': nothing}[which]()):
            x = batch.x if hasattr(batch, 'x') else batch[0]
            n += len(x); float(x.sum())          # training reads every batch: its pages count in this process
            if b + 1 == batches: break
        return n
    n, pk = peak_memory(run)
    mb = lambda v: f"{v / 2**20:,.0f}"
    print(f"{which:>11}  {mb(base):>9}  {mb(pk['main']):>13}  {mb(pk['worker']):>16}  {mb(max(pk['main'], pk['worker'])):>14}  "
          f"{mb(pk['rss_sum']):>10}  {mb(pk['pss_sum']):>10}  {n:>6}")
    if which == 'dgnotebook':
        print(f"             dgnotebook's index of {info['n']:,} images: {info['index'] / 2**20:.2f} MiB (paths and labels); "
              f"this process grew by {mb(info['after_index'] - base)} MiB while indexing")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', default='/tmp/dgnotebook_bench_images', help='where the generated folders go')
    ap.add_argument('--per-domain', type=int, default=32)
    ap.add_argument('--batches', type=int, default=8, help='batches timed per measurement')
    ap.add_argument('--repeats', type=int, default=7)
    ap.add_argument('--workers', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--rss-images', type=int, default=20000)
    ap.add_argument('--rss-batches', type=int, default=20)
    ap.add_argument('--skip-rss', action='store_true')
    ap.add_argument('--memory-only', nargs=2, metavar=('FOLDER', 'PIPELINE'), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_only: return memory_run(Path(args.memory_only[0]), args.memory_only[1], args.size, args.per_domain, args.rss_batches)
    root = Path(args.root)

    t0 = time.perf_counter()
    folder = generate(root / 'jpegs_4x7x200', 4, 7, 200)
    print(f"folder: {folder} (4 domains x 7 classes x 200 JPEGs, 160-480 px; ready in {time.perf_counter() - t0:.0f} s)")
    task = image_folder_task(folder, image_size=args.size, workers=0)
    test, train = task.domain_names[-1], task.domain_names[:-1]
    bs = args.per_domain * len(train)
    print(f"training on {train} at {args.size} px with augmentation; batches of {bs}; {args.batches} batches per measurement; "
          f"{args.repeats} repeats; one torch thread per process")
    print(f"{'workers':>7}  {'img/s dgnotebook (median, max)':>30}  {'img/s torchvision (median, max)':>31}  "
          f"{'ratio of medians':>16}  {'median paired ratio':>19}  {'CPU ms/img ours, tv':>19}  {'CPU ratio tv/ours':>17}")
    from torchvision.datasets import ImageFolder
    split = task.split(test, val_fraction=0.)
    ds = torch.utils.data.ConcatDataset([ImageFolder(str(folder / d), transform=augment_transform(args.size)) for d in train])
    index_of = {str(Path(p)): j for j, (p, _) in enumerate(s for f in ds.datasets for s in f.samples)}
    ours(split, args.per_domain, 0, 1, seed=99); reference(ds, index_of, split, args.per_domain, 0, 1, seed=99)   # warm-up
    for w in args.workers:
        a, b = [], []
        for r in range(args.repeats):
            runs = [lambda: a.append(ours(split, args.per_domain, w, args.batches, seed=r)),
                    lambda: b.append(reference(ds, index_of, split, args.per_domain, w, args.batches, seed=r))]
            for f in (runs if r % 2 == 0 else runs[::-1]): f()      # alternate which pipeline goes first
        ta, tb = [x for x, _ in a], [x for x, _ in b]
        ca, cb = statistics.median(c for _, c in a), statistics.median(c for _, c in b)
        ma, mb = statistics.median(ta), statistics.median(tb)
        paired = statistics.median(x / y for x, y in zip(ta, tb))
        print(f"{w:>7}  {ma:>20.1f}, {max(ta):>7.1f}  {mb:>21.1f}, {max(tb):>7.1f}  {ma / mb:>16.3f}  {paired:>19.3f}"
              f"  {ca * 1e3:>10.1f}, {cb * 1e3:>6.1f}  {cb / ca:>17.3f}")
    print("target: dgnotebook / torchvision >= 0.95")

    if args.skip_rss: return
    n_dom, n_cls = 4, 10
    per_class = args.rss_images // (n_dom * n_cls)
    t0 = time.perf_counter()
    big = generate(root / f'small_{args.rss_images}', n_dom, n_cls, per_class, sizes=(48, 96), quality=80)
    print(f"\nmemory: {big} ({n_dom * n_cls * per_class:,} JPEGs of 48-96 px; ready in {time.perf_counter() - t0:.0f} s); "
          f"{args.rss_batches} batches of {args.per_domain * (n_dom - 1)} augmented {args.size} px images, 2 workers; "
          "each pipeline in a fresh process; MiB")
    print(f"{'pipeline':>11}  {'at import':>9}  {'peak, process':>13}  {'peak, a worker':>16}  {'peak, largest':>14}  "
          f"{'RSS summed':>10}  {'PSS summed':>10}  {'images':>6}")
    for which in ('nothing', 'torchvision', 'dgnotebook'):
        subprocess.run([sys.executable, __file__, '--memory-only', str(big), which, '--size', str(args.size),
                        '--per-domain', str(args.per_domain), '--rss-batches', str(args.rss_batches)], check=True)
    print("'nothing': a DataLoader with 2 workers that loads one number per item (what torch and forking cost). Target: "
          "peak RSS < 1.5 GB (1,430 MiB).")


if __name__ == '__main__':
    main()
