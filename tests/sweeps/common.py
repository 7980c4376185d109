"""Helpers shared by the sweep system checks in this folder (each check prints one line `sweeps <name>: PASS|FAIL ...`)."""
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONPATH': f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}

def sweep_cli(*args, **kw) -> subprocess.Popen:
    "Start `dgnotebook-sweep ARGS` (through this Python) in its own process group."
    code = 'import sys; from dgnotebook.sweeps import main; sys.exit(main())'
    return subprocess.Popen([sys.executable, '-c', code, *map(str, args)], env=ENV, start_new_session=True, **kw)

def kill_group(p: subprocess.Popen) -> None:
    "SIGKILL the launcher and every process of its group (its pool workers)."
    try: os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError: pass
    p.wait()

def history(path) -> list:
    "A results.json history without wall-clock fields, for exact comparison."
    h = json.loads(Path(path).read_text())['history']
    return [{k: v for k, v in r.items() if k != 'seconds'} for r in h]

def attempts(jd) -> list:
    f = Path(jd) / 'attempts.log'
    return f.read_text().splitlines() if f.exists() else []

def report(name: str, ok: bool, detail: str, work=None, given: bool = True) -> int:
    "Print the check's line; a work folder the check made itself is removed when it passed and kept (and named) when not."
    if work is not None and not ok: detail += f" (work folder kept: {work})"
    print(f"sweeps {name}: {'PASS' if ok else 'FAIL'} {detail}", flush=True)
    if work is not None and ok and not given: shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1

def job_between_evaluations(sw, jobs, epochs: int):
    "(job, saved evaluations) of a job that is running and has saved at least one of its `epochs` evaluations, else None."
    for j in jobs:
        jd = sw.job_dir(j)
        if (jd / 'done.json').exists() or not (jd / 'lease.json').exists(): continue
        try:
            lease = json.loads((jd / 'lease.json').read_text()); n = len(json.loads((jd / 'results.json').read_text())['history'])
        except (OSError, ValueError, KeyError): continue
        if 1 <= n < epochs: return j, n, lease
    return None
