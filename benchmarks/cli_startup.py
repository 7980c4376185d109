"""Start-up time of the `dgnotebook-train` command: `--help`, an error in the arguments, and `--list`.

Usage: python benchmarks/cli_startup.py [--repeats 5]

Each case runs in a fresh interpreter through the installed console script (or `python -c` calling the same
entry point when the script is not on PATH), so the time includes Python's start-up and every import the
command makes. Target: `--help` and argument errors under 1 s (they must not import torch or scikit-learn);
`--list` needs the trainer registry, which imports torch, so it is shown for comparison. Also printed: the
time of `import torch` alone, measured the same way, as the reference for what the lazy imports save.
"""
import argparse, os, resource, shutil, statistics, subprocess, sys, time

os.environ.setdefault('OMP_NUM_THREADS', '1')


def command(args):
    exe = shutil.which('dgnotebook-train')
    if exe: return [exe, *args]
    return [sys.executable, '-c', 'import sys; from dgnotebook.experiments import main; sys.exit(main(sys.argv[1:]))', *args]


def cpu(): r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime

def timed(cmd, repeats):
    "Median and minimum wall time, median CPU time (user + system, which a busy machine inflates less) and exit code."
    times, cpus, rc = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), cpu()
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        times.append(time.perf_counter() - t0); cpus.append(cpu() - c0)
    return statistics.median(times), min(times), statistics.median(cpus), rc


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=5)
    a = p.parse_args()
    cases = [('--help', command(['--help'])), ('--epochs 0 (error)', command(['--epochs', '0'])),
             ('--lr inf (error)', command(['--lr', 'inf'])), ('--resume later (usage error)', command(['--resume', 'later'])),
             ('--list', command(['--list'])), ('python -c "import torch"', [sys.executable, '-c', 'import torch'])]
    print(f"{'case':32s} {'wall median s':>14s} {'wall min s':>11s} {'CPU median s':>13s} {'exit':>5s}   ({a.repeats} runs each)")
    for name, cmd in cases:
        med, lo, c, rc = timed(cmd, a.repeats)
        print(f"{name:32s} {med:14.3f} {lo:11.3f} {c:13.3f} {rc:5d}")


if __name__ == '__main__':
    main()
