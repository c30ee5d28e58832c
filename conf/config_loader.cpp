// config_loader.cpp - lines and overrides to settings, settings through the key table.
#include "conf/config_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "conf/config_error.hpp"
#include "conf/config_validate.hpp"
#include "conf/did_you_mean.hpp"
#include "conf/key_table.hpp"
#include "conf/value_parse.hpp"

namespace enma::conf {

namespace {

constexpr std::string_view blanks = " \t\r\f\v";

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

// describe - "line 3" inside the file, "-o:2" among the overrides.
std::string describe(const Location& where) {
    if (where.m_origin == "-o") {
        return fmt::format("-o:{}", where.m_line);
    }
    return fmt::format("line {}", where.m_line);
}

// Applier - applies the settings of one source (the file, or the overrides) in order.
class Applier {
public:
    Applier(const std::vector<KeySpec>& table, Config& config, Provenance& provenance)
        : m_table(table), m_config(config), m_provenance(provenance) {}

    void apply(std::string_view raw_key, std::string_view value, const Location& where);

private:
    [[noreturn]] void unknown_key(const std::string& key, const Location& where) const;

    const std::vector<KeySpec>& m_table;
    Config& m_config;
    Provenance& m_provenance;
    Provenance m_this_source;  // duplicates are judged per source
};

void Applier::apply(std::string_view raw_key, std::string_view value, const Location& where) {
    const std::string key = to_lower(raw_key);
    const KeySpec* spec = find_key(m_table, key);
    if (spec == nullptr) {
        unknown_key(key, where);
    }
    if (const auto first = m_this_source.find(key); first != m_this_source.end()) {
        throw ConfigError(where.m_origin, where.m_line, key,
                          fmt::format("duplicate key (first set at {})", describe(first->second)));
    }
    try {
        spec->m_assign(m_config, value);
    } catch (const ValueError& error) {
        std::string why = error.what();
        if (value.find(" #") != std::string_view::npos ||
            value.find("\t#") != std::string_view::npos) {
            why += "; note that '#' starts a comment only at the beginning of a line";
        }
        throw ConfigError(where.m_origin, where.m_line, key, why);
    }
    m_this_source[key] = where;
    m_provenance[key] = where;
}

void Applier::unknown_key(const std::string& key, const Location& where) const {
    if (key == "milter.conffile") {  // ENMA 1.2 accepted it as a synonym of -c
        throw ConfigError(where.m_origin, where.m_line, key,
                          "not a configuration key here; give the file with -c FILE");
    }
    std::vector<std::string_view> names;
    for (const auto& spec : m_table) {
        names.push_back(spec.m_name);
    }
    std::string why = "unknown key";
    if (const auto guess = nearest(key, names); !guess.empty()) {
        why += fmt::format("; did you mean '{}'?", guess);
    }
    throw ConfigError(where.m_origin, where.m_line, bounded(key), why);
}

// apply_file_text - every "key: value" line of `text`.
void apply_file_text(Applier& applier, std::string_view text, const std::string& origin) {
    if (text.starts_with("\xef\xbb\xbf")) {  // a UTF-8 byte order mark from some editors
        text.remove_prefix(3);
    }
    std::size_t number = 0;
    while (!text.empty()) {
        const auto end = std::min(text.find('\n'), text.size());
        const auto line = trim(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
        ++number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || trim(line.substr(0, colon)).empty()) {
            throw ConfigError(origin, number, "",
                              fmt::format("expected 'key: value', got '{}'", bounded(line)));
        }
        applier.apply(trim(line.substr(0, colon)), trim(line.substr(colon + 1)),
                      Location{origin, number});
    }
}

// apply_overrides - every "key=value" of the command line.
void apply_overrides(Applier& applier, std::span<const std::string> overrides) {
    for (std::size_t i = 0; i < overrides.size(); ++i) {
        const std::string_view text = overrides[i];
        const auto equals = text.find('=');
        if (equals == std::string_view::npos || trim(text.substr(0, equals)).empty()) {
            throw ConfigError("-o", i + 1, "",
                              fmt::format("expected key=value, got '{}'", bounded(text)));
        }
        applier.apply(trim(text.substr(0, equals)), trim(text.substr(equals + 1)),
                      Location{"-o", i + 1});
    }
}

}  // namespace

Config default_config() {
    Config config;
    for (const auto& spec : key_table()) {
        try {
            spec.m_assign(config, spec.m_default);
        } catch (const ValueError& error) {
            // A default the table's own parser rejects is a programming error.
            throw std::logic_error(fmt::format("default of {}: {}", spec.m_name, error.what()));
        }
    }
    return config;
}

Config parse_config_text(std::string_view text, std::string_view origin,
                         std::span<const std::string> overrides) {
    const auto table = key_table();
    Config config = default_config();
    Provenance provenance;
    Applier file(table, config, provenance);
    apply_file_text(file, text, std::string(origin));
    Applier command_line(table, config, provenance);
    apply_overrides(command_line, overrides);
    validate_config(config, provenance);
    return config;
}

Config load_config(const std::filesystem::path& path, std::span<const std::string> overrides) {
    if (path.empty()) {
        return parse_config_text("", "", overrides);
    }
    std::ifstream in(path, std::ios::binary);
    if (std::error_code ignored; std::filesystem::is_directory(path, ignored)) {
        throw ConfigError(path.string(), 0, "", "is a directory");
    }
    if (!in) {
        throw ConfigError(path.string(), 0, "",
                          fmt::format("cannot open: {}", std::strerror(errno)));
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        throw ConfigError(path.string(), 0, "", "read error");
    }
    return parse_config_text(content.str(), path.string(), overrides);
}

}  // namespace enma::conf
