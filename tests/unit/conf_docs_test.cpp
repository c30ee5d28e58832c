// conf_docs_test.cpp - generated text stays in step with docs/configuration.md and the sample.
//
// ctest sets ENMA_SOURCE_DIR. With ENMA_UPDATE_DOCS set, the test rewrites the generated part
// of docs/configuration.md instead of failing (see the Keys section there).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "conf/config_loader.hpp"
#include "conf/config_render.hpp"
#include "conf/key_table.hpp"

using namespace enma::conf;

namespace {

std::filesystem::path source_dir() {
    const char* dir = std::getenv("ENMA_SOURCE_DIR");
    REQUIRE_MESSAGE(dir != nullptr, "ENMA_SOURCE_DIR is not set (ctest sets it)");
    return dir;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, "cannot open " << path.string());
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

constexpr std::string_view begin_marker = "<!-- BEGIN GENERATED KEY TABLE -->\n";
constexpr std::string_view end_marker = "<!-- END GENERATED KEY TABLE -->\n";

// update_doc - replaces the text between the markers with `table`.
void update_doc(const std::filesystem::path& path, const std::string& doc,
                const std::string& table) {
    const auto begin = doc.find(begin_marker);
    const auto end = doc.find(end_marker);
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    REQUIRE(begin < end);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << doc.substr(0, begin + begin_marker.size()) << table << doc.substr(end);
    MESSAGE("rewrote the key table of " << path.string());
}

}  // namespace

TEST_CASE("docs/configuration.md holds the generated key table verbatim") {
    const auto path = source_dir() / "docs" / "configuration.md";
    const std::string doc = read_text(path);
    const std::string table = render_config_doc();
    const std::string framed = std::string(begin_marker) + table + std::string(end_marker);
    if (std::getenv("ENMA_UPDATE_DOCS") != nullptr && doc.find(framed) == std::string::npos) {
        update_doc(path, doc, table);
        return;
    }
    INFO("regenerate: ENMA_SOURCE_DIR=$PWD ENMA_UPDATE_DOCS=1 build/tests/conf_docs_test");
    CHECK(doc.find(framed) != std::string::npos);
}

TEST_CASE("docs/man/enma.conf.5 holds the generated key list verbatim") {
    constexpr std::string_view begin = ".\\\" BEGIN GENERATED KEYS\n";
    constexpr std::string_view end = ".\\\" END GENERATED KEYS\n";
    const auto path = source_dir() / "docs" / "man" / "enma.conf.5";
    const std::string page = read_text(path);
    const std::string keys = render_man_keys();
    const std::string framed = std::string(begin) + keys + std::string(end);
    const auto from = page.find(begin);
    const auto to = page.find(end);
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    if (std::getenv("ENMA_UPDATE_DOCS") != nullptr && page.find(framed) == std::string::npos) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << page.substr(0, from) << framed << page.substr(to + end.size());
        MESSAGE("rewrote the key list of " << path.string());
        return;
    }
    INFO("regenerate: ENMA_SOURCE_DIR=$PWD ENMA_UPDATE_DOCS=1 build/tests/conf_docs_test");
    CHECK(page.find(framed) != std::string::npos);
    CHECK(keys.find(".TP\n.B milter.socket\nmilter socket; default "
                    "\\fBinet:10025@127.0.0.1\\fR.\n") != std::string::npos);
}

TEST_CASE("the key table: every key once, lower case, dotted, documented") {
    const auto table = key_table();
    CHECK(table.size() == 78);
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& spec = table[i];
        CAPTURE(spec.m_name);
        CHECK(spec.m_name.find('.') != std::string_view::npos);
        CHECK(std::string(spec.m_name).find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ :=#") ==
              std::string::npos);
        CHECK_FALSE(spec.m_meaning.empty());
        CHECK(find_key(table, spec.m_name) == &table[i]);
    }
}

TEST_CASE("enma -h lists every key with its default") {
    const std::string help = render_key_help();
    CHECK(help.find("milter.socket: inet:10025@127.0.0.1\n    [milter socket] Socket the MTA") !=
          std::string::npos);
    CHECK(help.find("resolver.edns_buffer_size: 1232\n    [integer 512..4096] ") !=
          std::string::npos);
    CHECK(help.find("milter.user:\n    [word] ") != std::string::npos);
    for (const auto& spec : key_table()) {
        const std::string line_start = "\n" + std::string(spec.m_name) + ":";
        CHECK(("\n" + help).find(line_start) != std::string::npos);
    }
}

TEST_CASE("conf/enma.conf.sample parses and mentions every key") {
    const auto path = source_dir() / "conf" / "enma.conf.sample";
    const Config config = load_config(path);
    CHECK(config.m_milter.m_socket == "inet:10025@127.0.0.1");
    const std::string sample = read_text(path);
    for (const auto& spec : key_table()) {
        CAPTURE(spec.m_name);
        CHECK(sample.find(std::string(spec.m_name) + ":") != std::string::npos);
    }
}
