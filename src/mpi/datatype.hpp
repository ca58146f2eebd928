#pragma once
// C++ type -> MPI_Datatype. An unmapped type fails to compile.
#include <mpi.h>

#include <cstdint>

namespace rankpool::mpi {

// clang-format off
template <class T> struct datatype_of;  // no definition: unmapped types do not compile
template <> struct datatype_of<std::int8_t>   { static MPI_Datatype get() { return MPI_INT8_T; } };
template <> struct datatype_of<std::int16_t>  { static MPI_Datatype get() { return MPI_INT16_T; } };
template <> struct datatype_of<std::int32_t>  { static MPI_Datatype get() { return MPI_INT32_T; } };
template <> struct datatype_of<std::int64_t>  { static MPI_Datatype get() { return MPI_INT64_T; } };
template <> struct datatype_of<std::uint8_t>  { static MPI_Datatype get() { return MPI_UINT8_T; } };
template <> struct datatype_of<std::uint16_t> { static MPI_Datatype get() { return MPI_UINT16_T; } };
template <> struct datatype_of<std::uint32_t> { static MPI_Datatype get() { return MPI_UINT32_T; } };
template <> struct datatype_of<std::uint64_t> { static MPI_Datatype get() { return MPI_UINT64_T; } };
template <> struct datatype_of<float>         { static MPI_Datatype get() { return MPI_FLOAT; } };
template <> struct datatype_of<double>        { static MPI_Datatype get() { return MPI_DOUBLE; } };
// clang-format on

template <class T>
MPI_Datatype datatype() {
    return datatype_of<T>::get();
}

}  // namespace rankpool::mpi
