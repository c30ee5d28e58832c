// header_selection.cpp - bottom-up selection of signed header fields (RFC 6376 5.4.2).
#include "verify/dkim/header_selection.hpp"

namespace enma::dkim {

HeaderIndex index_headers(const std::vector<message::HeaderField>& headers) {
    HeaderIndex index;
    for (std::size_t i = 0; i < headers.size(); ++i)
        index[message::to_lower_ascii(message::trim_wsp(headers[i].m_name))].push_back(i);
    return index;
}

std::string signed_header_data(message::Canonicalization canon,
                               const std::vector<message::HeaderField>& headers, HeaderIndex index,
                               const std::vector<std::string>& names) {
    std::string data;
    for (const auto& name : names) {
        auto found = index.find(message::to_lower_ascii(name));
        if (found == index.end() || found->second.empty())
            continue;
        data += message::canonicalize_header(canon, headers[found->second.back()]);
        found->second.pop_back();
    }
    return data;
}

}  // namespace enma::dkim
