// resolver.hpp - the one interface every verifier uses for DNS.
//
// Invariants:
//  - query() is called and awaited on the scheduler thread; the returned Task completes there.
//  - DNS outcomes are values (answer.hpp), never exceptions: a verifier needs no try/catch.
//  - A cancelled token completes the lookup promptly with DnsStatus::cancelled and frees
//    whatever the implementation held for it (unbound's query is ub_cancel'ed).
//  - Names are absolute, with or without a trailing dot; an invalid name (empty label, a label
//    over 63 octets, over 253 octets in all) is answered with DnsStatus::error, not sent.
#pragma once

#include <string>
#include <string_view>

#include "coro/cancel.hpp"
#include "coro/task.hpp"
#include "resolver/answer.hpp"

namespace enma::resolver {

class Resolver {
public:
    virtual ~Resolver() = default;

    // query - look up `type` records at `name`.
    coro::Task<Answer> query(std::string name, RrType type, coro::CancelToken token = {}) {
        return do_query(std::move(name), type, std::move(token));
    }

protected:
    virtual coro::Task<Answer> do_query(std::string name, RrType type, coro::CancelToken token) = 0;
};

// is_valid_query_name - the syntax rules of RFC 1035 section 2.3.4 (lengths only; any octet
// is allowed in a label, as TXT owner names like _dmarc and %{i} expansions need).
bool is_valid_query_name(std::string_view name) noexcept;

}  // namespace enma::resolver
