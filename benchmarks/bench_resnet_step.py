"""One ResNet-18 ERM step at 224 px on the CPU: dgnotebook's `Learner.train_step` against a bare PyTorch loop.

Both sides start from the same weights (torchvision ResNet-18, random init, 7 classes) and take Adam steps
on the same balanced batch of `--per-domain` images from each of 2 domains (random 3x224x224 tensors).
dgnotebook: `models.get_model('resnet18')` (backbone + dropout 0 + linear head) trained by a
`learner.Learner` with the ERM chain (its non-finite loss and weight checks on, as by default). Bare loop:
`zero_grad; cross_entropy(model(x), y).backward(); step` on the torchvision model. The two alternate
step by step after `--warmup` unmeasured steps each; the figures are process CPU time per step, median and
minimum over `--repeats` (other load only ever adds time, so the minimum is the steadier figure on a busy
machine). Target: dgnotebook / bare <= 1.05. One torch thread.

    python benchmarks/bench_resnet_step.py
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import argparse, statistics, time

import torch
import torch.nn.functional as F
import torchvision

from dgnotebook.core import Batch, seed_everything
from dgnotebook.tasks import tensor_task
from dgnotebook.models import get_model
from dgnotebook.learner import Learner

torch.set_num_threads(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--per-domain', type=int, default=4)
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--repeats', type=int, default=11)
    ap.add_argument('--warmup', type=int, default=1)
    args = ap.parse_args()
    C, D, k, s = 7, 2, args.per_domain, args.size
    g = torch.Generator().manual_seed(0)
    x = torch.randn(D * k, 3, s, s, generator=g); y = torch.randint(0, C, (D * k,), generator=g)
    d = torch.arange(D).repeat_interleave(k)
    batch = Batch(x, y, d, {'idx': torch.arange(D * k)})
    task = tensor_task('bench', {f'd{i}': (x[d == i], y[d == i]) for i in range(D)} | {'held': (x[:k], y[:k])}, range(C))
    split = task.split('held', val_fraction=0.)

    seed_everything(0)
    ours_model = get_model('resnet18', (3, s, s), C)
    bare = torchvision.models.resnet18(num_classes=C)
    bare_sd = {k_: v for k_, v in ours_model.featurizer.net.state_dict().items() if not k_.startswith('fc.')}
    bare.load_state_dict({**bare_sd, 'fc.weight': ours_model.classifier.weight.detach().clone(),
                          'fc.bias': ours_model.classifier.bias.detach().clone()})
    lrn = Learner(ours_model, split, [], lr=1e-4, per_domain=k, seed=0, device='cpu')
    opt = torch.optim.Adam(bare.parameters(), lr=1e-4); bare.train()

    def bare_step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(bare(batch.x), batch.y).backward()
        opt.step()

    def timed(f):
        t0 = time.process_time(); f(); return time.process_time() - t0

    for _ in range(args.warmup): lrn.train_step(batch); bare_step()
    a, b = [], []
    for r in range(args.repeats):
        pair = [lambda: a.append(timed(lambda: lrn.train_step(batch))), lambda: b.append(timed(bare_step))]
        for f in (pair if r % 2 == 0 else pair[::-1]): f()
    print(f"ResNet-18 ERM, one step on {D} x {k} images of 3x{s}x{s}, CPU, one thread; {args.repeats} repeats")
    print(f"dgnotebook Learner.train_step: median {statistics.median(a):.3f} s, min {min(a):.3f} s")
    print(f"bare PyTorch loop:             median {statistics.median(b):.3f} s, min {min(b):.3f} s")
    print(f"ratio dgnotebook / bare: medians {statistics.median(a) / statistics.median(b):.3f}, "
          f"minima {min(a) / min(b):.3f}   (target <= 1.05)")


if __name__ == '__main__':
    main()
