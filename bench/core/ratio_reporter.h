// bench/core/ratio_reporter.h: the console reporter of the core benchmarks
// that also keeps one counter of every run (the median of repetitions), for
// the ratios each program prints after its run.
#ifndef CERTKIT_BENCH_CORE_RATIO_REPORTER_H_
#define CERTKIT_BENCH_CORE_RATIO_REPORTER_H_

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // |counter| names the counter kept (e.g. "ns_per_iteration").
  explicit RatioReporter(std::string counter) : counter_(std::move(counter)) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find(counter_);
      if (it == r.counters.end()) continue;
      // With --benchmark_repetitions the median (reported after the
      // repetitions) is the value kept; other aggregates are ignored.
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") values[r.run_name.str()] = it->second.value;
        continue;
      }
      values[r.run_name.str()] = it->second.value;
    }
  }
  // The counter's value by benchmark name.
  std::map<std::string, double> values;

 private:
  std::string counter_;
};

#endif  // CERTKIT_BENCH_CORE_RATIO_REPORTER_H_
