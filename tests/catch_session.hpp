#pragma once
// Runs the Catch2 session of this program's tests (catch_session.cpp holds Catch2's implementation).
int run_catch_session(int argc, char** argv);
