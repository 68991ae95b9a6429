#include "bench/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/xml_text.h"

namespace dpc::sim {

namespace {

const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
constexpr size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

/// A value as a tick label: integers without decimals, small values short.
std::string tick_label(double v) {
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 1e6 && std::fmod(a, 1e6) == 0) {
    std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
  } else if (a >= 1e4 && std::fmod(a, 1e3) == 0) {
    std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

/// Maps data to pixels on one axis.
struct Scale {
  double lo = 0, hi = 1;  ///< data range (log10 of it when log)
  double p0 = 0, p1 = 1;  ///< pixel range
  bool log = false;
  double operator()(double v) const {
    const double d = log ? std::log10(std::max(v, 1e-300)) : v;
    const double t = hi > lo ? (d - lo) / (hi - lo) : 0.5;
    return p0 + t * (p1 - p0);
  }
};

struct Frame {
  int width, height;
  double left = 78, right = 210, top = 46, bottom = 58;
  double x0() const { return left; }
  double x1() const { return width - right; }
  double y0() const { return height - bottom; }  // bottom edge (pixel y grows down)
  double y1() const { return top; }
};

void data_range(const std::vector<PlotSeries>& series, bool x, bool log, double& lo, double& hi) {
  lo = std::numeric_limits<double>::max();
  hi = std::numeric_limits<double>::lowest();
  for (const PlotSeries& s : series) {
    for (const auto& [px, py] : s.points) {
      const double v = x ? px : py;
      if (!std::isfinite(v) || (log && v <= 0)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi) {
    lo = log ? 1 : 0;
    hi = log ? 10 : 1;
  }
}

/// Widens [lo, hi] to whole ticks (powers of ten on a log axis).
void nice_range(double& lo, double& hi, bool log) {
  if (log) {
    lo = std::pow(10.0, std::floor(std::log10(lo)));
    hi = std::pow(10.0, std::ceil(std::log10(hi)));
    if (hi <= lo) hi = lo * 10;
    return;
  }
  if (hi <= lo) hi = lo + 1;
  const std::vector<double> t = axis_ticks(lo, hi, false);
  const double step = t.size() > 1 ? t[1] - t[0] : 1;
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
}

std::string open_svg(const PlotSpec& spec, const Frame& f) {
  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(f.width) +
       "\" height=\"" + std::to_string(f.height) + "\" viewBox=\"0 0 " + std::to_string(f.width) +
       " " + std::to_string(f.height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(f.width / 2.0) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" "
       "font-weight=\"bold\">" + xml_escape(spec.title) + "</text>\n";
  return s;
}

/// Axes, grid, ticks and labels.
std::string axes(const PlotSpec& spec, const Frame& f, const Scale& xs, const Scale& ys,
                 double xlo, double xhi, double ylo, double yhi, bool x_ticks = true) {
  std::string s;
  if (x_ticks) {
    for (double t : axis_ticks(xlo, xhi, xs.log)) {
      const double px = xs(t);
      s += "<line x1=\"" + num(px) + "\" y1=\"" + num(f.y0()) + "\" x2=\"" + num(px) + "\" y2=\"" +
           num(f.y1()) + "\" stroke=\"#e6e6e6\"/>\n";
      s += "<text x=\"" + num(px) + "\" y=\"" + num(f.y0() + 16) + "\" text-anchor=\"middle\">" +
           tick_label(t) + "</text>\n";
    }
  }
  for (double t : axis_ticks(ylo, yhi, ys.log)) {
    const double py = ys(t);
    s += "<line x1=\"" + num(f.x0()) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.x1()) + "\" y2=\"" +
         num(py) + "\" stroke=\"#e6e6e6\"/>\n";
    s += "<text x=\"" + num(f.x0() - 6) + "\" y=\"" + num(py + 4) + "\" text-anchor=\"end\">" +
         tick_label(t) + "</text>\n";
  }
  s += "<rect x=\"" + num(f.x0()) + "\" y=\"" + num(f.y1()) + "\" width=\"" + num(f.x1() - f.x0()) +
       "\" height=\"" + num(f.y0() - f.y1()) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  s += "<text x=\"" + num((f.x0() + f.x1()) / 2) + "\" y=\"" + num(f.height - 16.0) +
       "\" text-anchor=\"middle\">" + xml_escape(spec.x_label) + "</text>\n";
  const double cy = (f.y0() + f.y1()) / 2;
  s += "<text x=\"18\" y=\"" + num(cy) + "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " +
       num(cy) + ")\">" + xml_escape(spec.y_label) + "</text>\n";
  return s;
}

std::string legend(const Frame& f, const std::vector<std::string>& labels) {
  std::string s;
  double y = f.y1() + 8;
  for (size_t i = 0; i < labels.size(); ++i) {
    const char* color = kPalette[i % kPaletteSize];
    const double x = f.x1() + 14;
    s += "<line x1=\"" + num(x) + "\" y1=\"" + num(y) + "\" x2=\"" + num(x + 22) + "\" y2=\"" +
         num(y) + "\" stroke=\"" + color + "\" stroke-width=\"3\"/>\n";
    s += "<text x=\"" + num(x + 28) + "\" y=\"" + num(y + 4) + "\">" + xml_escape(labels[i]) +
         "</text>\n";
    y += 18;
  }
  return s;
}

}  // namespace

std::vector<double> axis_ticks(double lo, double hi, bool log_scale) {
  std::vector<double> out;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  if (log_scale) {
    if (lo <= 0) lo = hi / 1e6;
    const int e0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
    const int e1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
    const bool dense = e1 - e0 <= 2;
    for (int e = e0; e <= e1; ++e) {
      for (double m : {1.0, 2.0, 5.0}) {
        if (m != 1.0 && !dense) continue;
        const double v = m * std::pow(10.0, e);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
      }
    }
    if (out.empty()) out.push_back(lo);
    return out;
  }
  const double raw = (hi - lo) / 6;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  }
  return out;
}

std::string svg_line_plot(const PlotSpec& spec, const std::vector<PlotSeries>& series) {
  Frame f{spec.width, spec.height};
  double xlo, xhi, ylo, yhi;
  data_range(series, true, spec.log_x, xlo, xhi);
  data_range(series, false, spec.log_y, ylo, yhi);
  if (spec.x_min < spec.x_max) xlo = spec.x_min, xhi = spec.x_max;
  else nice_range(xlo, xhi, spec.log_x);
  if (spec.y_min < spec.y_max) ylo = spec.y_min, yhi = spec.y_max;
  else {
    if (!spec.log_y) ylo = std::min(ylo, 0.0);
    nice_range(ylo, yhi, spec.log_y);
  }
  const Scale xs{spec.log_x ? std::log10(xlo) : xlo, spec.log_x ? std::log10(xhi) : xhi, f.x0(),
                 f.x1(), spec.log_x};
  const Scale ys{spec.log_y ? std::log10(ylo) : ylo, spec.log_y ? std::log10(yhi) : yhi, f.y0(),
                 f.y1(), spec.log_y};
  std::string s = open_svg(spec, f);
  s += axes(spec, f, xs, ys, xlo, xhi, ylo, yhi);
  std::vector<std::string> labels;
  for (size_t i = 0; i < series.size(); ++i) {
    const char* color = kPalette[i % kPaletteSize];
    labels.push_back(series[i].label);
    std::string pts;
    std::string dots;
    for (const auto& [x, y] : series[i].points) {
      if ((spec.log_x && x <= 0) || (spec.log_y && y <= 0) || !std::isfinite(x) || !std::isfinite(y)) {
        continue;
      }
      const double px = std::clamp(xs(x), f.x0(), f.x1());
      const double py = std::clamp(ys(y), f.y1(), f.y0());
      pts += num(px) + "," + num(py) + " ";
      if (spec.markers) {
        dots += "<circle cx=\"" + num(px) + "\" cy=\"" + num(py) + "\" r=\"3\" fill=\"" + color + "\"/>\n";
      }
    }
    s += "<polyline fill=\"none\" stroke=\"" + std::string(color) +
         "\" stroke-width=\"2\" points=\"" + pts + "\"/>\n" + dots;
  }
  for (const PlotMark& m : spec.marks) {
    if ((spec.log_x && m.x <= 0) || (spec.log_y && m.y <= 0) || !std::isfinite(m.x) || !std::isfinite(m.y)) continue;
    const double px = std::clamp(xs(m.x), f.x0(), f.x1());
    const double py = std::clamp(ys(m.y), f.y1(), f.y0());
    s += "<circle cx=\"" + num(px) + "\" cy=\"" + num(py) + "\" r=\"6\" fill=\"none\" stroke=\"#000\" "
         "stroke-width=\"2\"/>\n<text x=\"" + num(px + 9) + "\" y=\"" + num(py + 14) + "\" font-size=\"11\">" +
         xml_escape(m.label) + "</text>\n";
  }
  s += legend(f, labels);
  s += "</svg>\n";
  return s;
}

std::string svg_cdf(PlotSpec spec,
                    const std::vector<std::pair<std::string, std::vector<double>>>& samples) {
  if (spec.y_label.empty()) spec.y_label = "cumulative fraction";
  spec.y_min = 0;
  spec.y_max = 1;
  spec.markers = false;
  std::vector<PlotSeries> series;
  for (const auto& [label, values] : samples) {
    std::vector<double> v = values;
    std::sort(v.begin(), v.end());
    PlotSeries ps;
    ps.label = label;
    const size_t n = v.size();
    const size_t stride = n > 500 ? (n + 499) / 500 : 1;
    double prev_y = 0;
    size_t i = 0;
    while (i < n) {
      // One step per stride, ending after the last value equal to its end.
      size_t j = std::min(n - 1, i + stride - 1);
      while (j + 1 < n && v[j + 1] == v[j]) ++j;
      const double y = static_cast<double>(j + 1) / static_cast<double>(n);
      ps.points.emplace_back(v[i], prev_y);
      ps.points.emplace_back(v[j], y);
      prev_y = y;
      i = j + 1;
    }
    series.push_back(std::move(ps));
  }
  return svg_line_plot(spec, series);
}

std::string svg_bars(const PlotSpec& spec, const std::vector<std::string>& categories,
                     const std::vector<std::string>& series_labels,
                     const std::vector<std::vector<double>>& values) {
  Frame f{spec.width, spec.height};
  f.left = 150;
  double hi = 0;
  for (const auto& row : values) {
    for (double v : row) hi = std::max(hi, v);
  }
  double lo = 0;
  if (spec.x_min < spec.x_max) lo = spec.x_min, hi = spec.x_max;
  else nice_range(lo, hi, false);
  const Scale xs{lo, hi, f.x0(), f.x1(), false};
  std::string s = open_svg(spec, f);
  // Vertical grid from the value axis, category labels on the left.
  for (double t : axis_ticks(lo, hi, false)) {
    const double px = xs(t);
    s += "<line x1=\"" + num(px) + "\" y1=\"" + num(f.y0()) + "\" x2=\"" + num(px) + "\" y2=\"" +
         num(f.y1()) + "\" stroke=\"#e6e6e6\"/>\n";
    s += "<text x=\"" + num(px) + "\" y=\"" + num(f.y0() + 16) + "\" text-anchor=\"middle\">" +
         tick_label(t) + "</text>\n";
  }
  const size_t nc = std::max<size_t>(1, categories.size());
  const size_t ns = std::max<size_t>(1, series_labels.size());
  const double band = (f.y0() - f.y1()) / static_cast<double>(nc);
  const double bar = band * 0.8 / static_cast<double>(ns);
  for (size_t c = 0; c < categories.size(); ++c) {
    const double top = f.y1() + band * static_cast<double>(c) + band * 0.1;
    s += "<text x=\"" + num(f.x0() - 6) + "\" y=\"" + num(top + band * 0.4 + 4) +
         "\" text-anchor=\"end\">" + xml_escape(categories[c]) + "</text>\n";
    for (size_t k = 0; k < series_labels.size(); ++k) {
      const double v = k < values.size() && c < values[k].size() ? values[k][c] : 0;
      const double y = top + bar * static_cast<double>(k);
      const double w = std::max(0.0, xs(v) - f.x0());
      s += "<rect x=\"" + num(f.x0()) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
           "\" height=\"" + num(bar * 0.9) + "\" fill=\"" + kPalette[k % kPaletteSize] + "\"/>\n";
      s += "<text x=\"" + num(f.x0() + w + 4) + "\" y=\"" + num(y + bar * 0.45 + 4) +
           "\" font-size=\"10\">" + tick_label(std::round(v * 10) / 10) + "</text>\n";
    }
  }
  s += "<rect x=\"" + num(f.x0()) + "\" y=\"" + num(f.y1()) + "\" width=\"" + num(f.x1() - f.x0()) +
       "\" height=\"" + num(f.y0() - f.y1()) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  s += "<text x=\"" + num((f.x0() + f.x1()) / 2) + "\" y=\"" + num(f.height - 16.0) +
       "\" text-anchor=\"middle\">" + xml_escape(spec.x_label) + "</text>\n";
  s += legend(f, series_labels);
  s += "</svg>\n";
  return s;
}

}  // namespace dpc::sim
