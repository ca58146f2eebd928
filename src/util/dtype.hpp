#pragma once
// The element types rankpool handles, their numpy names, and the type each one squares into.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace rankpool {

enum class Dtype { int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64 };

std::string_view dtype_name(Dtype d);                     // numpy spelling: "int64", "float32"
std::optional<Dtype> parse_dtype(std::string_view name);  // inverse of dtype_name
std::string dtype_choices();                              // "int8, int16, ..., float64"
std::size_t dtype_size(Dtype d);

// C++ type <-> Dtype. An unmapped type fails to compile.
// clang-format off
template <class T> struct dtype_of;
template <> struct dtype_of<std::int8_t>   { static constexpr Dtype value = Dtype::int8; };
template <> struct dtype_of<std::int16_t>  { static constexpr Dtype value = Dtype::int16; };
template <> struct dtype_of<std::int32_t>  { static constexpr Dtype value = Dtype::int32; };
template <> struct dtype_of<std::int64_t>  { static constexpr Dtype value = Dtype::int64; };
template <> struct dtype_of<std::uint8_t>  { static constexpr Dtype value = Dtype::uint8; };
template <> struct dtype_of<std::uint16_t> { static constexpr Dtype value = Dtype::uint16; };
template <> struct dtype_of<std::uint32_t> { static constexpr Dtype value = Dtype::uint32; };
template <> struct dtype_of<std::uint64_t> { static constexpr Dtype value = Dtype::uint64; };
template <> struct dtype_of<float>         { static constexpr Dtype value = Dtype::float32; };
template <> struct dtype_of<double>        { static constexpr Dtype value = Dtype::float64; };
template <class T> inline constexpr Dtype dtype_v = dtype_of<T>::value;
// clang-format on

// The type a square is stored in: integers widen to twice their width up to 64 bits, so a
// square of an int8..int32 or uint8..uint32 can never overflow; floats keep their type.
// clang-format off
template <class T> struct squared_type;
template <> struct squared_type<std::int8_t>   { using type = std::int16_t; };
template <> struct squared_type<std::int16_t>  { using type = std::int32_t; };
template <> struct squared_type<std::int32_t>  { using type = std::int64_t; };
template <> struct squared_type<std::int64_t>  { using type = std::int64_t; };
template <> struct squared_type<std::uint8_t>  { using type = std::uint16_t; };
template <> struct squared_type<std::uint16_t> { using type = std::uint32_t; };
template <> struct squared_type<std::uint32_t> { using type = std::uint64_t; };
template <> struct squared_type<std::uint64_t> { using type = std::uint64_t; };
template <> struct squared_type<float>         { using type = float; };
template <> struct squared_type<double>        { using type = double; };
template <class T> using squared_t = typename squared_type<T>::type;
// clang-format on

Dtype squared_dtype(Dtype d);

// Calls f(T{}) with the C++ type that d names; returns what f returns.
template <class F>
decltype(auto) visit_dtype(Dtype d, F&& f) {
    switch (d) {
        case Dtype::int8: return f(std::int8_t{});
        case Dtype::int16: return f(std::int16_t{});
        case Dtype::int32: return f(std::int32_t{});
        case Dtype::int64: return f(std::int64_t{});
        case Dtype::uint8: return f(std::uint8_t{});
        case Dtype::uint16: return f(std::uint16_t{});
        case Dtype::uint32: return f(std::uint32_t{});
        case Dtype::uint64: return f(std::uint64_t{});
        case Dtype::float32: return f(float{});
        case Dtype::float64: return f(double{});
    }
    __builtin_unreachable();
}

}  // namespace rankpool
