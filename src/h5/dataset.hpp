#pragma once
// 1-D datasets: open and check, read whole, write whole, attributes.
#include <cstdint>
#include <span>
#include <string>

#include "h5/datatype.hpp"
#include "h5/error.hpp"
#include "h5/handle.hpp"
#include "util/dtype.hpp"

namespace rankpool::h5 {

struct Dataset1D {
    Handle id;
    Dtype dtype;        // as stored; HDF5 converts byte order while reading
    std::int64_t size;  // elements
};

// Opens `name` in `file`. `file_label` names the file in messages. Throws Error when the
// dataset does not exist (listing those that do), is a group, is not 1-D or not numeric.
Dataset1D open_1d(hid_t file, const std::string& name, const std::string& file_label);

// Reads the whole dataset into `out` (out.size() == dataset size), converting to T.
template <class T>
void read(const Dataset1D& dataset, std::span<T> out, const std::string& what) {
    if (out.empty()) return;
    check(H5Dread(dataset.id.id(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          what + ": reading the data failed");
}

// Creates a contiguous 1-D dataset of T holding `values`; returns it (for attributes).
Handle create_1d(hid_t file, const std::string& name, hid_t type, std::int64_t size);
template <class T>
Handle write_1d(hid_t file, const std::string& name, std::span<const T> values) {
    Handle dataset = create_1d(file, name, native_type<T>(), static_cast<std::int64_t>(values.size()));
    if (!values.empty())
        check(H5Dwrite(dataset.id(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              "writing dataset " + name + " failed");
    return dataset;
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, std::uint64_t value);
void write_attribute(hid_t object, const std::string& name, const std::string& value);

}  // namespace rankpool::h5
