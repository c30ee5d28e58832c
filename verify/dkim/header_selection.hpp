// header_selection.hpp - which header fields an h= list signs, and their canonical bytes
// (RFC 6376 5.4.2), shared by the DKIM verifier and the ARC sealer so that both sides of a
// signature pick and canonicalise the same fields.
//
// Invariant: a name is matched case-insensitively; each occurrence in h= takes the lowest
// not yet taken field of that name (bottom-up); a name listed more often than it occurs adds
// nothing (the "null string" of 5.4).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "verify/message/canonicalization.hpp"
#include "verify/message/header_field.hpp"

namespace enma::dkim {

// HeaderIndex - lower-case field name -> positions in the header, top to bottom.
using HeaderIndex = std::map<std::string, std::vector<std::size_t>>;

HeaderIndex index_headers(const std::vector<message::HeaderField>& headers);

// signed_header_data - the canonical fields `names` selects, concatenated, each with CRLF.
// `index` is taken by value: selection consumes it.
std::string signed_header_data(message::Canonicalization canon,
                               const std::vector<message::HeaderField>& headers, HeaderIndex index,
                               const std::vector<std::string>& names);

}  // namespace enma::dkim
