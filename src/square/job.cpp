#include "square/job.hpp"

#include <algorithm>

namespace rankpool {

namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace

void LocalTimes::add(const std::string& name, double seconds) {
    for (auto& [n, samples] : phases)
        if (n == name) return samples.push_back(seconds);
    phases.push_back({name, {seconds}});
}

void reduce_times(Job& job) {
    std::vector<double> flat;
    for (const auto& [name, samples] : job.times.phases) flat.insert(flat.end(), samples.begin(), samples.end());
    const std::vector<PhaseStats> stats = mpi::reduce_over_ranks(job.comm, flat);
    std::size_t next = 0;
    for (const auto& [name, samples] : job.times.phases) {
        std::vector<double> lo, mean, hi;
        for (std::size_t k = 0; k < samples.size(); ++k, ++next) {
            lo.push_back(stats[next].min);
            mean.push_back(stats[next].mean);
            hi.push_back(stats[next].max);
        }
        job.result.phases.emplace_back(name, PhaseStats{.min = median(lo), .mean = median(mean), .max = median(hi)});
    }
}

}  // namespace rankpool
