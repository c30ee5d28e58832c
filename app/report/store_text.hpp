// store_text.hpp - a text column as both stores keep it: valid UTF-8 (PostgreSQL refuses a
// batch holding anything else, and one hostile signature must not stop the recording), no
// NUL (libpq's text parameters end at one), at most kMaxStoreText bytes (a d= or rua= from
// outside may be long). Bytes that do not form UTF-8, and NULs, become '?'.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace enma::report {

inline constexpr std::size_t kMaxStoreText = 1024;

std::string store_text(std::string_view text);

}  // namespace enma::report
