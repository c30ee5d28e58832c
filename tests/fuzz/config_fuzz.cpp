// config_fuzz.cpp - libFuzzer harness for the enma.conf parser and the -o overrides.
//
// Input: file text, then optionally a NUL byte followed by newline-separated overrides.
// Properties checked: parsing ends in a Config or a ConfigError (any other exception or a
// crash is a bug), and a parsed Config survives render_effective() -> parse unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"
#include "conf/config_render.hpp"

namespace {

// split_overrides - the lines after the first NUL, one override each.
std::vector<std::string> split_overrides(std::string_view text) {
    std::vector<std::string> overrides;
    while (!text.empty()) {
        const auto end = std::min(text.find('\n'), text.size());
        overrides.emplace_back(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return overrides;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto nul = input.find('\0');
    const auto file_text = input.substr(0, nul);
    const auto overrides = nul == std::string_view::npos ? std::vector<std::string>{}
                                                         : split_overrides(input.substr(nul + 1));
    std::string rendered;
    try {
        rendered = enma::conf::render_effective(
            enma::conf::parse_config_text(file_text, "fuzz", overrides));
    } catch (const enma::conf::ConfigError&) {
        return 0;
    }
    // What enma -v prints must read back as the same configuration.
    const auto again =
        enma::conf::render_effective(enma::conf::parse_config_text(rendered, "again"));
    if (again != rendered) {
        __builtin_trap();
    }
    return 0;
}
