#include "h5/datatype.hpp"

#include "util/error.hpp"

namespace rankpool::h5 {

namespace {
std::string class_name(H5T_class_t c) {
    switch (c) {
        case H5T_STRING: return "a string";
        case H5T_COMPOUND: return "a compound (struct)";
        case H5T_ENUM: return "an enum";
        case H5T_ARRAY: return "an array";
        case H5T_VLEN: return "a variable-length";
        case H5T_OPAQUE: return "an opaque";
        case H5T_BITFIELD: return "a bitfield";
        case H5T_REFERENCE: return "a reference";
        case H5T_TIME: return "a time";
        default: return "an unknown";
    }
}
}  // namespace

Dtype dtype_of_file_type(hid_t type, const std::string& what) {
    const H5T_class_t cls = H5Tget_class(type);
    const std::size_t size = H5Tget_size(type);
    if (cls == H5T_INTEGER) {
        const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
        switch (size) {
            case 1: return is_signed ? Dtype::int8 : Dtype::uint8;
            case 2: return is_signed ? Dtype::int16 : Dtype::uint16;
            case 4: return is_signed ? Dtype::int32 : Dtype::uint32;
            case 8: return is_signed ? Dtype::int64 : Dtype::uint64;
            default: break;
        }
        throw Error(what + ": " + std::to_string(size * 8) +
                    "-bit integers are not supported; use 8, 16, 32 or 64 bits");
    }
    if (cls == H5T_FLOAT) {
        if (size == 4) return Dtype::float32;
        if (size == 8) return Dtype::float64;
        throw Error(what + ": " + std::to_string(size * 8) + "-bit floats are not supported; use float32 or float64");
    }
    throw Error(what + ": holds " + class_name(cls) + " type, not numbers; rankpool squares integer or float datasets");
}

}  // namespace rankpool::h5
