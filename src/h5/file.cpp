#include "h5/file.hpp"

#include <system_error>

#include "h5/error_stack.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;

namespace rankpool::h5 {

namespace {
// H5F_CLOSE_SEMI: closing a file that still has open objects is an error instead of a silent
// deferral, so the final flush happens (and is checked) in close(), before the rename.
Handle strict_close_access() {
    Handle access = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access properties");
    check(H5Pset_fclose_degree(access.id(), H5F_CLOSE_SEMI), "file access properties");
    return access;
}
}  // namespace

Handle open_for_reading(const fs::path& path) {
    const std::string name = path.string();
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(name + ": no such file");
    if (fs::is_directory(path, ec)) throw Error(name + ": is a folder, not an HDF5 file");
    // A FIFO or device would block the read (and with it every rank): refuse it.
    if (!fs::is_regular_file(path, ec)) throw Error(name + ": is not a regular file");
    const htri_t is_hdf5 = H5Fis_hdf5(name.c_str());
    if (is_hdf5 == 0) throw Error(name + ": not an HDF5 file");
    if (is_hdf5 < 0) throw Error(name + ": cannot read: " + error_stack());
    const Handle access = strict_close_access();
    return checked(H5Fopen(name.c_str(), H5F_ACC_RDONLY, access.id()), H5Fclose,
                   name + ": cannot open this HDF5 file (truncated or damaged?)");
}

Handle create(const fs::path& path, const std::string& label) {
    const Handle access = strict_close_access();
    return checked(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, access.id()), H5Fclose,
                   label + ": cannot create the HDF5 file");
}

void close(Handle& file, const fs::path& path) {
    check(file.reset(), path.string() + ": finishing the HDF5 file failed");
}

namespace {
herr_t add_dataset(hid_t, const char* name, const H5O_info_t* info, void* data) {
    if (info->type != H5O_TYPE_DATASET) return 0;
    std::string path = "/";  // built in two steps: GCC 12 warns falsely on "/" + string (PR105651)
    path += name;
    static_cast<std::vector<std::string>*>(data)->push_back(std::move(path));
    return 0;
}
}  // namespace

std::vector<std::string> list_datasets(hid_t file) {
    std::vector<std::string> names;
    if (H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, add_dataset, &names, H5O_INFO_BASIC) < 0)
        H5Eclear2(H5E_DEFAULT);  // a damaged file lists what it can
    return names;
}

}  // namespace rankpool::h5
