// dmarc_fuzz.cpp - DMARC record parsing and the whole evaluation on arbitrary bytes.
//
// The input's lines are the TXT records published along the tree walk of a five-label author
// domain (one line per level, "|" separating several records of one name), so the fuzzer
// drives record syntax, psd= walks, Organizational Domains and policy choice at once.
// Invariants checked: nothing crashes; a record is ok exactly when it has no error and applies
// only when ok; with every answer present the evaluation finishes, and a fail names a policy
// tag while a pass has an aligned identifier.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "verify/dmarc/dmarc_check.hpp"
#include "verify/dmarc/tree_walk.hpp"

namespace {

using namespace enma;

void check_record(std::string_view text) {
    const auto record = dmarc::parse_dmarc_record(text);
    if (record.m_ok != record.m_error.empty() || (record.m_applies && !record.m_ok))
        std::abort();
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t at; (at = text.find(separator)) != std::string_view::npos;) {
        parts.push_back(text.substr(0, at));
        text.remove_prefix(at + 1);
    }
    parts.push_back(text);
    return parts;
}

resolver::Answer answer_of(std::string_view line) {
    if (line.empty())
        return resolver::Answer::failure(resolver::DnsStatus::nxdomain);
    if (line == "!")
        return resolver::Answer::failure(resolver::DnsStatus::servfail);
    resolver::Answer answer;
    answer.m_status = resolver::DnsStatus::noerror;
    for (auto record : split(line, '|'))
        answer.m_records.emplace_back(std::string(record));
    return answer;
}

void check_evaluation(std::string_view input) {
    const std::string author = "a.b.mail.example.com";
    const auto lines = split(input, '\n');
    dmarc::DnsSnapshot dns;
    const auto targets = dmarc::walk_targets(author);
    for (std::size_t i = 0; i < targets.size(); ++i)
        dns.add(dmarc::dmarc_question(targets[i]), answer_of(i < lines.size() ? lines[i] : ""));
    for (const auto& domain : {"bounce.example.com", "example.com"})
        for (const auto& target : dmarc::walk_targets(domain))
            dns.add(dmarc::dmarc_question(target), answer_of(""));
    for (auto type : {resolver::RrType::a, resolver::RrType::aaaa, resolver::RrType::mx})
        dns.add({author, type}, answer_of(""));
    dmarc::DmarcInput in;
    in.m_author_domain = author;
    in.m_spf_checked = true;
    in.m_spf_result = input.size() % 2 ? spf::SpfResult::pass : spf::SpfResult::fail;
    in.m_spf_domain = "bounce.example.com";
    const auto evaluation = dmarc::evaluate_dmarc(in, dns);
    if (!evaluation.m_output)
        std::abort();
    const auto& out = *evaluation.m_output;
    if (out.m_result == dmarc::DmarcResult::fail && out.m_policy_tag.empty())
        std::abort();
    if (out.m_result == dmarc::DmarcResult::pass && !out.m_spf_aligned && !out.m_dkim_aligned)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_record(input);
    check_record("v=DMARC1;" + std::string(input));
    check_evaluation(input);
    return 0;
}
