#pragma once
// A large, uninitialised array aligned for transparent huge pages.
// Zero-filling 80 MB with 4 KiB pages costs ~260 ms of page faults here; with MADV_HUGEPAGE
// the first touch costs a few ms. std::vector would also zero-fill every element.
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

namespace rankpool {

namespace detail {
void* allocate_huge(std::size_t count, std::size_t element_size);  // throws Error on failure
void free_huge(void* p) noexcept;
}  // namespace detail

template <class T>
class Buffer {
public:
    Buffer() = default;
    explicit Buffer(std::size_t count)
        : data_(static_cast<T*>(detail::allocate_huge(count, sizeof(T)))), size_(count) {}
    ~Buffer() { detail::free_huge(data_); }

    Buffer(Buffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    Buffer& operator=(Buffer&& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        return *this;
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    std::span<T> span() noexcept { return {data_, size_}; }
    std::span<const T> span() const noexcept { return {data_, size_}; }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

// An input array and where its results go: the input's own memory when they have its type
// (the result overwrites the input: one array in memory), a second array only when Out differs.
// Allocation does not touch the memory.
template <class In, class Out>
class InOutBuffer {
public:
    static constexpr bool in_place = std::is_same_v<In, Out>;

    InOutBuffer() = default;
    explicit InOutBuffer(std::size_t count) : in_(count) {
        if constexpr (!in_place) separate_out_ = Buffer<Out>(count);
    }

    Buffer<In>& in() noexcept { return in_; }
    Out* out() noexcept {
        if constexpr (in_place)
            return in_.data();
        else
            return separate_out_.data();
    }

private:
    Buffer<In> in_;
    Buffer<Out> separate_out_;  // only when Out differs from In
};

}  // namespace rankpool
