// Unit tests: pure functions, no MPI calls.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
