// spf_suite.cpp - loading the openspf YAML suites and running one case on ZoneResolver.
#include "tests/vectors/spf_suite.hpp"

#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <algorithm>
#include <stdexcept>

#include "coro/sync_wait.hpp"

namespace enma::test {

using resolver::IpAddress;
using resolver::MxRecord;
using resolver::RrType;

namespace {

std::string lower(std::string text) {
    for (auto& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string key_of(std::string name) {
    if (!name.empty() && name.back() == '.')
        name.pop_back();
    return lower(std::move(name));
}

// read_file - the whole file, gunzipped if it is gzip (gzread passes plain files through).
std::string read_file(const std::string& path) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr)
        throw std::runtime_error("cannot open " + path);
    std::string text;
    char buffer[65536];
    int count = 0;
    while ((count = gzread(file, buffer, sizeof buffer)) > 0)
        text.append(buffer, count);
    gzclose(file);
    if (count < 0)
        throw std::runtime_error("cannot read " + path);
    return text;
}

std::optional<RrType> type_of(const std::string& word) {
    static const std::map<std::string, RrType> kTypes = {
        {"A", RrType::a},     {"AAAA", RrType::aaaa}, {"MX", RrType::mx},      {"PTR", RrType::ptr},
        {"TXT", RrType::txt}, {"SPF", RrType::spf},   {"CNAME", RrType::cname}};
    const auto it = kTypes.find(word);
    if (it == kTypes.end())
        return std::nullopt;
    return it->second;
}

// text_of - a TXT/SPF value: one string, or a list of character-strings joined.
std::string text_of(const YAML::Node& value) {
    if (value.IsScalar())
        return value.as<std::string>();
    std::string joined;
    for (const auto& piece : value)
        joined += piece.as<std::string>();
    return joined;
}

std::optional<resolver::RecordData> data_of(RrType type, const YAML::Node& value) {
    switch (type) {
        case RrType::a:
        case RrType::aaaa: {
            auto address = IpAddress::parse(value.as<std::string>());
            if (!address)
                throw std::runtime_error("bad address " + value.as<std::string>());
            return *address;
        }
        case RrType::mx:
            return MxRecord{value[0].as<std::uint16_t>(), value[1].as<std::string>()};
        case RrType::txt:
        case RrType::spf:
            if (value.IsScalar() && value.as<std::string>() == "NONE")
                return std::nullopt;
            return text_of(value);
        default:
            return value.as<std::string>();
    }
}

SuiteName load_name(const YAML::Node& entries) {
    SuiteName name;
    bool lists_txt = false;
    std::vector<SuiteRecord> generated;
    for (const auto& entry : entries) {
        if (entry.IsScalar()) {  // "TIMEOUT"
            name.m_has_timeout = true;
            continue;
        }
        for (const auto& item : entry) {
            const auto type = type_of(item.first.as<std::string>());
            if (!type)
                throw std::runtime_error("unknown type " + item.first.as<std::string>());
            lists_txt = lists_txt || *type == RrType::txt;
            auto data = data_of(*type, item.second);
            if (!data)
                continue;
            if (*type == RrType::spf)
                generated.push_back({RrType::txt, *data});
            if (!name.m_has_timeout)
                name.m_answered.insert(*type);
            name.m_records.push_back({*type, std::move(*data)});
        }
    }
    if (!lists_txt)
        name.m_records.insert(name.m_records.end(), generated.begin(), generated.end());
    return name;
}

std::vector<std::string> results_of(const YAML::Node& node) {
    std::vector<std::string> results;
    if (node.IsScalar())
        return {node.as<std::string>()};
    for (const auto& item : node)
        results.push_back(item.as<std::string>());
    return results;
}

SuiteCase load_case(const std::string& id, const YAML::Node& node) {
    SuiteCase test;
    test.m_id = id;
    test.m_host = node["host"].as<std::string>();
    test.m_mail_from = node["mailfrom"] ? node["mailfrom"].as<std::string>() : "";
    test.m_helo = node["helo"] ? node["helo"].as<std::string>() : "";
    test.m_receiver = node["receiver"] ? node["receiver"].as<std::string>() : "";
    test.m_results = results_of(node["result"]);
    if (node["explanation"])
        test.m_explanation = node["explanation"].as<std::string>();
    return test;
}

SuiteScenario load_scenario(const YAML::Node& document) {
    SuiteScenario scenario;
    scenario.m_description = document["description"].as<std::string>("");
    for (const auto& test : document["tests"])
        scenario.m_cases.push_back(load_case(test.first.as<std::string>(), test.second));
    for (const auto& zone : document["zonedata"])
        scenario.m_zone[key_of(zone.first.as<std::string>())] = load_name(zone.second);
    return scenario;
}

}  // namespace

std::vector<SuiteScenario> load_suite(const std::string& path) {
    std::vector<SuiteScenario> suite;
    for (const auto& document : YAML::LoadAll(read_file(path)))
        if (document && document.IsMap())
            suite.push_back(load_scenario(document));
    if (suite.empty())
        throw std::runtime_error("no scenarios in " + path);
    return suite;
}

SuiteResolver::SuiteResolver(coro::Scheduler& scheduler, const SuiteScenario& scenario)
    : m_zone(scheduler) {
    for (const auto& [name, entry] : scenario.m_zone) {
        for (const auto& record : entry.m_records)
            m_zone.add(name, record.m_type, record.m_data);
        if (!entry.m_has_timeout)
            continue;
        if (entry.m_answered.empty())
            m_zone.set_no_answer(name);
        else
            m_partial_timeouts[name] = entry.m_answered;
    }
}

coro::Task<resolver::Answer> SuiteResolver::do_query(std::string name, RrType type,
                                                     coro::CancelToken token) {
    const auto it = m_partial_timeouts.find(key_of(name));
    if (it != m_partial_timeouts.end() && !it->second.contains(type))
        co_return resolver::Answer::failure(resolver::DnsStatus::timeout);
    co_return co_await m_zone.query(std::move(name), type, std::move(token));
}

namespace {

coro::Task<CaseOutcome> timed_check(coro::Scheduler& scheduler, resolver::Resolver& resolver,
                                    spf::SpfInput input, bool prefetch,
                                    coro::Scheduler::Duration delay) {
    spf::SpfLimits limits;
    limits.m_prefetch = prefetch;
    const auto start = scheduler.now();
    CaseOutcome outcome;
    outcome.m_output = co_await spf::check_host(resolver, input, limits);
    if (delay.count() > 0)
        outcome.m_round_trips = static_cast<std::size_t>((scheduler.now() - start) / delay);
    co_return outcome;
}

}  // namespace

CaseOutcome run_case(coro::Scheduler& scheduler, const SuiteScenario& scenario,
                     const SuiteCase& test, bool prefetch, coro::Scheduler::Duration delay) {
    SuiteResolver resolver(scheduler, scenario);
    resolver.zone().set_default_delay(delay);
    spf::SpfInput input;
    const auto ip = IpAddress::parse(test.m_host);
    if (!ip)
        throw std::runtime_error(test.m_id + ": bad host " + test.m_host);
    input.m_ip = *ip;
    input.m_mail_from = test.m_mail_from;
    input.m_helo = test.m_helo;
    input.m_receiver = test.m_receiver;
    input.m_clock = [] { return std::int64_t{1700000000}; };
    auto outcome =
        coro::sync_wait(scheduler, timed_check(scheduler, resolver, input, prefetch, delay));
    outcome.m_queries = resolver.zone().query_count();
    return outcome;
}

bool accepts(const SuiteCase& test, const spf::SpfOutput& output, std::string* why) {
    const std::string result(spf::to_string(output.m_result));
    std::string problem;
    if (std::find(test.m_results.begin(), test.m_results.end(), result) == test.m_results.end())
        problem = "result " + result + " (" + output.m_reason + ")";
    if (test.m_explanation) {
        const std::string expected = *test.m_explanation == "DEFAULT" ? "" : *test.m_explanation;
        if (output.m_explanation != expected)
            problem += " explanation '" + output.m_explanation + "' != '" + expected + "'";
    }
    if (why)
        *why = problem;
    return problem.empty();
}

}  // namespace enma::test
