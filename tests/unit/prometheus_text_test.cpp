// The Prometheus text exposition writer (format 0.0.4), checked as strings.
#include "mqttws/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

namespace mqttws {
namespace {

TEST(PrometheusText, StartsEmpty) {
    EXPECT_EQ(PrometheusText().text(), "");
}

TEST(PrometheusText, HelpAndTypeLinesThenSamples) {
    PrometheusText p;
    p.family("mwb_clients", "gauge", "Connected WebSocket clients.");
    p.sample("mwb_clients", std::uint64_t{3});
    p.family("mwb_messages_total", "counter", "Messages received from the broker.");
    p.sample("mwb_messages_total", std::uint64_t{0});
    EXPECT_EQ(p.text(),
              "# HELP mwb_clients Connected WebSocket clients.\n"
              "# TYPE mwb_clients gauge\n"
              "mwb_clients 3\n"
              "# HELP mwb_messages_total Messages received from the broker.\n"
              "# TYPE mwb_messages_total counter\n"
              "mwb_messages_total 0\n");
}

TEST(PrometheusText, NoLabelsMeansNoBraces) {
    PrometheusText p;
    p.sample("m", std::uint64_t{1});
    p.sample("m", 2.5);
    p.sample("m", std::uint64_t{4}, {});
    EXPECT_EQ(p.text(), "m 1\nm 2.5\nm 4\n");
}

TEST(PrometheusText, LabelsInOrderCommaSeparated) {
    PrometheusText p;
    p.sample("mwb_dropped_total", std::uint64_t{7}, {{"reason", "unknown_session"}});
    p.sample("x", std::uint64_t{1}, {{"a", "1"}, {"b", ""}, {"c", "three"}});
    EXPECT_EQ(p.text(),
              "mwb_dropped_total{reason=\"unknown_session\"} 7\n"
              "x{a=\"1\",b=\"\",c=\"three\"} 1\n");
}

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndNewline) {
    PrometheusText p;
    p.sample("m", std::uint64_t{1}, {{"v", "a\\b"}});
    p.sample("m", std::uint64_t{2}, {{"v", "say \"hi\""}});
    p.sample("m", std::uint64_t{3}, {{"v", "two\nlines"}});
    p.sample("m", std::uint64_t{4}, {{"v", "\\\"\n\\n"}});
    EXPECT_EQ(p.text(), R"(m{v="a\\b"} 1)"
                        "\n"
                        R"(m{v="say \"hi\""} 2)"
                        "\n"
                        R"(m{v="two\nlines"} 3)"
                        "\n"
                        R"(m{v="\\\"\n\\n"} 4)"
                        "\n");
}

TEST(PrometheusText, LabelValuesKeepOtherBytes) {
    PrometheusText p;
    p.sample("m", std::uint64_t{1}, {{"v", "caf\xc3\xa9 {x}=,\t"}});
    EXPECT_EQ(p.text(), "m{v=\"caf\xc3\xa9 {x}=,\t\"} 1\n");
}

TEST(PrometheusText, HelpEscapesBackslashAndNewlineButNotQuotes) {
    PrometheusText p;
    p.family("m", "counter", "a \"quoted\" back\\slash\nsecond line");
    EXPECT_EQ(p.text(), R"(# HELP m a "quoted" back\\slash\nsecond line)"
                        "\n# TYPE m counter\n");
}

