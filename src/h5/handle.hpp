#pragma once
// One owner per hid_t: a move-only handle that closes its id exactly once and never throws
// from the destructor (the idea of HighFive's Object).
#include <hdf5.h>

#include <utility>

namespace rankpool::h5 {

class Handle {
public:
    using Closer = herr_t (*)(hid_t);

    Handle() = default;
    Handle(hid_t id, Closer close) : id_(id), close_(close) {}
    ~Handle() { reset(); }
    Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
    Handle& operator=(Handle&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = std::exchange(other.id_, H5I_INVALID_HID);
            close_ = other.close_;
        }
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    hid_t id() const noexcept { return id_; }
    bool valid() const noexcept { return id_ >= 0; }
    // Closes now; returns HDF5's status so callers that must know (a file's final flush) can check.
    herr_t reset() noexcept {
        herr_t status = 0;
        if (id_ >= 0 && close_ != nullptr) status = close_(id_);
        id_ = H5I_INVALID_HID;
        return status;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer close_ = nullptr;
};

}  // namespace rankpool::h5
