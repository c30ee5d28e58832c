// app_enma_options_test.cpp - the daemon's command line (getopt_long).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/enma/enma_options.hpp"

using enma::app::parse_enma_options;

namespace {
std::optional<enma::app::EnmaOptions> parse(std::vector<const char*> args, std::string& error) {
    // getopt_long permutes argv: give it copies it may reorder.
    static std::vector<std::string> storage;
    storage.assign(args.begin(), args.end());
    storage.insert(storage.begin(), "enma");
    std::vector<char*> argv;
    for (auto& arg : storage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    return parse_enma_options(static_cast<int>(storage.size()), argv.data(), error);
}
}  // namespace

TEST_CASE("flags and repeated overrides keep their order") {
    std::string error;
    const auto options = parse({"-f", "-c", "/etc/enma.conf", "-o", "a.b=1", "-o", "c.d=2"}, error);
    REQUIRE(options);
    CHECK(options->m_foreground);
    CHECK_FALSE(options->m_verbose);
    CHECK(options->m_config_file == "/etc/enma.conf");
    CHECK(options->m_overrides == std::vector<std::string>{"a.b=1", "c.d=2"});
}

TEST_CASE("flags combine and values attach, as getopt allows") {
    std::string error;
    const auto options = parse({"-fv", "-c/etc/x.conf", "-oa.b=1"}, error);
    REQUIRE(options);
    CHECK(options->m_foreground);
    CHECK(options->m_verbose);
    CHECK(options->m_config_file == "/etc/x.conf");
    CHECK(options->m_overrides == std::vector<std::string>{"a.b=1"});
    const auto combined = parse({"-fvc", "/etc/y.conf"}, error);
    REQUIRE(combined);
    CHECK(combined->m_config_file == "/etc/y.conf");
}

TEST_CASE("long forms and -V") {
    std::string error;
    const auto options =
        parse({"--foreground", "--config=/etc/z.conf", "--set", "log.level=debug", "-V"}, error);
    REQUIRE(options);
    CHECK(options->m_foreground);
    CHECK(options->m_version);
    CHECK(options->m_config_file == "/etc/z.conf");
    CHECK(options->m_overrides == std::vector<std::string>{"log.level=debug"});
    const auto test = parse({"-tc/etc/enma/enma.conf"}, error);
    REQUIRE(test);
    CHECK(test->m_test);
    CHECK(test->m_config_file == "/etc/enma/enma.conf");
    CHECK(parse({"--test"}, error)->m_test);
    const auto version = parse({"--version"}, error);
    REQUIRE(version);
    CHECK(version->m_version);
}

TEST_CASE("usage mistakes are named as sidfquery and enma-check name them") {
    std::string error;
    CHECK_FALSE(parse({"-c"}, error));
    CHECK(error == "-c needs a FILE");
    CHECK_FALSE(parse({"--config"}, error));
    CHECK(error == "--config needs a FILE");
    CHECK_FALSE(parse({"-o", "novalue"}, error));
    CHECK(error == "-o expects KEY=VALUE, got \"novalue\"");
    CHECK_FALSE(parse({"-o"}, error));
    CHECK(error == "-o needs a KEY=VALUE");
    CHECK_FALSE(parse({"--help=1"}, error));
    CHECK(error == "unknown option --help");
    CHECK_FALSE(parse({"--bogus"}, error));
    CHECK(error == "unknown option --bogus");
    CHECK_FALSE(parse({"-fx"}, error));
    CHECK(error == "unknown option -x");
    CHECK_FALSE(parse({"stray"}, error));
    CHECK(error == "unexpected argument \"stray\"");
}

TEST_CASE("the usage names every flag") {
    const auto text = enma::app::enma_usage();
    for (const char* flag : {"-c, --config FILE", "-o, --set KEY=VALUE", "-f, --foreground",
                             "-v, --verbose", "-t, --test", "-V, --version", "-h, --help"})
        CHECK_MESSAGE(text.find(flag) != std::string::npos, flag);
}
