#pragma once
// One phase's seconds over ranks, the way scaling studies report them.

namespace rankpool {

struct PhaseStats {
    double min = 0, mean = 0, max = 0;
};

}  // namespace rankpool
