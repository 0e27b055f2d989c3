"""gunicorn settings hooks for the atlas: Prometheus multiprocess metrics (see docs/operations.md).

Use: PROMETHEUS_MULTIPROC_DIR=/run/qijiang-metrics QIJIANG_METRICS=true \
     gunicorn -c deploy/gunicorn.conf.py -w 4 -k gthread --threads 8 -b 0.0.0.0:8000 'server:create_app()'
Without PROMETHEUS_MULTIPROC_DIR the hooks do nothing.
"""

import os
from pathlib import Path


def on_starting(server):
    """Start from empty metric files: values of a previous run must not be added to this one's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """Let prometheus_client drop a dead worker's live gauges (its counters keep counting in the total)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
