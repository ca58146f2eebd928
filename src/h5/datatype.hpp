#pragma once
// C++ type -> HDF5 native type, and an HDF5 file type -> the Dtype rankpool reads it as.
#include <hdf5.h>

#include <cstdint>
#include <string>

#include "util/dtype.hpp"

namespace rankpool::h5 {

// clang-format off
template <class T> struct native_type_of;  // no definition: unmapped types do not compile
template <> struct native_type_of<std::int8_t>   { static hid_t get() { return H5T_NATIVE_INT8; } };
template <> struct native_type_of<std::int16_t>  { static hid_t get() { return H5T_NATIVE_INT16; } };
template <> struct native_type_of<std::int32_t>  { static hid_t get() { return H5T_NATIVE_INT32; } };
template <> struct native_type_of<std::int64_t>  { static hid_t get() { return H5T_NATIVE_INT64; } };
template <> struct native_type_of<std::uint8_t>  { static hid_t get() { return H5T_NATIVE_UINT8; } };
template <> struct native_type_of<std::uint16_t> { static hid_t get() { return H5T_NATIVE_UINT16; } };
template <> struct native_type_of<std::uint32_t> { static hid_t get() { return H5T_NATIVE_UINT32; } };
template <> struct native_type_of<std::uint64_t> { static hid_t get() { return H5T_NATIVE_UINT64; } };
template <> struct native_type_of<float>         { static hid_t get() { return H5T_NATIVE_FLOAT; } };
template <> struct native_type_of<double>        { static hid_t get() { return H5T_NATIVE_DOUBLE; } };
// clang-format on

template <class T>
hid_t native_type() {
    return native_type_of<T>::get();
}

// Integer or float of a size rankpool handles, in any byte order; throws Error naming the
// dataset (`what`) and what the type is otherwise.
Dtype dtype_of_file_type(hid_t type, const std::string& what);

}  // namespace rankpool::h5
