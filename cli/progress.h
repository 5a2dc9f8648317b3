// cli/progress.h: a thread-safe progress bar for bulk work (the library's
// certkit::ProgressObserver). It draws on stderr only when stderr is a
// terminal (never into pipes or log files).
#ifndef CERTKIT_CLI_PROGRESS_H_
#define CERTKIT_CLI_PROGRESS_H_

#include <cstddef>
#include <mutex>
#include <string>

#include "certkit/cluster.h"

namespace certkit_cli {

class Progress : public certkit::ProgressObserver {
 public:
  // |enabled| false suppresses all output (e.g. --quiet or --json).
  explicit Progress(bool enabled = true);
  ~Progress() override;
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Begin starts a bar: |label| is printed before it; |total| steps.
  void Begin(absl::string_view label, size_t total) override;
  // Step records one finished step; safe from many threads.
  void Step() override;
  // End draws the final state and ends the line (idempotent).
  void End() override;

  bool drawing() const { return drawing_; }

 private:
  void DrawLocked();

  std::string label_;
  size_t total_ = 0;
  size_t done_ = 0;
  bool drawing_;
  bool started_ = false;
  std::mutex mu_;
};

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_PROGRESS_H_