TEST(PrometheusText, IntegerSamples) {
    PrometheusText p;
    p.sample("a", std::uint64_t{0});
    p.sample("b", std::uint64_t{1234567890123ULL});
    p.sample("c", std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(p.text(), "a 0\nb 1234567890123\nc 18446744073709551615\n");
}

TEST(PrometheusText, DoubleSamples) {
    PrometheusText p;
    p.sample("a", 0.0);
    p.sample("b", 2.0);
    p.sample("c", 0.5);
    p.sample("d", -1.25);
    p.sample("e", 1e21);
    p.sample("f", 123456.0);
    EXPECT_EQ(p.text(), "a 0\nb 2\nc 0.5\nd -1.25\ne 1e+21\nf 123456\n");
}

TEST(PrometheusText, DoublesRoundTrip) {
    for (const double value :
         {0.1, 1.0 / 3.0, 2.5e-7, 6.02214076e23, -0.001, 4503599627370497.0,
          std::numeric_limits<double>::min(), std::numeric_limits<double>::max()}) {
        PrometheusText p;
        p.sample("m", value);
        const std::string& text = p.text();
        ASSERT_EQ(text.compare(0, 2, "m "), 0) << text;
        ASSERT_EQ(text.back(), '\n') << text;
        const std::string number = text.substr(2, text.size() - 3);
        char* end = nullptr;
        EXPECT_EQ(std::strtod(number.c_str(), &end), value) << text;
        EXPECT_EQ(*end, '\0') << text;
    }
}

TEST(PrometheusText, InfinityAndNaN) {
    PrometheusText p;
    p.sample("a", std::numeric_limits<double>::infinity());
    p.sample("b", -std::numeric_limits<double>::infinity());
    p.sample("c", std::numeric_limits<double>::quiet_NaN());
    p.sample("d", -std::numeric_limits<double>::quiet_NaN());
    EXPECT_EQ(p.text(), "a +Inf\nb -Inf\nc NaN\nd NaN\n");
}

TEST(PrometheusText, HistogramShape) {
    PrometheusText p;
    p.family("lat_seconds", "histogram", "Latency.");
    p.sample("lat_seconds_bucket", std::uint64_t{1}, {{"le", "0.5"}});
    p.sample("lat_seconds_bucket", std::uint64_t{2}, {{"le", "+Inf"}});
    p.sample("lat_seconds_sum", 0.75);
    p.sample("lat_seconds_count", std::uint64_t{2});
    EXPECT_EQ(p.text(),
              "# HELP lat_seconds Latency.\n"
              "# TYPE lat_seconds histogram\n"
              "lat_seconds_bucket{le=\"0.5\"} 1\n"
              "lat_seconds_bucket{le=\"+Inf\"} 2\n"
              "lat_seconds_sum 0.75\n"
              "lat_seconds_count 2\n");
}

}  // namespace
}  // namespace mqttws

namespace mqttws {
namespace {

TEST(PrometheusText, NumbersAreShortAndRoundTrip) {
    EXPECT_EQ(PrometheusText::number(10.0), "10");
    EXPECT_EQ(PrometheusText::number(0.005), "0.005");
    EXPECT_EQ(PrometheusText::number(1e-05), "1e-05");
    EXPECT_EQ(PrometheusText::number(2.5), "2.5");
    EXPECT_EQ(PrometheusText::number(123456789.0), "123456789");
    EXPECT_EQ(PrometheusText::number(std::numeric_limits<double>::infinity()), "+Inf");
}

TEST(PrometheusText, HistogramWritesCumulativeBucketsSumAndCount) {
    PrometheusText p;
    p.histogram("lat_seconds", "Latency.", {0.001, 0.01, 10.0}, {2, 0, 3, 1}, 1.5);
    EXPECT_EQ(p.text(),
              "# HELP lat_seconds Latency.\n"
              "# TYPE lat_seconds histogram\n"
              "lat_seconds_bucket{le=\"0.001\"} 2\n"
              "lat_seconds_bucket{le=\"0.01\"} 2\n"
              "lat_seconds_bucket{le=\"10\"} 5\n"
              "lat_seconds_bucket{le=\"+Inf\"} 6\n"
              "lat_seconds_sum 1.5\n"
              "lat_seconds_count 6\n");
}

TEST(PrometheusText, HistogramAlwaysHasEveryBoundAndInf) {
    PrometheusText shorter;
    shorter.histogram("h", "H.", {1.0, 2.0}, {1}, 0.5);
    EXPECT_EQ(shorter.text(),
              "# HELP h H.\n# TYPE h histogram\n"
              "h_bucket{le=\"1\"} 1\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
              "h_sum 0.5\nh_count 1\n");
    PrometheusText longer;
    longer.histogram("h", "H.", {1.0}, {1, 2, 3}, 0);
    EXPECT_EQ(longer.text(),
              "# HELP h H.\n# TYPE h histogram\n"
              "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 6\nh_sum 0\nh_count 6\n");
}

}  // namespace
}  // namespace mqttws
