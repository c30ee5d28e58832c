// answer.cpp - Answer accessors and the names of its enums.
#include "resolver/answer.hpp"

namespace enma::resolver {

Security combine(Security a, Security b) noexcept {
    for (Security worst : {Security::bogus, Security::unchecked, Security::insecure})
        if (a == worst || b == worst)
            return worst;
    return Security::secure;
}

bool Answer::is_temporary() const noexcept {
    switch (m_status) {
        case DnsStatus::noerror:
        case DnsStatus::nodata:
        case DnsStatus::nxdomain:
            return false;
        default:
            return true;
    }
}

std::vector<IpAddress> Answer::addresses() const {
    std::vector<IpAddress> out;
    for (const auto& record : m_records)
        if (const auto* address = std::get_if<IpAddress>(&record))
            out.push_back(*address);
    return out;
}

std::vector<MxRecord> Answer::mx() const {
    std::vector<MxRecord> out;
    for (const auto& record : m_records)
        if (const auto* mx = std::get_if<MxRecord>(&record))
            out.push_back(*mx);
    return out;
}

std::vector<std::string> Answer::texts() const {
    std::vector<std::string> out;
    for (const auto& record : m_records)
        if (const auto* text = std::get_if<std::string>(&record))
            out.push_back(*text);
    return out;
}

std::string_view to_string(RrType type) noexcept {
    switch (type) {
        case RrType::a:
            return "A";
        case RrType::ns:
            return "NS";
        case RrType::cname:
            return "CNAME";
        case RrType::ptr:
            return "PTR";
        case RrType::mx:
            return "MX";
        case RrType::txt:
            return "TXT";
        case RrType::aaaa:
            return "AAAA";
        case RrType::spf:
            return "SPF";
    }
    return "TYPE?";
}

std::string_view to_string(DnsStatus status) noexcept {
    switch (status) {
        case DnsStatus::noerror:
            return "noerror";
        case DnsStatus::nodata:
            return "nodata";
        case DnsStatus::nxdomain:
            return "nxdomain";
        case DnsStatus::servfail:
            return "servfail";
        case DnsStatus::refused:
            return "refused";
        case DnsStatus::error:
            return "error";
        case DnsStatus::timeout:
            return "timeout";
        case DnsStatus::cancelled:
            return "cancelled";
        case DnsStatus::budget:
            return "budget";
    }
    return "?";
}

std::string_view to_string(Security security) noexcept {
    switch (security) {
        case Security::unchecked:
            return "unchecked";
        case Security::insecure:
            return "insecure";
        case Security::secure:
            return "secure";
        case Security::bogus:
            return "bogus";
    }
    return "?";
}

}  // namespace enma::resolver
