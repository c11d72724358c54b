// artemis: the executable. Everything else is in the artemis_cli library (dispatch.cpp).
#include "command_line.hpp"

int main(int argc, char** argv) { return artemis::cli::run_command_line(argc, argv); }
