#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace certkit_cli {

Progress::Progress(std::string label, size_t total, bool enabled)
    : label_(std::move(label)), total_(total), drawing_(enabled && isatty(STDERR_FILENO)) {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawing_) DrawLocked();
}

Progress::~Progress() { Finish(); }

void Progress::Tick() {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_ < total_) ++done_;
  if (drawing_) DrawLocked();
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (drawing_) std::fputc('\n', stderr);
}

void Progress::DrawLocked() {
  constexpr size_t kWidth = 30;
  size_t filled = total_ == 0 ? kWidth : done_ * kWidth / total_;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %zu/%zu", label_.c_str(), bar.c_str(), done_, total_);
  std::fflush(stderr);
}

}  // namespace certkit_cli
