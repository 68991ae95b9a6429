// Counting SIGINT and SIGTERM (interrupt.h).
#include "cli/interrupt.h"

namespace dpc::cli {

namespace {

volatile std::sig_atomic_t g_count = 0;
volatile std::sig_atomic_t g_last = 0;

extern "C" void on_signal(int signo) {
  g_count = g_count + 1;
  g_last = signo;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_count = 0;
  g_last = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // the command polls; blocking calls just go on
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

int InterruptGuard::count() const { return g_count; }

int InterruptGuard::last_signal() const { return g_last; }

std::string InterruptGuard::name(int signo) {
  switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal " + std::to_string(signo);
  }
}

}  // namespace dpc::cli
