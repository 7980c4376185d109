"""SIGKILL the launcher and its workers in the middle of a sweep, launch again: every job ends done, a job killed
mid-training resumed from its checkpoint (its second attempt starts after the last saved evaluation), and its history
equals an uninterrupted run of the same spec, record for record (wall-clock seconds aside).

usage: python tests/sweeps/kill_resume.py [WORKDIR]
"""
import json, shutil, sys, tempfile, time
from pathlib import Path
from common import sweep_cli, kill_group, history, attempts, report, job_between_evaluations

def main():
    work = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix='dgnb-kill-'))
    d = work / 'sweep'
    shutil.rmtree(d, ignore_errors=True)
    from dgnotebook.sweeps import Sweep, run_spec, job_state
    E = 4
    sw = Sweep(d, task='rotated_digits', chains=['erm', 'coral'], test_domains=[['rot0'], ['rot30'], ['rot60']], n_hparams=2,
               fixed={'epochs': E, 'task_kwargs': {'angles': [0, 30, 60]}})
    jobs = sw.jobs()
    t0 = time.time()
    p = sweep_cli('launch', d, '--workers', '2', '--no-progress')
    victim, k = None, None
    while time.time() - t0 < 600 and victim is None:
        found = job_between_evaluations(sw, jobs, E)
        if found: victim, k, _ = found
        time.sleep(0.05)
    if victim is None: kill_group(p); return report('kill-resume', False, 'no job was caught between two evaluations')
    kill_group(p); time.sleep(1)
    done_before = sum(job_state(sw.job_dir(j)) == 'done' for j in jobs)
    states = sw.status(versions=False).counts
    p2 = sweep_cli('launch', d, '--workers', '2', '--no-progress'); p2.wait()
    st = sw.status(versions=False)
    att = attempts(sw.job_dir(victim))
    # an uninterrupted run of the same spec
    ref = work / 'reference'; shutil.rmtree(ref, ignore_errors=True)
    run_spec(victim.spec, ref)
    same = history(sw.job_dir(victim) / 'results.json') == history(ref / 'results.json')
    resumed = len(att) == 2 and 'resume after epoch' in att[1]
    executed = k + 1 + (E - k)   # k saved epochs + the interrupted one, then the remaining E - k
    multi = sum(len(attempts(sw.job_dir(j))) > 1 for j in jobs)
    ok = st.counts['done'] == len(jobs) and resumed and same and p2.returncode == 0
    return report('kill-resume', ok,
                  f"{len(jobs)} jobs, killed launcher+workers with {done_before} done (states then: {states}); relaunch: "
                  f"{st.counts['done']}/{len(jobs)} done; killed job {victim.id} had {k}/{E} evaluations saved, its attempts: "
                  f"{[a.split(' launch=')[1].split(' ', 1)[1] for a in att]}; epochs executed {executed} = {E} + 1 partial; "
                  f"history identical to an uninterrupted run: {same}; jobs with 2 attempts: {multi}; {time.time() - t0:.0f} s", work=work, given=len(sys.argv) > 1)

if __name__ == '__main__': sys.exit(main())
