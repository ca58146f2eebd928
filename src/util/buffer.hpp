#pragma once
// A large, uninitialised array aligned for transparent huge pages.
// Zero-filling 80 MB with 4 KiB pages costs ~260 ms of page faults here; with MADV_HUGEPAGE
// the first touch costs a few ms. std::vector would also zero-fill every element.
#include <cstddef>
#include <cstdint>
#include <span>
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

}  // namespace rankpool
