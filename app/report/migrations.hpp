// migrations.hpp - the schema's migrations (migrations/*.sql), compiled into the binary in
// file-name order (embed_migrations.cmake), so an installed enma needs no source tree.
// A migration's version is the number its name starts with (001_initial.sql is 1).
#pragma once

#include <span>
#include <string_view>

namespace enma::report {

struct Migration {
    std::string_view m_name;  // the file name
    std::string_view m_sql;   // its text, statements separated by ';'
};

// migrations - every migration, in file-name order.
std::span<const Migration> migrations() noexcept;

}  // namespace enma::report
