// StepRunner: carries out one plan step through the Backend, asynchronously.
//
// run_step() starts the step and returns a handle; `done` is called exactly
// once, from inside Backend::run_one(), with OK or an error that names the
// command and shows the tail of its output. cancel() stops a step's polling
// (the executor cancels a step that timed out); `last_reason()` says what a
// wait was still waiting for, so a timeout can say why.
//
// What each kind does is documented at StepKind (plan.h); waits poll SQL
// (V$INSTANCE) or Backend::server_running every poll interval.
// Threading: single-threaded.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/backend.h"
#include "core/plan.h"

namespace dpc {

struct StepEnv {
  Backend* backend = nullptr;
  std::shared_ptr<const std::map<std::string, SqlEndpoint>> endpoints;
  Millis poll_interval_ms = 100;
};

class StepHandle {
 public:
  virtual ~StepHandle() = default;
  virtual void cancel() = 0;
  virtual std::string last_reason() const = 0;
};

std::shared_ptr<StepHandle> run_step(const StepEnv& env, const Step& step,
                                     std::function<void(Status)> done);

/// The command a step runs, as one line for messages ("dminit path=… …").
std::string step_command_line(const Step& step);

}  // namespace dpc
