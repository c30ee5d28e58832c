// security_tally.cpp - forwarding a lookup and folding its DNSSEC state into the tally.
#include "resolver/security_tally.hpp"

namespace enma::resolver {

coro::Task<Answer> SecurityTally::do_query(std::string name, RrType type, coro::CancelToken token) {
    auto answer = co_await m_inner.query(std::move(name), type, std::move(token));
    if (!answer.is_temporary() || answer.m_security == Security::bogus) {
        m_security = combine(m_security, answer.m_security);
        m_counted = true;
    }
    co_return answer;
}

}  // namespace enma::resolver
