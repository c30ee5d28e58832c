// trusted_sealer.cpp - reading a trusted sealer's AAR for the DMARC override.
#include "verify/arc/trusted_sealer.hpp"

#include "verify/authres/resinfo_parse.hpp"
#include "verify/dkim/dkim_signature.hpp"
#include "verify/message/header_field.hpp"

namespace enma::arc {

namespace {

std::string domain_of(std::string_view value) {
    const auto at = value.rfind('@');
    std::string domain =
        message::to_lower_ascii(at == std::string_view::npos ? value : value.substr(at + 1));
    while (!domain.empty() && domain.back() == '.')
        domain.pop_back();
    return domain;
}

bool aligned(std::string_view claimed, std::string_view author) {
    return !claimed.empty() &&
           (dkim::is_within_domain(claimed, author) || dkim::is_within_domain(author, claimed));
}

// vouches - does this resinfo say the message passed `method` for the author domain?
bool vouches(const verify::ParsedResinfo& info, std::string_view method, std::string_view author) {
    if (info.m_result != "pass" || info.m_method != method)
        return false;
    if (method == "dmarc")
        return domain_of(info.property("header", "from")) == author;
    if (method == "dkim")
        return aligned(domain_of(info.property("header", "d")), author);
    return aligned(domain_of(info.property("smtp", "mailfrom")), author);
}

// passed_method - the strongest claim the AAR makes for the author domain (dmarc, then dkim,
// then spf), or empty.
std::string passed_method(const verify::ParsedAuthResults& aar, std::string_view author) {
    for (std::string_view method : {"dmarc", "dkim", "spf"})
        for (const auto& info : aar.m_resinfos)
            if (vouches(info, method, author))
                return std::string(method);
    return {};
}

}  // namespace

bool is_trusted_sealer(std::string_view domain, const std::vector<std::string>& trusted) {
    for (const auto& entry : trusted)
        if (dkim::is_within_domain(domain, entry))
            return true;
    return false;
}

std::optional<SealerEndorsement> find_endorsement(const ArcChain& chain, const ArcOutput& output,
                                                  std::string_view author_domain,
                                                  const std::vector<std::string>& trusted) {
    if (output.m_result != ArcResult::pass || author_domain.empty())
        return std::nullopt;
    const std::string author = message::to_lower_ascii(author_domain);
    for (auto set = chain.m_sets.rbegin(); set != chain.m_sets.rend(); ++set) {
        if (!is_trusted_sealer(set->m_seal.m_domain, trusted))
            continue;
        const std::string method =
            passed_method(verify::parse_resinfos(set->m_aar.m_payload), author);
        if (!method.empty())
            return SealerEndorsement{set->m_instance, set->m_seal.m_domain, method};
    }
    return std::nullopt;
}

}  // namespace enma::arc
