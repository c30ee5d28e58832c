// authres_fuzz.cpp - authserv-id parsing and value quoting on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "verify/authres/auth_results.hpp"
#include "verify/authres/authserv_id.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)enma::verify::parse_authserv_id(input);
    // Whatever goes in, a quoted value never carries a line break or an unquoted ';'.
    const auto quoted = enma::verify::quote_pvalue(input);
    if (quoted.find_first_of("\r\n") != std::string::npos)
        std::abort();
    if (quoted.find(';') != std::string::npos && quoted.front() != '"')
        std::abort();
    const auto id = enma::verify::parse_authserv_id(quoted + "; none");
    // An unquoted token (not an address) must read back as itself.
    const bool token = quoted.front() != '"' && quoted.find('@') == std::string::npos;
    if (token && (!id || *id != quoted))
        std::abort();
    return 0;
}
