// config_render.hpp - text generated from the key table: help, documentation, dumps.
#pragma once

#include <string>

#include "conf/config.hpp"

namespace enma::conf {

// render_key_help - every key as a "key: default" line (a valid enma.conf line) followed by
// its type and meaning; `enma -h` prints it.
std::string render_key_help();

// render_config_doc - the Markdown key table; docs/configuration.md holds it verbatim and a
// unit test keeps the two identical.
std::string render_config_doc();

// render_man_keys - every key as a roff .TP paragraph (name, type, default, meaning); the
// KEYS section of docs/man/enma.conf.5 holds it verbatim (conf_docs_test checks).
std::string render_man_keys();

// render_effective - "key: value" for every key, in table order; parse_config_text() of the
// result gives the same Config back (enma -v prints it at start-up).
std::string render_effective(const Config& config);

}  // namespace enma::conf
