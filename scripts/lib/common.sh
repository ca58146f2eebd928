# shellcheck shell=bash
# scripts/lib/common.sh: what the scripts share; sourced, never run. It only defines: nothing is
# installed, built or exported into Open MPI's environment until a script calls the function.
#
#   repo, me, python          the repository, the script's name for messages, the Python to use
#   usage                     prints the script's header comment: its --help
#   note, die                 a message on stderr; an error message and exit
#   setup TIER...             scripts/setup.sh: installs what is missing
#   build_release TARGET...   the Release build in build/ (preset release)
#   require_rankpool ROOT     dies unless ROOT/build/rankpool exists, saying how to build it
#   in_slurm_job              true inside a Slurm job
#   allow_mpi_as_root         as root outside Slurm: lets Open MPI run as root, and says so
#   use_shared_memory_pml     outside Slurm, unless set: OMPI_MCA_pml=ob1, and says so
#   usable_cores, oversubscribed RANKS
#                             the cores this process may use; whether RANKS ranks outnumber them

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
me=$(basename -- "$0")
# Debian's: it has numpy, h5py, matplotlib (and pandas, mpi4py: setup.sh bench). The python3 first
# on PATH may lack them.
# shellcheck disable=SC2034  # used by the scripts
python=${PYTHON:-/usr/bin/python3}
# The Python scripts import scripts/lib/rankpool_scripts.py.
export PYTHONPATH=$repo/scripts/lib${PYTHONPATH:+:$PYTHONPATH}

# The header comment: the lines after "#!" up to the first line that is not a comment (or an #SBATCH one).
usage() { awk 'NR > 1 && (!/^#/ || /^#SBATCH/) {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; }
note() { echo "$me: $*" >&2; }
# die MESSAGE [EXIT CODE, default 1]
die() {
  echo "$me: error: $1" >&2
  exit "${2:-1}"
}

setup() { "$repo/scripts/setup.sh" "$@"; }
# One compiler per core: make's unlimited -j (what a bare --parallel means) runs every file at once;
# a clean build here took 2 min 53 s that way, 2 min 15-32 s with one compiler per core.
build_jobs() { nproc; }
build_release() {
  (cd "$repo" && cmake --preset release >/dev/null &&
    cmake --build --preset release --parallel "$(build_jobs)" --target "$@")
}

require_rankpool() {
  [[ -x $1/build/rankpool ]] || die "$1/build/rankpool is missing; build it first:
  cmake -S $1 -B $1/build -DCMAKE_BUILD_TYPE=Release && cmake --build $1/build --parallel \$(nproc)"
}

in_slurm_job() { [[ -n ${SLURM_JOB_ID:-} ]]; }

# Containers and CI run as root, which Open MPI refuses unless told otherwise. Never inside a Slurm
# job: a cluster's jobs have no business running as root.
allow_mpi_as_root() {
  if ((EUID == 0)) && ! in_slurm_job; then
    note "running as root, so allowing Open MPI to run as root (OMPI_ALLOW_RUN_AS_ROOT=1)"
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
}

# One machine: ranks talk through shared memory (ob1 + vader). Left to itself, Open MPI first probes
# UCX for a fast network, ~0.3 s of start-up per run on a machine without one. Inside Slurm the nodes
# may have that network, so the choice is left to Open MPI there.
use_shared_memory_pml() {
  if [[ -z ${OMPI_MCA_pml:-} ]] && ! in_slurm_job; then
    note "OMPI_MCA_pml=ob1 (shared memory; set OMPI_MCA_pml to choose otherwise)"
    export OMPI_MCA_pml=ob1
  fi
}

# Open MPI gives a machine one slot per core, hyperthreads counted once, and ranks beyond that share
# a core: so "oversubscribed" means more ranks than the cores (not logical CPUs) this process may run
# on. RANKPOOL_CORES=N counts N cores instead. The same rule in Python: rankpool_scripts.usable_cores.
usable_cores() {
  if [[ -n ${RANKPOOL_CORES:-} ]]; then
    [[ $RANKPOOL_CORES =~ ^[1-9][0-9]*$ ]] || die "RANKPOOL_CORES=$RANKPOOL_CORES: not a positive number" 2
    echo "$RANKPOOL_CORES"
    return
  fi
  local range cpu topology
  for range in $(sed -n 's/^Cpus_allowed_list:\s*//p' /proc/self/status | tr , ' '); do
    for cpu in $(seq "${range%-*}" "${range#*-}"); do
      topology=/sys/devices/system/cpu/cpu$cpu/topology
      if [[ -r $topology/core_id ]]; then
        echo "core $(<"$topology/physical_package_id") $(<"$topology/core_id")"
      else
        echo "cpu $cpu"  # no topology: a logical CPU is all we know
      fi
    done
  done | sort -u | wc -l
}

# True when RANKS ranks outnumber the cores here (mpirun then needs --oversubscribe), and says so.
oversubscribed() {
  local cores
  cores=$(usable_cores)
  (($1 > cores)) || return 1
  note "$1 ranks on $cores cores: oversubscribing (timings will not show scaling)"
}
