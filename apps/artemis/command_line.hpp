#pragma once
// The whole command line, which main() only calls: parses argv with CLI11, runs the command it
// names and returns its exit code. Declared apart from command.hpp so that main.cpp does not
// compile CLI11.
namespace artemis::cli {

int run_command_line(int argc, char** argv);

}  // namespace artemis::cli
