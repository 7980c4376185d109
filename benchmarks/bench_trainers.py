"""CPU time per training image of every trainer, as a ratio to ERM, measured side by side in one run.

Workload: a small CNN with BatchNorm (dgnotebook.models.small_cnn) on 3×28×28 inputs, 10 classes,
3 training domains, 64 images per domain per step; torch limited to one thread. Each trainer runs
`--steps` steps per repeat after `--warmup` unmeasured steps; trainers are interleaved round-robin
over `--repeats` repeats so that they share the machine's conditions. The figures are process CPU time
divided by the number of training images: the median over repeats and the minimum (other load on the
machine only ever adds time, so the minimum is the steadier figure on a busy machine). Targets are
checked against the ratio of medians and of minima; both are printed.

    python benchmarks/bench_trainers.py                 # every registered trainer
    python benchmarks/bench_trainers.py --links erm irm # some of them
"""
import argparse, copy, statistics, time

import torch
import torch.nn.functional as F

from dgnotebook.core import seed_everything
from dgnotebook.tasks import tensor_task, train_loader
from dgnotebook.models import small_cnn
from dgnotebook.learner import Learner
from dgnotebook.chains import Chain, available_links

N_DOMAINS, PER_DOMAIN, SHAPE, N_CLASSES = 3, 64, (3, 28, 28), 10

# settings under which a trainer is measured (its defaults otherwise); the phase or variant named in
# the targets below
BENCH_SETTINGS = {
    'dial': {'dial.steps': 3},
    'mldg': {'mldg.order': 1},
    'matchdg': {'matchdg.ctr_epochs': 0},   # the second phase: ERM + matching
    'sma': {'sma.start': 0},
    'fishr': {'fishr.layers': 'head'},
    'andmask': {'andmask.tau': 1.0},
    'fish': {'fish.meta_lr': 0.5},
    'vrex': {'vrex.anneal_steps': 0},      # the penalty at its full weight from the first step
    'ib': {'ib.anneal_steps': 0},
}
# targets: CPU time per image as a ratio to ERM
TARGETS = {'irm': 1.25, 'fishr': 1.3, 'coral': 1.4, 'mmd': 1.4, 'causirl': 1.2, 'mldg': 1.15, 'dial': 5.5,
           'sma': 1.05, 'ema': 1.05, 'miro': 1.7, 'matchdg': 1.5, 'erm': 1.0, 'swad': 1.05,
           'vrex': 1.1, 'groupdro': 1.1, 'sd': 1.1, 'ib': 1.1, 'mixup': 1.1}
# targets for update rules: CPU time per image as a ratio to a bare PyTorch loop of the same update (BARE_LOOPS)
FLOOR_TARGETS = {'andmask': 1.2, 'fish': 1.2}


def make_split(n=512, seed=0, val_fraction=0.0):
    g = torch.Generator().manual_seed(seed)
    doms = {f'd{i}': (torch.rand(n, *SHAPE, generator=g), torch.randint(N_CLASSES, (n,), generator=g)) for i in range(N_DOMAINS + 1)}
    return tensor_task('bench', doms, [str(c) for c in range(N_CLASSES)]).split(f'd{N_DOMAINS}', val_fraction=val_fraction)


class Bare:
    "A plain PyTorch loop: Adam on the mean cross entropy of the same batches."
    def __init__(self, split):
        seed_everything(0)
        self.model = small_cnn(SHAPE, N_CLASSES)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)

    def train_step(self, b):
        self.opt.zero_grad(set_to_none=True)
        F.cross_entropy(self.model(b.x), b.y).backward()
        self.opt.step()


def _domains(b):
    k = len(b.y) // N_DOMAINS
    return [(b.x[i * k:(i + 1) * k], b.y[i * k:(i + 1) * k]) for i in range(N_DOMAINS)]


class BareANDMask(Bare):
    "AND-mask by hand (DomainBed's update, τ = 1): per-domain forward and autograd.grad, the sign mask, Adam."
    def train_step(self, b):
        ps = list(self.model.parameters())
        gs = [torch.autograd.grad(F.cross_entropy(self.model(x), y), ps) for x, y in _domains(b)]
        for p, *g in zip(ps, *gs):
            g = torch.stack(g); m = (torch.sign(g).mean(0).abs() >= 1.0).to(g.dtype)
            p.grad = m * g.mean(0) / (1e-10 + m.mean())
        self.opt.step()


