#include "h5/dataset.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "h5/file.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;

namespace rankpool::h5 {

namespace {

// H5Lexists fails (rather than answering no) when a middle component is missing, so walk
// the path one link at a time.
bool link_exists(hid_t file, const std::string& name) {
    std::size_t pos = 0;
    while (pos != std::string::npos) {
        pos = name.find('/', pos + 1);
        const std::string prefix = name.substr(0, pos);
        if (prefix.empty() || prefix == "/") continue;
        const htri_t exists = H5Lexists(file, prefix.c_str(), H5P_DEFAULT);
        if (exists <= 0) {
            H5Eclear2(H5E_DEFAULT);
            return false;
        }
    }
    return true;
}

std::string found_list(hid_t file) {
    const auto names = list_datasets(file);
    if (names.empty()) return "the file holds no datasets";
    std::string text = "found: ";
    constexpr std::size_t shown = 20;
    for (std::size_t i = 0; i < names.size() && i < shown; ++i) text += (i ? ", " : "") + names[i];
    if (names.size() > shown) text += ", ... (" + std::to_string(names.size()) + " in all)";
    return text;
}

// A virtual dataset takes its values from datasets in other files, and HDF5 reads fill values
// for a source file it cannot find, without a word: every source file must be there. (Relative
// names are looked up next to the virtual dataset's file, then from the working folder; names
// with printf-style patterns are left to HDF5.)
void check_virtual_sources(hid_t create, const std::string& label, const std::string& file_name) {
    std::size_t count = 0;
    check(H5Pget_virtual_count(create, &count), label + ": cannot read its virtual layout");
    const fs::path folder = fs::path(file_name).parent_path();
    for (std::size_t i = 0; i < count; ++i) {
        const ssize_t length = H5Pget_virtual_filename(create, i, nullptr, 0);
        std::string source(static_cast<std::size_t>(std::max<ssize_t>(length, 0)), '\0');
        H5Pget_virtual_filename(create, i, source.data(), source.size() + 1);
        if (source.empty() || source == "." || source.find('%') != std::string::npos) continue;
        std::error_code ec;
        if (fs::exists(folder / source, ec) || fs::exists(source, ec)) continue;
        throw Error(label + ": is a virtual dataset whose source file " + source +
                    " is missing (HDF5 would read fill values for its part); put it next to " + file_name);
    }
}

std::string shape_text(const std::vector<hsize_t>& dims) {
    std::string text;
    for (hsize_t d : dims) text += (text.empty() ? "" : " x ") + std::to_string(d);
    return text;
}

}  // namespace

Dataset1D open_1d(hid_t file, const std::string& name, const std::string& file_label) {
    const std::string label = file_label + ":" + name;
    if (name.empty() || !link_exists(file, name))
        throw Error(file_label + ": no dataset '" + name + "' (" + found_list(file) + ")");

    H5O_info_t info;
    check(H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), label + ": cannot inspect");
    if (info.type != H5O_TYPE_DATASET)
        throw Error(label + ": is a " + (info.type == H5O_TYPE_GROUP ? "group" : "named type") + ", not a dataset (" +
                    found_list(file) + ")");

    Handle dataset = checked(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, label + ": cannot open the dataset");
    const Handle type = checked(H5Dget_type(dataset.id()), H5Tclose, label + ": cannot read its type");
    const Dtype dtype = dtype_of_file_type(type.id(), label);

    const Handle space = checked(H5Dget_space(dataset.id()), H5Sclose, label + ": cannot read its shape");
    if (H5Sget_simple_extent_type(space.id()) == H5S_NULL)
        throw Error(label + ": holds no data (an HDF5 null dataspace); rankpool squares a 1-D dataset");
    const int rank = H5Sget_simple_extent_ndims(space.id());
    if (rank < 0) check(rank, label + ": cannot read its shape");
    if (rank != 1) {
        std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
        H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
        throw Error(label + ": is " +
                    (rank == 0 ? "a scalar" : std::to_string(rank) + "-D (" + shape_text(dims) + ")") +
                    "; rankpool squares a 1-D dataset");
    }
    hsize_t size = 0;
    H5Sget_simple_extent_dims(space.id(), &size, nullptr);

