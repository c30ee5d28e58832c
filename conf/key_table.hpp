// key_table.hpp - every enma.conf key once: name, type, default, meaning, how to set it.
//
// The single source of truth: the loader parses with it, default_config() applies its
// defaults through the same parsers (so a documented default is the real one), and
// `enma -h`, docs/configuration.md and render_effective() are generated from it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.hpp"

namespace enma::conf {

struct KeySpec {
    std::string_view m_name;     // lower case, dotted
    std::string m_type;          // for people: "bool", "integer 512..4096", ...
    std::string_view m_default;  // text, exactly as a user would write it
    std::string_view m_meaning;  // one sentence
    // m_assign - parse the trimmed value into the Config; throws ValueError.
    std::function<void(Config&, std::string_view)> m_assign;
    // m_render - the current value as text that m_assign accepts back.
    std::function<std::string(const Config&)> m_render;
};

// key_table - all keys, grouped by section in the order of the sample file.
std::vector<KeySpec> key_table();

// find_key - the entry named `name` (already lower case), or nullptr.
const KeySpec* find_key(const std::vector<KeySpec>& table, std::string_view name);

}  // namespace enma::conf
