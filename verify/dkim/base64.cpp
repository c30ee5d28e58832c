// base64.cpp - strict base64 decoding with OpenSSL's EVP_DecodeBlock.
#include "verify/dkim/base64.hpp"

#include <openssl/evp.h>

#include <climits>

#include "verify/dkim/tag_list.hpp"

namespace enma::dkim {

std::optional<std::string> decode_base64(std::string_view text) {
    const std::string clean = strip_fws(text);
    if (clean.empty())
        return std::string();
    if (clean.size() % 4 != 0 || clean.size() > INT_MAX / 2)
        return std::nullopt;
    // EVP_DecodeBlock does not reject '=' in the middle, so check the padding here.
    const std::size_t first_pad = clean.find('=');
    if (first_pad != std::string::npos &&
        (first_pad < clean.size() - 2 ||
         clean.find_first_not_of('=', first_pad) != std::string::npos))
        return std::nullopt;
    std::string out(clean.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(clean.data()),
                                  static_cast<int>(clean.size()));
    if (n < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts padding as zero bytes; drop them.
    const std::size_t pad =
        clean.size() - (first_pad == std::string::npos ? clean.size() : first_pad);
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string encode_base64(std::string_view bytes) {
    std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace enma::dkim
