// A small writer for the Prometheus text exposition format 0.0.4: HELP and
// TYPE once per family, then its samples, label values escaped.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqttws {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class PrometheusText {
  public:
    // Starts a metric family; `type` is counter, gauge or histogram.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, double value, Labels labels = {});
    void sample(std::string_view name, std::uint64_t value, Labels labels = {});

    // A whole histogram family: HELP, TYPE, one cumulative `_bucket` sample
    // per bound plus `le="+Inf"`, then `_sum` and `_count`. `bucket_counts`
    // holds one count per bucket, not cumulative, the last one above every
    // bound (so it has upper_bounds.size() + 1 entries).
    void histogram(std::string_view name, std::string_view help,
                   const std::vector<double>& upper_bounds,
                   const std::vector<std::uint64_t>& bucket_counts, double sum);

    // The shortest decimal text that reads back as `value` ("0.005", "1e-05",
    // "+Inf").
    static std::string number(double value);

    const std::string& text() const { return out_; }

  private:
    void labels(Labels labels);
    std::string out_;
};

}  // namespace mqttws
