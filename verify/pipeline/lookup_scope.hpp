// lookup_scope.hpp - the DNS scope of one unit of work (a message, or a connection's iprev):
// the shared resolver, a query budget, a task group, and the resolver that charges the budget
// and stops with the group.
//
// Members in this order: each is built from the ones above it.
#pragma once

#include <cstddef>
#include <memory>

#include "coro/scheduler.hpp"
#include "coro/task_group.hpp"
#include "resolver/query_budget.hpp"
#include "resolver/resolver.hpp"
#include "resolver/scoped_resolver.hpp"

namespace enma::pipeline {

struct LookupScope {
    LookupScope(coro::Scheduler& scheduler, std::shared_ptr<resolver::Resolver> shared,
                std::size_t max_queries)
        : m_shared(std::move(shared)),
          m_budget(max_queries),
          m_group(coro::TaskGroup::create(scheduler)),
          m_resolver(*m_shared, m_budget, m_group->token()) {}

    std::shared_ptr<resolver::Resolver> m_shared;
    resolver::QueryBudget m_budget;
    std::shared_ptr<coro::TaskGroup> m_group;
    resolver::ScopedResolver m_resolver;
};

}  // namespace enma::pipeline
