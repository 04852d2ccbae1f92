"""Data-parallel worker processes (torch.multiprocessing.spawn) that end with the process that started them.

Killing a build (`pkill -f build-models`, `kill` of `python3 -m training.pretrain`) otherwise leaves the spawned
workers training on, their command line `python3 -c from multiprocessing.spawn import …` matching neither pattern:
on 2026-12-06 two such orphans took half the cores for an hour and kept writing build/pretrain/ckpt.pt every 250
steps, over the checkpoint of the run started after them."""
import ctypes
import multiprocessing
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent():
    """Ask Linux to send SIGTERM to this process when its parent exits; exit now if the parent is already gone."""
    if not sys.platform.startswith('linux'):
        return
    spawner = multiprocessing.parent_process()  # known from the spawn data, even if it has died already
    parent = spawner.pid if spawner is not None else os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return  # not fatal: the worker still runs, only without this guard
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit('the process that started this worker has exited')
