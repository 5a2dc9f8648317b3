#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace certkit_cli {

Progress::Progress(bool enabled) : drawing_(enabled && isatty(STDERR_FILENO)) {}

Progress::~Progress() { End(); }

void Progress::Begin(absl::string_view label, size_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  label_ = std::string(label);
  total_ = total;
  done_ = 0;
  started_ = true;
  if (drawing_) DrawLocked();
}

void Progress::Step() {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_ < total_) ++done_;
  if (drawing_ && started_) DrawLocked();
}

void Progress::End() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_) return;
  started_ = false;
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
