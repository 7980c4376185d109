"""Run inside a loopback-only network namespace (see ray_cluster.sh): the same sweep with engine='local' and with
engine='ray' on a two-node Ray cluster (`ray start` twice on 127.0.0.1, one CPU each); a Ray worker is SIGKILLed in the
middle of a job. Checks: every job done, the killed job retried by Ray and resumed from its checkpoint, every history
equal to the local engine's, and every listening socket on 127.0.0.1.
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from common import ENV, history, attempts, report, job_between_evaluations

def free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def listeners() -> list:
    out = subprocess.run(['ss', '-Hltn'], capture_output=True, text=True).stdout.split('\n')
    return sorted({l.split()[3].rsplit(':', 1)[0] for l in out if l.strip()})

def main():
    t0 = time.time()
    work = Path(tempfile.mkdtemp(prefix='dgnb-ray-'))
    # token authentication on, with one token for the driver and both nodes (Ray's default generates one per home)
    env = {**ENV, 'RAY_AUTH_MODE': 'token', 'RAY_AUTH_TOKEN': os.urandom(16).hex(), 'HOME': str(work),
           'RAY_USAGE_STATS_ENABLED': '0'}
    os.environ.update(env)
    from dgnotebook.sweeps import Sweep
    E = 3
    spec = dict(task='rotated_digits', chains=['erm', 'coral'], test_domains=[['rot0'], ['rot30'], ['rot60']], n_hparams=1,
                fixed={'epochs': E, 'task_kwargs': {'angles': [0, 30, 60]}})
    local = Sweep(work / 'local', **spec)
    rl = local.launch(engine='local', workers=2, progress=False)
    port = free_port()
    ray = str(Path(sys.executable).parent / 'ray')
    common = ['--node-ip-address=127.0.0.1', '--num-cpus=1', '--disable-usage-stats', '--block']
    head = subprocess.Popen([ray, 'start', '--head', f'--port={port}', '--include-dashboard=false',
                             f'--temp-dir={work}/ray', *common], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(8)
    node = subprocess.Popen([ray, 'start', f'--address=127.0.0.1:{port}', *common], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(8)
    sw = Sweep(work / 'ray', **spec)
    jobs = sw.jobs(); victim = []
    def kill_one():
        end = time.time() + 300
        while time.time() < end and not victim:
            found = job_between_evaluations(sw, jobs, E)
            if found: os.kill(found[2]['pid'], signal.SIGKILL); victim.append(found[:2])
            time.sleep(0.05)
    th = threading.Thread(target=kill_one, daemon=True); th.start()
    rr = sw.launch(engine='ray', address=f'127.0.0.1:{port}', retries=2, progress=False)
    ls = listeners()
    for p in (node, head): p.send_signal(signal.SIGTERM)
    st = sw.status(versions=False)
    same = all(history(sw.job_dir(j) / 'results.json') == history(local.job_dir(j) / 'results.json') for j in jobs)
    hosts = {a.split('host=')[1].split()[0] for j in jobs for a in attempts(sw.job_dir(j))}
    pids = {a.split('pid=')[1].split()[0] for j in jobs for a in attempts(sw.job_dir(j))}
    v_att = attempts(sw.job_dir(victim[0][0])) if victim else []
    retried = len(v_att) == 2 and 'resume after epoch' in v_att[1]
    ok = (st.counts['done'] == len(jobs) and same and bool(victim) and retried and not rr.failed
          and all(a.startswith('127.') or a in ('[::1]', '[::ffff:127.0.0.1]') for a in ls))
    return report('ray-cluster', ok,
                  f"{len(jobs)} jobs on 2 Ray nodes: {st.counts['done']} done, {len(rr.failed)} failed; worker of job "
                  f"{victim[0][0].id if victim else '-'} SIGKILLed after {victim[0][1] if victim else '-'}/{E} evaluations, "
                  f"retried by Ray and resumed: {retried}; histories equal to engine='local': {same}; "
                  f"{len(pids)} worker processes; listening on {ls}; {time.time() - t0:.0f} s", work=work, given=False)

if __name__ == '__main__': sys.exit(main())
