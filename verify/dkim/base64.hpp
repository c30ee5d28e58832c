// base64.hpp - base64 as DKIM writes it (b=, bh=, p=): FWS anywhere is ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace enma::dkim {

// decode_base64 - decoded bytes, or nullopt for bad characters, bad padding or a length that
// is not a multiple of four after FWS is removed. The empty string decodes to "".
std::optional<std::string> decode_base64(std::string_view text);

// encode_base64 - `bytes` as one line of padded base64 (b=, bh= of a signature we write).
std::string encode_base64(std::string_view bytes);

}  // namespace enma::dkim
