// security_tally.hpp - one method's view of a resolver that remembers the DNSSEC state of
// the answers it received.
//
// A result is "secure" only when every answer it rests on was (issue: DNSSEC state per
// result). Each method of a message queries through its own tally, so the state is per
// method, not per message. Answers that carry no data verdict (timeouts, cancellations,
// budget refusals) do not count: the method's result is temperror then anyway; bogus counts.
// Loop thread only, like every Resolver.
#pragma once

#include "resolver/resolver.hpp"

namespace enma::resolver {

class SecurityTally : public Resolver {
public:
    explicit SecurityTally(Resolver& inner) : m_inner(inner) {}

    // security - the combined state; unchecked when no answer counted.
    Security security() const noexcept { return m_counted ? m_security : Security::unchecked; }
    bool counted() const noexcept { return m_counted; }

protected:
    coro::Task<Answer> do_query(std::string name, RrType type, coro::CancelToken token) override;

private:
    Resolver& m_inner;
    Security m_security = Security::secure;
    bool m_counted = false;
};

}  // namespace enma::resolver
