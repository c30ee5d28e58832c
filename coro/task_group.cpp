// task_group.cpp - TaskGroup: counting, waiting and cancelling a message's tasks.
#include "coro/task_group.hpp"

namespace enma::coro {

void TaskGroup::start(Task<void> task) {
    {
        std::lock_guard lock(m_mutex);
        ++m_pending;
    }
    m_scheduler.spawn(run(shared_from_this(), std::move(task)));
}

void TaskGroup::start(std::vector<Task<void>> tasks) {
    if (tasks.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_pending += tasks.size();
    }
    // std::function needs a copyable callable; the tasks are move-only.
    auto batch = std::make_shared<std::vector<Task<void>>>(std::move(tasks));
    m_scheduler.post([self = shared_from_this(), batch] {
        for (auto& task : *batch)
            self->m_scheduler.spawn(run(self, std::move(task)));
    });
}

// run - the wrapper that counts the task out even when it throws; the exception is kept for
// error() and passed on to the scheduler, which logs it.
Task<void> TaskGroup::run(std::shared_ptr<TaskGroup> self, Task<void> task) {
    struct Done {
        TaskGroup& m_group;
        ~Done() { m_group.finished(); }
    } done{*self};
    try {
        co_await std::move(task);
    } catch (...) {
        self->keep_error(std::current_exception());
        throw;
    }
}

void TaskGroup::keep_error(std::exception_ptr error) {
    std::lock_guard lock(m_mutex);
    if (!m_error)
        m_error = std::move(error);
}

std::exception_ptr TaskGroup::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

// finished - on the loop thread; the last task also disarms the deadline.
void TaskGroup::finished() {
    std::lock_guard lock(m_mutex);
    if (--m_pending != 0)
        return;
    if (m_deadline)
        m_scheduler.cancel_timer(*m_deadline);
    m_deadline.reset();
    m_idle.notify_all();
}

void TaskGroup::wait() {
    m_scheduler.waiter_arrived();
    {
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return m_pending == 0; });
    }
    m_scheduler.waiter_left();
}

std::size_t TaskGroup::pending() const {
    std::lock_guard lock(m_mutex);
    return m_pending;
}

void TaskGroup::cancel() {
    m_scheduler.post([source = m_source]() mutable { source.request_cancel(); });
}

void TaskGroup::cancel_after(Scheduler::Duration delay) {
    // The deadline covers what has been started; with everything finished already (the
    // usual end of message on a warm cache) the loop need not be woken to find that out.
    if (pending() == 0)
        return;
    m_scheduler.post([self = shared_from_this(), delay] {
        // Nothing pending: no timer, so an idle group leaves nothing on the loop.
        if (self->pending() == 0 || self->m_deadline)
            return;
        self->m_deadline =
            self->m_scheduler.add_timer(self->m_scheduler.now() + delay, [group = self.get()] {
                group->m_deadline.reset();
                group->m_expired = true;
                group->m_source.request_cancel();
            });
    });
}

}  // namespace enma::coro
