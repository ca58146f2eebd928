// Catch2's own implementation, compiled once for both test programs (unit/main.cpp and
// mpi/main.cpp, which differ only in what they do around the session).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "catch_session.hpp"

int run_catch_session(int argc, char** argv) { return Catch::Session().run(argc, argv); }
