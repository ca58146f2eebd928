#include <catch2/catch.hpp>

#include "square/options.hpp"

using namespace rankpool;

TEST_CASE("an input spec splits at the last colon-slash", "[input_spec]") {
    auto spec = parse_input_spec("data.h5");
    CHECK(spec.file == "data.h5");
    CHECK(spec.dataset == "/numbers");
    spec = parse_input_spec("runs/data.h5:/run7/values");
    CHECK(spec.file == "runs/data.h5");
    CHECK(spec.dataset == "/run7/values");
    spec = parse_input_spec("odd:name.h5:/x");
    CHECK(spec.file == "odd:name.h5");
    CHECK(spec.dataset == "/x");
}
