// scoped_resolver.cpp - ScopedResolver: budget, composed cancellation, stats and trace.
#include "resolver/scoped_resolver.hpp"

#include <optional>

namespace enma::resolver {

namespace {

// EitherToken - a token cancelled when either of two tokens is. When only one of them can
// cancel it is passed through as is, and no source or registration is made.
class EitherToken {
public:
    EitherToken(const coro::CancelToken& first, const coro::CancelToken& second) {
        if (!first.can_cancel() || !second.can_cancel()) {
            m_token = first.can_cancel() ? first : second;
            return;
        }
        m_source.emplace();
        m_token = m_source->token();
        m_first = coro::CancelRegistration(first, cancel_callback());
        m_second = coro::CancelRegistration(second, cancel_callback());
    }
    const coro::CancelToken& token() const noexcept { return m_token; }

private:
    std::function<void()> cancel_callback() const {
        return [source = *m_source]() mutable { source.request_cancel(); };
    }

    std::optional<coro::CancelSource> m_source;
    coro::CancelToken m_token;
    coro::CancelRegistration m_first;
    coro::CancelRegistration m_second;
};

}  // namespace

ScopedResolver::ScopedResolver(Resolver& shared, QueryBudget& budget, coro::CancelToken token,
                               Trace trace)
    : m_shared(shared), m_budget(budget), m_token(std::move(token)), m_trace(std::move(trace)) {}

coro::Task<Answer> ScopedResolver::do_query(std::string name, RrType type,
                                            coro::CancelToken token) {
    if (!m_budget.try_spend()) {
        // Never sent, so it says nothing about DNSSEC: only a failure is counted.
        Answer refused = Answer::failure(DnsStatus::budget);
        ++m_stats.m_failures;
        if (m_trace)
            m_trace(name, type, refused);
        co_return refused;
    }
    Answer answer;
    {
        const EitherToken either(m_token, token);
        answer = co_await m_shared.query(name, type, either.token());
    }  // registrations end here, before the trace can run arbitrary code
    count(answer);
    if (m_trace)
        m_trace(name, type, answer);
    co_return answer;
}

void ScopedResolver::count(const Answer& answer) noexcept {
    switch (answer.m_security) {
        case Security::secure:
            ++m_stats.m_secure;
            break;
        case Security::insecure:
            ++m_stats.m_insecure;
            break;
        case Security::bogus:
            ++m_stats.m_bogus;
            break;
        case Security::unchecked:
            ++m_stats.m_unchecked;
            break;
    }
    if (answer.is_temporary())
        ++m_stats.m_failures;
}

}  // namespace enma::resolver
