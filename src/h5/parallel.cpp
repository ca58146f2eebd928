#include "h5/parallel.hpp"

#include <utility>

#include "h5/error_stack.hpp"

namespace fs = std::filesystem;

namespace rankpool::h5 {

namespace {
Handle parallel_access(MPI_Comm comm) {
    Handle access = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access properties");
    check(H5Pset_fapl_mpio(access.id(), comm, MPI_INFO_NULL), "MPI-IO file access");
    // As in the serial case: a close with objects still open is an error, not a deferred flush.
    check(H5Pset_fclose_degree(access.id(), H5F_CLOSE_SEMI), "file access properties");
    // Metadata read by one rank and broadcast, written collectively: no metadata storm.
    check(H5Pset_all_coll_metadata_ops(access.id(), true), "collective metadata reads");
    check(H5Pset_coll_metadata_write(access.id(), true), "collective metadata writes");
    return access;
}
}  // namespace

Handle create_parallel(const fs::path& path, const std::string& label, MPI_Comm comm) {
    const Handle access = parallel_access(comm);
    return checked(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, access.id()), H5Fclose,
                   label + ": cannot create the HDF5 file for parallel writing (MPI-IO)");
}

Handle open_parallel(const fs::path& path, MPI_Comm comm) {
    const Handle access = parallel_access(comm);
    return checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.id()), H5Fclose,
                   path.string() + ": cannot open the HDF5 file for parallel reading (MPI-IO)");
}

Handle collective_transfer() {
    Handle transfer = checked(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "transfer properties");
    check(H5Pset_dxpl_mpio(transfer.id(), H5FD_MPIO_COLLECTIVE), "collective transfer");
    return transfer;
}

std::vector<std::string> no_collective_causes(hid_t transfer) {
    std::uint32_t local = 0, global = 0;
    check(H5Pget_mpio_no_collective_cause(transfer, &local, &global), "collective I/O cause");
    static const std::pair<std::uint32_t, const char*> causes[] = {
        {H5D_MPIO_SET_INDEPENDENT, "independent I/O was requested"},
        {H5D_MPIO_DATATYPE_CONVERSION, "datatype conversion"},
        {H5D_MPIO_DATA_TRANSFORMS, "data transforms"},
        {H5D_MPIO_MPI_OPT_TYPES_ENV_VAR_DISABLED, "MPI derived types disabled by the environment"},
        {H5D_MPIO_NOT_SIMPLE_OR_SCALAR_DATASPACES, "dataspace not simple or scalar"},
        {H5D_MPIO_NOT_CONTIGUOUS_OR_CHUNKED_DATASET, "dataset neither contiguous nor chunked"},
        {H5D_MPIO_PARALLEL_FILTERED_WRITES_DISABLED, "parallel filtered writes disabled"},
        {H5D_MPIO_ERROR_WHILE_CHECKING_COLLECTIVE_POSSIBLE, "error while checking"},
    };
    std::vector<std::string> names;
    for (const auto& [bit, name] : causes)
        if (global & bit) names.emplace_back(name);
    return names;
}

}  // namespace rankpool::h5
