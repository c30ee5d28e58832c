// spf_suite.hpp - the openspf YAML test suites (rfc7208-tests.yml, rfc4408-tests.yml) as data.
//
// A suite is a list of scenarios; each has zone data and test cases. Zone data follows the
// conventions of pyspf's testspf.py, which the suite was written against:
//  - a name's SPF-type records are also served as TXT unless the name lists TXT itself
//    ("TXT: NONE" lists none);
//  - "TIMEOUT" makes every type time out that has no record listed before it (the generated
//    TXT records come last, so they time out too).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coro/scheduler.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/spf/spf_check_host.hpp"

namespace enma::test {

struct SuiteRecord {
    resolver::RrType m_type;
    resolver::RecordData m_data;
};

struct SuiteName {
    std::vector<SuiteRecord> m_records;
    bool m_has_timeout = false;
    std::set<resolver::RrType> m_answered;  // types listed before TIMEOUT
};

struct SuiteCase {
    std::string m_id;
    std::string m_host;
    std::string m_mail_from;
    std::string m_helo;
    std::string m_receiver;
    std::vector<std::string> m_results;        // any of these is acceptable
    std::optional<std::string> m_explanation;  // "DEFAULT" means: none from exp=
};

struct SuiteScenario {
    std::string m_description;
    std::map<std::string, SuiteName> m_zone;  // lower-case names
    std::vector<SuiteCase> m_cases;
};

// load_suite - read a .yml or .yml.gz file; throws std::runtime_error naming the problem.
std::vector<SuiteScenario> load_suite(const std::string& path);

// SuiteResolver - a ZoneResolver filled from a scenario, plus the per-type TIMEOUT rule.
class SuiteResolver : public resolver::Resolver {
public:
    SuiteResolver(coro::Scheduler& scheduler, const SuiteScenario& scenario);
    resolver::ZoneResolver& zone() noexcept { return m_zone; }

protected:
    coro::Task<resolver::Answer> do_query(std::string name, resolver::RrType type,
                                          coro::CancelToken token) override;

private:
    resolver::ZoneResolver m_zone;
    std::map<std::string, std::set<resolver::RrType>> m_partial_timeouts;  // answered types
};

struct CaseOutcome {
    spf::SpfOutput m_output;
    std::size_t m_round_trips = 0;  // elapsed virtual time / the per-lookup delay
    std::size_t m_queries = 0;
};

// run_case - check_host() for one case on `scheduler` (virtual time, started), every lookup
// delayed by `delay`.
CaseOutcome run_case(coro::Scheduler& scheduler, const SuiteScenario& scenario,
                     const SuiteCase& test, bool prefetch, coro::Scheduler::Duration delay);

// accepts - whether `outcome` is one of the case's results, with its explanation.
bool accepts(const SuiteCase& test, const spf::SpfOutput& output, std::string* why);

}  // namespace enma::test
