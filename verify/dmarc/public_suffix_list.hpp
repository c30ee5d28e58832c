// public_suffix_list.hpp - RFC 7489's Organizational Domain from the Public Suffix List (libpsl).
//
// Loaded once from a file (Debian's publicsuffix package by default) when the configuration
// is built; immutable afterwards and shared by every message under that configuration, so a
// SIGHUP reload picks up a new list. libpsl's lookups on a loaded context are read-only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct psl_ctx_st;

namespace enma::dmarc {

class PublicSuffixList {
public:
    // load - the list in `path` (the .dat text form); throws std::runtime_error naming the
    // file when it cannot be read, as a configuration error does.
    static std::shared_ptr<const PublicSuffixList> load(const std::string& path);
    ~PublicSuffixList();
    PublicSuffixList(const PublicSuffixList&) = delete;
    PublicSuffixList& operator=(const PublicSuffixList&) = delete;

    // organizational_domain - the registrable domain (public suffix plus one label) of a
    // lower-case A-label domain; the domain itself when it is a public suffix or unknown.
    std::string organizational_domain(std::string_view domain) const;

private:
    explicit PublicSuffixList(psl_ctx_st* context) : m_context(context) {}
    psl_ctx_st* m_context;
};

}  // namespace enma::dmarc