class BareFish(Bare):
    "Fish by hand (DomainBed's update, ε = 0.5): a persistent copy with its own Adam, one step per domain, then θ ← θ + ε(θ̃ − θ)."
    def __init__(self, split):
        super().__init__(split)
        self.fast = copy.deepcopy(self.model)
        self.inner = torch.optim.Adam(self.fast.parameters(), lr=1e-3)
        self.pairs = list(zip(self.model.state_dict().values(), self.fast.state_dict().values()))

    def train_step(self, b):
        with torch.no_grad():
            for a, f in self.pairs: f.copy_(a)
        for x, y in _domains(b):
            self.inner.zero_grad(set_to_none=True)
            F.cross_entropy(self.fast(x), y).backward()
            self.inner.step()
        with torch.no_grad():
            for a, f in self.pairs: a.lerp_(f, 0.5) if a.is_floating_point() else a.copy_(f)


class BareDANN(Bare):
    "DANN by hand (DomainBed's AbstractDANN, defaults): discriminator MLP, two Adams, alternating steps; a discriminator step backpropagates through the discriminator only (DomainBed's goes on into the featurizer, whose gradient it then discards)."
    def __init__(self, split):
        super().__init__(split)
        from dgnotebook.trainers.dann import discriminator
        self.disc = discriminator(self.model.classifier.in_features, N_DOMAINS)
        self.disc_opt = torch.optim.Adam(self.disc.parameters(), lr=1e-3, betas=(0.5, 0.9))
        self.count = 0

    def train_step(self, b):
        self.count += 1
        z = self.model.featurizer(b.x)
        if self.count % 2 < 1:
            self.disc_opt.zero_grad(set_to_none=True); F.cross_entropy(self.disc(z.detach()), b.d).backward(); self.disc_opt.step()
        else:
            self.opt.zero_grad(set_to_none=True); self.disc_opt.zero_grad(set_to_none=True)
            (F.cross_entropy(self.model.classifier(z), b.y) - F.cross_entropy(self.disc(z), b.d)).backward(); self.opt.step()


def _domain_risks(logits, y):
    return F.cross_entropy(logits, y, reduction='none').view(N_DOMAINS, -1).mean(1)


class BareVREx(Bare):
    "V-REx by hand (DomainBed's loss after the warm-up, λ = 10): mean of the domain risks + λ·their variance."
    def train_step(self, b):
        self.opt.zero_grad(set_to_none=True)
        r = _domain_risks(self.model(b.x), b.y)
        (r.mean() + 10.0 * (r - r.mean()).pow(2).mean()).backward()
        self.opt.step()


class BareGroupDRO(Bare):
    "GroupDRO by hand (DomainBed's update, η = 0.01): q ← q·exp(η·risks), normalised; loss q·risks."
    def __init__(self, split):
        super().__init__(split)
        self.q = torch.full((N_DOMAINS,), 1.0 / N_DOMAINS)

    def train_step(self, b):
        self.opt.zero_grad(set_to_none=True)
        r = _domain_risks(self.model(b.x), b.y)
        self.q = self.q * torch.exp(0.01 * r.detach()); self.q = self.q / self.q.sum()
        torch.dot(r, self.q).backward()
        self.opt.step()


class BareSD(Bare):
    "Spectral decoupling by hand (DomainBed's loss, sd_reg = 0.1): cross entropy + 0.1·mean squared logit."
    def train_step(self, b):
        self.opt.zero_grad(set_to_none=True)
        logits = self.model(b.x)
        (F.cross_entropy(logits, b.y) + 0.1 * logits.pow(2).mean()).backward()
        self.opt.step()


class BareIB(Bare):
    "IB penalty by hand (DomainBed's IB_ERM after the warm-up, λ = 100): + λ·mean per-domain feature variance."
    def train_step(self, b):
        self.opt.zero_grad(set_to_none=True)
        z = self.model.featurizer(b.x)
        ib = z.view(N_DOMAINS, -1, z.shape[-1]).var(1).mean()
        (F.cross_entropy(self.model.classifier(z), b.y) + 100.0 * ib).backward()
        self.opt.step()


class BareMixup(Bare):
    "Inter-domain Mixup by hand (DomainBed's pairs along a random cycle, λ ~ Beta(0.2, 0.2)); one forward pass of the mixed batch."
    def __init__(self, split):
        super().__init__(split)
        import numpy as np
        self.rng = np.random.default_rng(0)

    def train_step(self, b):
        order, lam = self.rng.permutation(N_DOMAINS), torch.from_numpy(self.rng.beta(0.2, 0.2, N_DOMAINS)).float()
        x, y = b.x.view(N_DOMAINS, -1, *b.x.shape[1:]), b.y.view(N_DOMAINS, -1)
        nxt = torch.from_numpy(order).roll(-1)
        lx = lam.view(-1, *[1] * (x.ndim - 1))
        mixed = (lx * x[order] + (1 - lx) * x[nxt]).flatten(0, 1)
        self.opt.zero_grad(set_to_none=True)
        logits = self.model(mixed)
        l1 = F.cross_entropy(logits, y[order].flatten(), reduction='none').view(N_DOMAINS, -1).mean(1)
        l2 = F.cross_entropy(logits, y[nxt].flatten(), reduction='none').view(N_DOMAINS, -1).mean(1)
        (lam * l1 + (1 - lam) * l2).mean().backward()
        self.opt.step()


