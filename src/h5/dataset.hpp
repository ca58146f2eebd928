#pragma once
// 1-D datasets: open and check, create (contiguous, chunked, compressed), read and write
// slices (a whole array is the slice at 0), attributes.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "h5/datatype.hpp"
#include "h5/error_stack.hpp"
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

// Selects elements [offset, offset + count) of a 1-D file space, and a matching memory space;
// count 0 selects nothing (a rank without elements still takes part in collective I/O).
struct Selection {
    Handle file_space;
    Handle memory_space;
};
Selection select_slice(hid_t dataset, std::int64_t offset, std::int64_t count, const std::string& what);

// Reads elements [offset, offset + out.size()) into `out`, converting to T. `transfer` is
// H5P_DEFAULT, or a collective transfer list (parallel.hpp) where every rank reads at once.
template <class T>
void read_slice(const Dataset1D& dataset, std::int64_t offset, std::span<T> out, hid_t transfer,
                const std::string& what) {
    const Selection s = select_slice(dataset.id.id(), offset, static_cast<std::int64_t>(out.size()), what);
    check(H5Dread(dataset.id.id(), native_type<T>(), s.memory_space.id(), s.file_space.id(), transfer, out.data()),
          what + ": reading the data failed");
}

// Storage of a new dataset: contiguous (chunk 0), or chunks of `chunk` elements (clamped to
// the size), gzip-compressed at `compress` (1-9; chunked only) after a byte shuffle.
struct Layout {
    std::int64_t chunk = 0;
    int compress = 0;
};

// Creates a 1-D dataset of `size` elements of `type` (no fill values: every element is written).
Handle create_1d(hid_t file, const std::string& name, hid_t type, std::int64_t size, const Layout& layout);

// Writes `values` to elements [offset, offset + values.size()); `transfer` as in read_slice.
template <class T>
void write_slice(hid_t dataset, std::int64_t offset, std::span<const T> values, hid_t transfer,
                 const std::string& what) {
    const Selection s = select_slice(dataset, offset, static_cast<std::int64_t>(values.size()), what);
    check(H5Dwrite(dataset, native_type<T>(), s.memory_space.id(), s.file_space.id(), transfer, values.data()),
          "writing " + what + " failed");
}

// Big writes go in pieces of about 64 MiB, a whole number of chunks (so no chunk is written twice):
// a write system call holds the file's inode lock to its end, and an interrupted run's unlink of
// its temporary file (util/interrupt.hpp) waits for it -- for one piece, not for gigabytes.
std::int64_t write_piece_elements(std::int64_t element_size, const Layout& layout);

// Writes `values` to elements [offset, offset + values.size()) in `pieces` calls of at most
// `piece` elements each (collective transfers: the same `pieces` on every rank; a rank whose
// values end early writes empty pieces).
template <class T>
void write_in_pieces(hid_t dataset, std::int64_t offset, std::span<const T> values, std::int64_t piece,
                     std::int64_t pieces, hid_t transfer, const std::string& what) {
    for (std::int64_t i = 0; i < pieces; ++i) {
        const auto start = std::min(static_cast<std::size_t>(i * piece), values.size());
        const auto count = std::min(static_cast<std::size_t>(piece), values.size() - start);
        write_slice(dataset, offset + static_cast<std::int64_t>(start), values.subspan(start, count), transfer, what);
    }
}

// Pieces of `piece` elements that `count` elements need.
inline std::int64_t pieces_for(std::int64_t count, std::int64_t piece) { return (count + piece - 1) / piece; }

// The whole array, one process: read it all, or create a dataset holding `values`.
template <class T>
void read(const Dataset1D& dataset, std::span<T> out, const std::string& what) {
    read_slice(dataset, 0, out, H5P_DEFAULT, what);
}
template <class T>
Handle write_1d(hid_t file, const std::string& name, std::span<const T> values, const Layout& layout = {}) {
    const auto n = static_cast<std::int64_t>(values.size());
    Handle dataset = create_1d(file, name, native_type<T>(), n, layout);
    const std::int64_t piece = write_piece_elements(sizeof(T), layout);
    write_in_pieces(dataset.id(), 0, values, piece, pieces_for(n, piece), H5P_DEFAULT, "dataset " + name);
    return dataset;
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, std::uint64_t value);
void write_attribute(hid_t object, const std::string& name, const std::string& value);

}  // namespace rankpool::h5
