// sidfquery_trace.hpp - what `sidfquery -v` prints: one line per DNS lookup as it completes,
// and the lines that frame each evaluation.
//
// Everything goes to one stream (stderr in sidfquery), so that stdout keeps only the result
// lines a script reads. Lines are written on the loop thread, where lookups complete; DNS data
// is untrusted and passes through printable() first.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include "resolver/answer.hpp"
#include "resolver/scoped_resolver.hpp"

namespace enma::app {

// printable - `text` safe for a terminal: bytes outside printable ASCII, '"' and '\' are
// written \xNN, and it is cut after `limit` characters with "...".
std::string printable(std::string_view text, std::size_t limit = 512);

// describe_lookup - "lookup NAME TYPE: STATUS SECURITY[ ttl=N][ DATA...]", DATA being the
// addresses, "PREF EXCHANGE" pairs, quoted texts or names; a bogus answer ends in why=...
std::string describe_lookup(const std::string& name, resolver::RrType type,
                            const resolver::Answer& answer);

// VerboseLog - the -v output; a null stream turns it off.
class VerboseLog {
public:
    explicit VerboseLog(std::ostream* out) : m_out(out) {}

    bool enabled() const noexcept { return m_out != nullptr; }
    // line - `text` and a newline, flushed at once (lookups can take seconds).
    void line(std::string_view text) const;
    // tracer - a ScopedResolver trace that writes describe_lookup(); empty when off.
    resolver::ScopedResolver::Trace tracer() const;

private:
    std::ostream* m_out;
};

}  // namespace enma::app
