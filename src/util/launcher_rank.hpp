#pragma once
// This process's rank as its launcher set it in the environment, for the moments before MPI_Init
// (and before MPI can say so): Open MPI's mpirun, PMIx (srun --mpi=pmix), PMI (MPICH's Hydra,
// srun --mpi=pmi2), Slurm. 0 when none is set: a singleton.
#include <cstdlib>

namespace rankpool {

inline int launcher_rank() {
    for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"})
        if (const char* value = std::getenv(name)) return std::atoi(value);
    return 0;
}

}  // namespace rankpool
