#include "bench/svg_plot.h"

#include <gtest/gtest.h>

namespace dpc::sim {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(AxisTicks, LinearTicksAreNiceSteps) {
  const auto t = axis_ticks(0, 100, false);
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t.front(), 0);
  EXPECT_EQ(t.back(), 100);
  EXPECT_DOUBLE_EQ(t[1] - t[0], 20);
}

TEST(AxisTicks, LogTicksArePowersOfTen) {
  const auto t = axis_ticks(100, 100000, true);
  EXPECT_EQ(t, (std::vector<double>{100, 1000, 10000, 100000}));
}

TEST(SvgLinePlot, OnePolylinePerSeriesAndALegendEntry) {
  PlotSpec spec;
  spec.title = "events/s <by size>";
  spec.x_label = "BP groups";
  spec.y_label = "events/s";
  spec.log_x = true;
  const std::string svg = svg_line_plot(
      spec, {{"full model", {{1, 10}, {10, 20}, {100, 30}}}, {"engine", {{1, 5}, {300, 6}}}});
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_NE(svg.find("events/s &lt;by size&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">full model<"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 5u);
}

TEST(SvgCdf, StepsReachOne) {
  PlotSpec spec;
  spec.title = "cdf";
  spec.x_label = "ms";
  const std::string svg = svg_cdf(spec, {{"a", {3, 1, 2, 2}}});
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_EQ(count(svg, "<circle"), 0u);
  EXPECT_NE(svg.find("cumulative fraction"), std::string::npos);
}

TEST(SvgCdf, ReferenceMarksAreDrawnWithEscapedLabels) {
  PlotSpec spec;
  spec.marks = {{287, 0.5, "paper <median>"}, {-1, 0.5, "off a log axis"}};
  spec.log_x = true;
  spec.x_min = 100;
  spec.x_max = 1000;
  const std::string svg = svg_cdf(spec, {{"model", {150, 250, 300, 400}}});
  EXPECT_NE(svg.find("paper &lt;median&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("off a log axis"), std::string::npos);
  EXPECT_NE(svg.find("r=\"6\" fill=\"none\" stroke=\"#000\""), std::string::npos);
}

TEST(SvgCdf, LongSeriesAreThinned) {
  std::vector<double> v;
  for (int i = 0; i < 5000; ++i) v.push_back(i);
  PlotSpec spec;
  const std::string svg = svg_cdf(spec, {{"a", v}});
  const size_t begin = svg.find("points=\"");
  const size_t end = svg.find('"', begin + 8);
  const std::string pts = svg.substr(begin, end - begin);
  EXPECT_LE(count(pts, ","), 1000u);  // at most 500 steps of two points
}

TEST(SvgBars, OneBarPerSeriesAndCategory) {
  PlotSpec spec;
  spec.title = "deploy";
  spec.x_label = "virtual s";
  const std::string svg =
      svg_bars(spec, {"mini", "manual-7.2"}, {"parallel 4", "sequential"}, {{10, 20}, {30, 40}});
  // Two bars per category plus the background and the frame.
  EXPECT_EQ(count(svg, "<rect"), 4u + 2u);
  EXPECT_NE(svg.find(">manual-7.2<"), std::string::npos);
}

}  // namespace
}  // namespace dpc::sim
