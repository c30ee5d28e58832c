// dns_snapshot.hpp - the DNS answers a DMARC evaluation reads, gathered before it runs.
//
// Why: DMARC needs the policy walk of the author domain and the Organizational Domains of
// the SPF and DKIM identifiers, and only knows which of them matter once SPF and DKIM have
// finished. The pipeline fetches every name it can foresee at end of headers, all at once
// (one round trip), and the evaluation then runs without waiting; a name it did not foresee
// is reported as missing, fetched, and the evaluation runs again (evaluate_dmarc).
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "resolver/answer.hpp"

namespace enma::dmarc {

using Question = std::pair<std::string, resolver::RrType>;  // name (lower case), type

class DnsSnapshot {
public:
    void add(Question question, resolver::Answer answer) {
        m_answers.insert_or_assign(std::move(question), std::move(answer));
    }
    // find - the answer, or nullptr (and the question is remembered as missing).
    const resolver::Answer* find(const Question& question) const {
        const auto it = m_answers.find(question);
        if (it != m_answers.end())
            return &it->second;
        m_missing.insert(question);
        return nullptr;
    }
    // take_missing - the questions find() could not answer since the last call.
    std::set<Question> take_missing() const { return std::exchange(m_missing, {}); }

private:
    std::map<Question, resolver::Answer> m_answers;
    mutable std::set<Question> m_missing;
};

}  // namespace enma::dmarc
