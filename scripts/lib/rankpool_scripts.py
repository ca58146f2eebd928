"""What the Python scripts of scripts/bench and scripts/scaling share: the rule for oversubscription,
the mpirun command line and the one Markdown table writer. Standard library only.

Imported through PYTHONPATH, which scripts/lib/common.sh sets for the scripts that run them.
"""
import os
import shlex

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def in_slurm_job():
    return bool(os.environ.get("SLURM_JOB_ID"))


def usable_cores():
    """(count, what was counted): the cores this process may run on, hyperthreads counted once.

    Open MPI gives a machine one slot per core, and ranks beyond that share a core: so "oversubscribed"
    means more ranks than these cores, not logical CPUs. RANKPOOL_CORES=N counts N instead (the tests use
    it so that oversubscription is the same everywhere). The same rule in bash: scripts/lib/common.sh.
    Raises ValueError for a RANKPOOL_CORES that is not a positive number."""
    override = os.environ.get("RANKPOOL_CORES")
    if override:
        if not override.isdigit() or int(override) < 1:
            raise ValueError(f"RANKPOOL_CORES={override}: not a positive number")
        return int(override), "RANKPOOL_CORES"
    cores, guessed = set(), False
    for cpu in os.sched_getaffinity(0):
        topology = f"/sys/devices/system/cpu/cpu{cpu}/topology"
        try:
            with open(f"{topology}/physical_package_id") as package, open(f"{topology}/core_id") as core:
                cores.add((package.read().strip(), core.read().strip()))
        except OSError:  # no topology: a logical CPU is all we know
            cores.add(("cpu", cpu))
            guessed = True
    return len(cores), "logical CPUs" if guessed else "physical cores"


def oversubscribed(ranks, nodes=1):
    """More ranks than the cores of all nodes together (the same on every node assumed)."""
    return ranks > nodes * usable_cores()[0]


def mpirun(ranks):
    """The launcher for `ranks` ranks: $MPIEXEC (ctest hands its own in) or mpirun, quiet, and outside Slurm
    --oversubscribe where the ranks outnumber the cores (inside, the allocation's slots decide)."""
    launch = [*shlex.split(os.environ.get("MPIEXEC") or "mpirun"), "-q", "-np", str(ranks)]
    if not in_slurm_job() and oversubscribed(ranks):
        launch.append("--oversubscribe")
    return launch


def markdown_table(header, rows):
    """A Markdown table as a list of lines, padded so that it also reads well in a terminal."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows]
