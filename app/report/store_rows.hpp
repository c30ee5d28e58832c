// store_rows.hpp - MessageRow, DkimRow and SentRow as SQL values and back, shared by both
// stores so that they store and read every column the same way (store_sql.hpp's order).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "app/report/message_row.hpp"

namespace enma::report {

// SqlValue - a parameter: text or a 64-bit integer (booleans are 0/1).
using SqlValue = std::variant<std::string_view, std::int64_t>;

std::array<SqlValue, 28> message_values(const MessageRow& row);
std::array<SqlValue, 7> dkim_values(const MessageRow& row, std::size_t position);
std::array<SqlValue, 7> sent_values(const SentRow& row);

// ResultCursor - one result row at a time; columns from 0. Both stores implement it.
class ResultCursor {
public:
    virtual ~ResultCursor() = default;
    virtual bool next() = 0;  // false at the end
    virtual bool is_null(int column) const = 0;
    virtual std::string text(int column) const = 0;
    virtual std::int64_t integer(int column) const = 0;
};

// visit_messages - the rows of sql::kMessages (a message's columns repeated for each of its
// DKIM rows) gathered into MessageRows, each visited once, in order.
void visit_messages(ResultCursor& cursor, const std::function<void(const MessageRow&)>& visit);

}  // namespace enma::report