# bare PyTorch loops of the same update as a link, measured beside it
BARE_LOOPS = {'andmask': BareANDMask, 'fish': BareFish, 'dann': BareDANN,
              'vrex': BareVREx, 'groupdro': BareGroupDRO, 'sd': BareSD, 'ib': BareIB, 'mixup': BareMixup}


def make_runner(name, split):
    if name == 'bare': return Bare(split)
    if name.startswith('bare:'): return BARE_LOOPS[name[5:]](split)
    seed_everything(0)
    chain = Chain.parse(name)
    settings = {k: v for k, v in BENCH_SETTINGS.get(name, {}).items() if k in chain.declarations}
    chain.set(settings)
    if name == 'swad': split = make_split(val_fraction=0.1)   # SWAD reads training-domain validation loss at evaluation points
    return Learner(small_cnn(SHAPE, N_CLASSES), split, chain, lr=1e-3, per_domain=PER_DOMAIN, seed=0)


def measure(runner, batches, steps):
    t0 = time.process_time()
    for i in range(steps): runner.train_step(batches[i % len(batches)])
    return (time.process_time() - t0) / (steps * N_DOMAINS * PER_DOMAIN)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--links', nargs='*', help='trainers to measure (default: all registered)')
    p.add_argument('--steps', type=int, default=10); p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--repeats', type=int, default=5)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    split = make_split()
    batches = list(train_loader(split, PER_DOMAIN, seed=0, steps=4))
    names = ['bare', 'erm'] + [n for n in (a.links or available_links()) if n not in ('bare', 'erm')]
    names += [f'bare:{n}' for n in BARE_LOOPS if n in names]
    runners = {n: make_runner(n, split) for n in names}
    for n, r in runners.items():            # warm-up: allocator, first-call costs, trainer state
        for i in range(a.warmup): r.train_step(batches[i % len(batches)])
    times = {n: [] for n in names}
    for _ in range(a.repeats):
        for n, r in runners.items(): times[n].append(measure(r, batches, a.steps))
    med = {n: statistics.median(t) for n, t in times.items()}
    low = {n: min(t) for n, t in times.items()}
    print(f"CPU time per training image, {N_DOMAINS} domains × {PER_DOMAIN} images of {SHAPE}, small_cnn with BatchNorm, "
          f"1 thread, median of {a.repeats} repeats × {a.steps} steps")
    print(f"{'trainer':10s} {'settings':22s} {'ms/img med':>10s} {'× ERM med':>9s} {'ms/img min':>10s} {'× ERM min':>9s} {'target':>7s}")
    for n in (n for n in names if not n.startswith('bare:')):
        s = ', '.join(f'{k.split(".")[1]}={v}' for k, v in BENCH_SETTINGS.get(n, {}).items())
        r_med, r_min = med[n] / med['erm'], low[n] / low['erm']
        tgt = TARGETS.get(n)
        flag = '' if tgt is None or n == 'erm' else ('  ok' if max(r_med, r_min) <= tgt else '  ok (min)' if r_min <= tgt else '  OVER')
        print(f"{n:10s} {s:22s} {1e3 * med[n]:10.4f} {r_med:9.3f} {1e3 * low[n]:10.4f} {r_min:9.3f} "
              f"{('≤%.2f' % tgt) if tgt and n != 'erm' else '':>7s}{flag}")
    print(f"ERM step over a bare PyTorch loop: {med['erm'] / med['bare']:.3f}× (median), {low['erm'] / low['bare']:.3f}× (min); target ≤ 1.05")
    for n in (n for n in BARE_LOOPS if f'bare:{n}' in names):
        b = f'bare:{n}'
        r_med, r_min = med[n] / med[b], low[n] / low[b]
        tgt = FLOOR_TARGETS.get(n)
        flag = '' if tgt is None else ('  ok' if max(r_med, r_min) <= tgt else '  ok (min)' if r_min <= tgt else '  OVER')
        print(f"{n} over a bare PyTorch loop of the same update: {r_med:.3f}× (median), {r_min:.3f}× (min)"
              f"{f'; target ≤ {tgt}' if tgt else ''}{flag}; the bare loop is {med[b] / med['bare']:.3f}× a bare ERM loop")
    return med


if __name__ == '__main__':
    main()
