// cli/progress.h: a thread-safe progress bar for bulk work. It draws on
// stderr only when stderr is a terminal (never into pipes or log files).
#ifndef CERTKIT_CLI_PROGRESS_H_
#define CERTKIT_CLI_PROGRESS_H_

#include <cstddef>
#include <mutex>
#include <string>

namespace certkit_cli {

class Progress {
 public:
  // |label| is printed before the bar; |total| is the number of steps.
  // |enabled| false suppresses all output (e.g. --quiet or --json).
  Progress(std::string label, size_t total, bool enabled = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Tick records one finished step; safe from many threads.
  void Tick();
  // Finish draws the final state and ends the line (idempotent).
  void Finish();

  bool drawing() const { return drawing_; }

 private:
  void DrawLocked();

  std::string label_;
  size_t total_;
  size_t done_ = 0;
  bool drawing_;
  bool finished_ = false;
  std::mutex mu_;
};

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_PROGRESS_H_
