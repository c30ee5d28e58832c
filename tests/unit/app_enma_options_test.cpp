// app_enma_options_test.cpp - the daemon's command line.
#include <doctest/doctest.h>

#include <vector>

#include "app/enma_options.hpp"

using enma::app::parse_enma_options;

namespace {
std::optional<enma::app::EnmaOptions> parse(std::vector<const char*> args, std::string& error) {
    args.insert(args.begin(), "enma");
    return parse_enma_options(static_cast<int>(args.size()), const_cast<char**>(args.data()),
                              error);
}
}  // namespace

TEST_CASE("flags and repeated overrides keep their order") {
    std::string error;
    const auto options = parse({"-f", "-c", "/etc/enma.conf", "-o", "a.b=1", "-o", "c.d=2"}, error);
    REQUIRE(options);
    CHECK(options->m_foreground);
    CHECK(options->m_config_file == "/etc/enma.conf");
    CHECK(options->m_overrides == std::vector<std::string>{"a.b=1", "c.d=2"});
}

TEST_CASE("usage mistakes are named") {
    std::string error;
    CHECK_FALSE(parse({"-c"}, error));
    CHECK(error == "option -c needs an argument");
    CHECK_FALSE(parse({"-o", "novalue"}, error));
    CHECK(error == "-o expects key=value, got 'novalue'");
    CHECK_FALSE(parse({"--bogus"}, error));
    CHECK(error == "unknown argument '--bogus'");
}
