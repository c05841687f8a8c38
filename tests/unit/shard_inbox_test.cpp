// ShardInbox with an io_context run by the test (no sockets): other threads push,
// the io_context's thread takes bursts. Every wait is a loop with a deadline.
#include "ws/shard_inbox.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace mqttws::ws {
namespace {

using namespace std::chrono_literals;

constexpr auto deadline_after = 10s;

// Runs `io` until `done()` holds or the deadline passes; true when it held.
template <typename Done>
bool run_until(boost::asio::io_context& io, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + deadline_after;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.restart();
        io.run_for(10ms);
    }
    return true;
}

InboxItem task_item(std::function<void()> task) {
    return {nullptr, std::move(task)};
}

// A reader whose passes run each item's task, in order.
void start_running_tasks(ShardInbox& inbox) {
    inbox.start([](std::vector<InboxItem>& items) {
        for (auto& item : items) item.task();
    });
}

// `writers` threads each pushing `per_writer` tasks that record (writer, i) in `seen` and
// count `total`. The tasks run on the reader's thread only, so `seen` needs no lock.
struct Writers {
    Writers(ShardInbox& inbox, int writers, int per_writer)
        : per_writer(per_writer), expected(writers * per_writer), seen(writers) {
        for (int w = 0; w < writers; ++w) {
            threads.emplace_back([this, &inbox, w] {
                for (int i = 0; i < this->per_writer; ++i) {
                    inbox.push(task_item([this, w, i] {
                        seen[w].push_back(i);
                        ++total;
                    }));
                }
            });
        }
    }
    ~Writers() { join(); }
    void join() {
        for (auto& thread : threads) {
            if (thread.joinable()) thread.join();
        }
    }
    bool all_arrived() const { return total.load() == expected; }
    // Every writer's items, all of them, in the order it pushed them.
    void expect_each_in_order() const {
        for (const auto& one : seen) {
            ASSERT_EQ(one.size(), static_cast<std::size_t>(per_writer));
            for (int i = 0; i < per_writer; ++i) ASSERT_EQ(one[i], i);
        }
    }

    const int per_writer;
    const int expected;
    std::vector<std::vector<int>> seen;
    std::atomic<int> total{0};
    std::vector<std::thread> threads;
};

TEST(ShardInboxTest, WhatWasPushedBeforeStartArrivesInOnePassInOrder) {
    boost::asio::io_context io{1};
    ShardInbox inbox(io);
    std::vector<int> order;
    for (int i = 0; i < 5; ++i) inbox.push(task_item([&order, i] { order.push_back(i); }));
    std::vector<std::size_t> pass_sizes;
    inbox.start([&](std::vector<InboxItem>& items) {
        pass_sizes.push_back(items.size());
        for (auto& item : items) item.task();
    });
    ASSERT_TRUE(run_until(io, [&] { return order.size() == 5; }));
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(pass_sizes, (std::vector<std::size_t>{5}));
}

TEST(ShardInboxTest, PushesFromManyThreadsAllArriveEachWritersInOrder) {
    boost::asio::io_context io{1};
    ShardInbox inbox(io);
    std::size_t passes = 0;
    inbox.start([&](std::vector<InboxItem>& items) {
        ++passes;
        for (auto& item : items) item.task();
    });
    Writers writers(inbox, 4, 20'000);
    const bool all = run_until(io, [&] { return writers.all_arrived(); });
    writers.join();
    ASSERT_TRUE(all) << writers.total.load() << " of " << writers.expected << " arrived";
    writers.expect_each_in_order();
    // Bursts are taken whole: fewer passes than items.
    EXPECT_LT(passes, static_cast<std::size_t>(writers.expected));
}

TEST(ShardInboxTest, APushDuringAPassGetsAPassOfItsOwn) {
    boost::asio::io_context io{1};
    ShardInbox inbox(io);
    int runs = 0;
    start_running_tasks(inbox);
    // Each task pushes the next from inside the pass, with no other wakeup to ride on.
    std::function<void()> step = [&] {
        if (++runs < 100) inbox.push(task_item(step));
    };
    inbox.push(task_item(step));
    EXPECT_TRUE(run_until(io, [&] { return runs == 100; })) << runs;
}

TEST(ShardInboxTest, ABurstWaitingBetweenHandlersGoesBeforeHandlersQueuedEarlier) {
    boost::asio::io_context io{1};
    ShardInbox inbox(io);
    std::vector<std::string> order;
    start_running_tasks(inbox);
    // Let the start's own pass go by, so the loop is idle.
    io.poll();
    // A busy loop: a handler pushes a live message while another handler is queued.
    boost::asio::post(io, [&] {
        order.push_back("handler");
        boost::asio::post(io, [&] { order.push_back("queued before the push"); });
        inbox.push(task_item([&] { order.push_back("burst"); }));
    });
    // The shard's loop: one handler, then a waiting burst.
    const auto deadline = std::chrono::steady_clock::now() + deadline_after;
    while (order.size() < 3 && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(10ms);
        inbox.take_if_waiting();
    }
    EXPECT_EQ(order, (std::vector<std::string>{"handler", "burst", "queued before the push"}));
}

TEST(ShardInboxTest, TheShardsLoopDeliversEveryPushFromOtherThreadsInOrder) {
    boost::asio::io_context io{1};
    ShardInbox inbox(io);
    start_running_tasks(inbox);
    Writers writers(inbox, 3, 20'000);
    // The loop the shard runs: one handler, then a waiting burst.
    const auto deadline = std::chrono::steady_clock::now() + deadline_after;
    while (!writers.all_arrived() && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(10ms);
        inbox.take_if_waiting();
    }
    writers.join();
    ASSERT_TRUE(writers.all_arrived()) << writers.total.load() << " of " << writers.expected;
    writers.expect_each_in_order();
}

TEST(ShardInboxTest, StopLetsTheLoopEndAndLaterPushesAreNotRun) {
    boost::asio::io_context io{1};
    ShardInbox inbox(io);
    int runs = 0;
    start_running_tasks(inbox);
    inbox.push(task_item([&] { ++runs; }));
    ASSERT_TRUE(run_until(io, [&] { return runs == 1; }));
    inbox.stop();
    io.restart();
    std::thread pusher([&] { inbox.push(task_item([&] { ++runs; })); });
    pusher.join();
    // The shard's loop, bounded: with nothing else to wait for, the io_context runs out
    // of work, since the inbox holds it no longer; and a stopped inbox runs no pass.
    const auto deadline = std::chrono::steady_clock::now() + deadline_after;
    while (!io.stopped() && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(10ms);
        inbox.take_if_waiting();
    }
    EXPECT_TRUE(io.stopped());
    EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace mqttws::ws
