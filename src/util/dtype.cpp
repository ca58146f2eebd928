#include "util/dtype.hpp"

#include <array>

namespace rankpool {

namespace {
constexpr std::array all_dtypes{Dtype::int8,   Dtype::int16,  Dtype::int32,  Dtype::int64,   Dtype::uint8,
                                Dtype::uint16, Dtype::uint32, Dtype::uint64, Dtype::float32, Dtype::float64};
}

std::string_view dtype_name(Dtype d) {
    switch (d) {
        case Dtype::int8: return "int8";
        case Dtype::int16: return "int16";
        case Dtype::int32: return "int32";
        case Dtype::int64: return "int64";
        case Dtype::uint8: return "uint8";
        case Dtype::uint16: return "uint16";
        case Dtype::uint32: return "uint32";
        case Dtype::uint64: return "uint64";
        case Dtype::float32: return "float32";
        case Dtype::float64: return "float64";
    }
    return "?";
}

std::optional<Dtype> parse_dtype(std::string_view name) {
    for (Dtype d : all_dtypes)
        if (dtype_name(d) == name) return d;
    return std::nullopt;
}

std::string dtype_choices() {
    std::string out;
    for (Dtype d : all_dtypes) {
        if (!out.empty()) out += ", ";
        out += dtype_name(d);
    }
    return out;
}

std::size_t dtype_size(Dtype d) {
    return visit_dtype(d, [](auto t) { return sizeof(t); });
}

Dtype squared_dtype(Dtype d) {
    return visit_dtype(d, [](auto t) { return dtype_v<squared_t<decltype(t)>>; });
}

}  // namespace rankpool
