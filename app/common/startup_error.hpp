// startup_error.hpp - what a start-up step throws: a bad environment is fatal at start-up,
// never later, and the message names what failed and why.
#pragma once

#include <stdexcept>

namespace enma::app {

struct StartupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace enma::app
