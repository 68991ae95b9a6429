// Hand-written SVG plots for the benchmark results (`dpcctl bench`): CDF
// curves of election times (as in the Raft paper's Figure 16), line plots of
// how the simulator scales, and grouped horizontal bars (startup time per
// topology). Output is a complete, standalone SVG document with axes, ticks,
// a legend and a title; no external fonts, scripts or styles.
//
// Pure functions over their arguments;
// thread-safe; deterministic (the same data give the same bytes).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dpc::sim {

struct PlotSeries {
  std::string label;
  std::vector<std::pair<double, double>> points;  ///< (x, y), in x order for lines
};

/// A single reference point drawn over the curves (a black ring and its
/// label), e.g. a figure a paper states.
struct PlotMark {
  double x = 0, y = 0;
  std::string label;
};

struct PlotSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  bool log_y = false;
  /// Axis ranges; when min >= max the range is taken from the data.
  double x_min = 0, x_max = 0;
  double y_min = 0, y_max = 0;
  bool markers = true;  ///< dots on each point (lines plots)
  std::vector<PlotMark> marks;  ///< reference points over the curves (line and CDF plots)
  int width = 760, height = 460;
};

/// A line plot of each series (log axes allowed: points <= 0 are skipped there).
std::string svg_line_plot(const PlotSpec& spec, const std::vector<PlotSeries>& series);

/// Empirical CDFs: for each labelled sample set (any order), the share of
/// values <= x as a step curve from 0 to 1. The y label defaults to
/// "cumulative fraction". Long series are thinned to at most 500 steps.
std::string svg_cdf(PlotSpec spec,
                    const std::vector<std::pair<std::string, std::vector<double>>>& samples);

/// Grouped horizontal bars: one group per category, one bar per series
/// (values[s][c] is series s of category c), each bar labelled with its value.
std::string svg_bars(const PlotSpec& spec, const std::vector<std::string>& categories,
                     const std::vector<std::string>& series_labels,
                     const std::vector<std::vector<double>>& values);

/// Axis ticks: "nice" values (1, 2, 5 x 10^k) covering [lo, hi], or the
/// powers of ten (and 2x, 5x when few) for a log axis.
std::vector<double> axis_ticks(double lo, double hi, bool log_scale);

}  // namespace dpc::sim