    // A virtual dataset's sources must be there (see check_virtual_sources). A damaged chunk
    // layout (found by fuzzing: 0-D chunks of a 1-D dataset) sends HDF5 1.10's reader
    // allocating without end instead of failing; real chunks are 1-D, not empty and under
    // HDF5's limit of 4 GiB.
    const Handle create = checked(H5Dget_create_plist(dataset.id()), H5Pclose, label + ": cannot read its layout");
    const H5D_layout_t layout = H5Pget_layout(create.id());
    if (layout == H5D_VIRTUAL) check_virtual_sources(create.id(), label, file_label);
    if (layout == H5D_CHUNKED) {
        hsize_t chunk = 0;
        const int chunk_rank = H5Pget_chunk(create.id(), 1, &chunk);
        check(chunk_rank, label + ": cannot read its chunk layout");
        if (chunk_rank != 1 || chunk == 0 || chunk >= (hsize_t{1} << 32) / dtype_size(dtype))
            throw Error(label + ": the file is damaged: its chunks (" +
                        (chunk_rank == 1 ? std::to_string(chunk) + " elements" : std::to_string(chunk_rank) + "-D") +
                        ") are not possible in HDF5");
    }
    return {std::move(dataset), dtype, static_cast<std::int64_t>(size)};
}

Selection select_slice(hid_t dataset, std::int64_t offset, std::int64_t count, const std::string& what) {
    Selection s;
    s.file_space = checked(H5Dget_space(dataset), H5Sclose, what + ": file space");
    const hsize_t size[1] = {static_cast<hsize_t>(count)};
    s.memory_space = checked(H5Screate_simple(1, size, nullptr), H5Sclose, what + ": memory space");
    if (count == 0) {
        check(H5Sselect_none(s.file_space.id()), what + ": selection");
        check(H5Sselect_none(s.memory_space.id()), what + ": selection");
        return s;
    }
    const hsize_t start[1] = {static_cast<hsize_t>(offset)};
    check(H5Sselect_hyperslab(s.file_space.id(), H5S_SELECT_SET, start, nullptr, size, nullptr), what + ": selection");
    return s;
}

Handle create_1d(hid_t file, const std::string& name, hid_t type, std::int64_t size, const Layout& layout) {
    const hsize_t dims[1] = {static_cast<hsize_t>(size)};
    const Handle space = checked(H5Screate_simple(1, dims, nullptr), H5Sclose, "dataspace for " + name);
    const Handle create = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "properties for " + name);
    // Every element is written right after creation: writing fill values first is wasted I/O.
    check(H5Pset_fill_time(create.id(), H5D_FILL_TIME_NEVER), "properties for " + name);
    if (layout.chunk > 0 && size > 0) {  // an empty dataset has nothing to chunk or compress
        const hsize_t chunk[1] = {static_cast<hsize_t>(std::min(layout.chunk, size))};
        check(H5Pset_chunk(create.id(), 1, chunk), "chunks of " + std::to_string(chunk[0]) + " elements for " + name);
        if (layout.compress > 0) {
            if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
                throw Error("this HDF5 library has no gzip (deflate) filter; drop --compress");
            // Shuffling the bytes first groups the zero high bytes of small integers: much better ratios.
            check(H5Pset_shuffle(create.id()), "shuffle filter for " + name);
            check(H5Pset_deflate(create.id(), static_cast<unsigned>(layout.compress)), "gzip filter for " + name);
        }
    }
    return checked(H5Dcreate2(file, name.c_str(), type, space.id(), H5P_DEFAULT, create.id(), H5P_DEFAULT), H5Dclose,
                   "cannot create dataset " + name);
}

namespace {
void write_scalar_attribute(hid_t object, const std::string& name, hid_t type, const void* value) {
    const Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "attribute " + name);
    const Handle attribute = checked(H5Acreate2(object, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                                     H5Aclose, "cannot create attribute " + name);
    check(H5Awrite(attribute.id(), type, value), "cannot write attribute " + name);
}
}  // namespace

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
    write_scalar_attribute(object, name, H5T_NATIVE_INT64, &value);
}

void write_attribute(hid_t object, const std::string& name, std::uint64_t value) {
    write_scalar_attribute(object, name, H5T_NATIVE_UINT64, &value);
}

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
    // Variable-length UTF-8: h5py reads it back as str, h5dump shows it plainly.
    const Handle type = checked(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    check(H5Tset_size(type.id(), H5T_VARIABLE), "string type");
    check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "string type");
    const char* text = value.c_str();
    write_scalar_attribute(object, name, type.id(), &text);
}

std::int64_t write_piece_elements(std::int64_t element_size, const Layout& layout) {
    constexpr std::int64_t piece_bytes = 64 << 20;
    const std::int64_t unit = layout.chunk > 0 ? layout.chunk : 1;
    return std::max<std::int64_t>(1, piece_bytes / (element_size * unit)) * unit;
}

}  // namespace rankpool::h5
