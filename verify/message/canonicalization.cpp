// canonicalization.cpp - header canonicalisation, simple and relaxed (RFC 6376 3.4.1, 3.4.2).
#include "verify/message/canonicalization.hpp"

namespace enma::message {

namespace {

bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

// with_crlf - `text` with every bare LF turned into CRLF.
void append_with_crlf(std::string& out, std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            out.push_back('\r');
        out.push_back(text[i]);
    }
}

// relaxed_value - unfolded, WSP runs compressed to one SP, no leading or trailing WSP.
std::string relaxed_value(std::string_view raw_value) {
    std::string out;
    out.reserve(raw_value.size());
    bool pending_space = false;
    for (char c : raw_value) {
        if (c == '\r' || c == '\n')
            continue;  // unfolding: line breaks vanish
        if (is_wsp(c)) {
            pending_space = true;
            continue;
        }
        if (pending_space && !out.empty())
            out.push_back(' ');
        pending_space = false;
        out.push_back(c);
    }
    return out;
}

}  // namespace

std::string_view to_string(Canonicalization canon) noexcept {
    return canon == Canonicalization::simple ? "simple" : "relaxed";
}

std::string canonicalize_header(Canonicalization canon, std::string_view name,
                                std::string_view raw_value) {
    std::string out;
    if (canon == Canonicalization::simple) {
        out.reserve(name.size() + raw_value.size() + 3);
        append_with_crlf(out, name);
        out.push_back(':');
        append_with_crlf(out, raw_value);
    } else {
        std::string_view bare = name;
        while (!bare.empty() && is_wsp(bare.back()))
            bare.remove_suffix(1);
        out = to_lower_ascii(bare);
        out.push_back(':');
        out += relaxed_value(raw_value);
    }
    out += "\r\n";
    return out;
}

}  // namespace enma::message
