"""Runs a command that prints ser run's plain per-cell progress lines (`name: cell 3/13 [label] …`, then
`… [label] ok 4.15 s`) and records each cell's CPU time: the command's user + system time (all its threads,
from /proc/PID/stat) when the cell's first line arrives and when its `ok` line does.

    python3 cell_cpu.py LOG CELLS.json TIME -- COMMAND...

Writes the command's output to LOG, {label: cpu seconds} to CELLS.json and "wall user system" of the whole
process to TIME (as bash's `time` with TIMEFORMAT='%R %U %S'). Exits with the command's status.
"""
import json
import os
import re
import subprocess
import sys
import time

log, cells_path, time_path = sys.argv[1:4]
command = sys.argv[sys.argv.index("--") + 1:]
ticks = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    """User + system seconds of `pid` so far (every thread), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)
    except (OSError, IndexError, ValueError):
        return None


start = time.perf_counter()
child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
began, cells = {}, {}
with open(log, "w") as out:
    for line in child.stdout:
        out.write(line)
        m = re.search(r"cell \d+/\d+ \[([\w-]+)\] (…|ok )", line)
        if m:
            now = cpu(child.pid)
            if m.group(2) == "…":
                began[m.group(1)] = now
            elif now is not None and began.get(m.group(1)) is not None:
                cells[m.group(1)] = now - began[m.group(1)]
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
with open(cells_path, "w") as f:
    json.dump(cells, f, indent=1)
with open(time_path, "w") as f:
    f.write(f"{wall:.3f} {usage.ru_utime:.3f} {usage.ru_stime:.3f}\n")
sys.exit(os.waitstatus_to_exitcode(status))
