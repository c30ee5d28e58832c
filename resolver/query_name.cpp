// query_name.cpp - is_valid_query_name.
#include "resolver/resolver.hpp"

namespace enma::resolver {

bool is_valid_query_name(std::string_view name) noexcept {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (++label > 63) {
            return false;
        }
    }
    return label > 0;
}

}  // namespace enma::resolver
