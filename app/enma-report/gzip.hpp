// gzip.hpp - RFC 1952 gzip of a whole buffer with zlib; the header carries no time and no
// name, so the same input gives the same bytes on every run.
#pragma once

#include <string>
#include <string_view>

namespace enma::report {

// gzip_compress - `data` compressed at level 9; throws std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view data);

}  // namespace enma::report
