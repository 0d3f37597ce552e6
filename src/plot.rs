//! Figures as plain data ([`Figure`], [`Panel`], [`Series`]) and their rendering to SVG and
//! PNG with plotters. Text uses the DejaVu Sans font embedded in the binary (crate `dejavu`),
//! registered once under `"sans-serif"`, so no system font is needed.

use crate::error::{Error, Result};
use crate::stats::Histogram;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Style {
    /// Solid line.
    Line,
    /// Dashed line.
    Dashed,
    /// Filled circles.
    Points,
    /// Line through filled circles.
    LinePoints,
}

/// One curve or point set of a panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// `(x, y)` points.
    pub points: Vec<(f64, f64)>,
    /// How it is drawn.
    pub style: Style,
    /// Palette index (same index, same colour across panels).
    pub color: usize,
}

/// A vertical marker (e.g. an outlier eigenvalue). Markers outside the panel's x range are
/// listed as text in the panel's top-right corner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// Position.
    pub x: f64,
    /// Short label (legend shows the first marker's label).
    pub label: String,
    /// Palette index.
    pub color: usize,
}

/// One chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Panel {
    /// Title above the chart.
    pub title: String,
    /// x axis description.
    pub x_label: String,
    /// y axis description.
    pub y_label: String,
    /// Histogram drawn under the series, with its legend label.
    pub histogram: Option<(Histogram, String)>,
    /// Curves and points.
    pub series: Vec<Series>,
    /// Vertical markers.
    pub markers: Vec<Marker>,
    /// x range (computed from the data when `None`).
    pub x_range: Option<(f64, f64)>,
    /// y range (computed from the data when `None`).
    pub y_range: Option<(f64, f64)>,
}

/// A figure: panels side by side, written as `<name>.svg` and `<name>.png`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// File stem.
    pub name: String,
    /// Panels, left to right.
    pub panels: Vec<Panel>,
}

/// Colours used by `color` indices.
const PALETTE: [RGBColor; 8] = [
    RGBColor(200, 30, 30),
    RGBColor(30, 90, 200),
    RGBColor(20, 150, 60),
    RGBColor(230, 130, 0),
    RGBColor(130, 50, 170),
    RGBColor(0, 160, 170),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Registers the embedded DejaVu Sans font as `"sans-serif"` (idempotent).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped by the `dejavu` crate; a failure here
        // would only mean text is not drawn, so it is not fatal.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Pixel size of one panel.
const PANEL_SIZE: (u32, u32) = (720, 480);

impl Figure {
    /// Writes `<dir>/<name>.svg` and `<dir>/<name>.png`; returns both paths.
    pub fn render(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        register_fonts();
        let k = self.panels.len().max(1) as u32;
        let size = (PANEL_SIZE.0 * k, PANEL_SIZE.1);
        let svg = dir.join(format!("{}.svg", self.name));
        let png = dir.join(format!("{}.png", self.name));
        {
            let root = SVGBackend::new(&svg, size).into_drawing_area();
            self.draw(root).map_err(|m| self.plot_err(m))?;
        }
        {
            let root = BitMapBackend::new(&png, size).into_drawing_area();
            self.draw(root).map_err(|m| self.plot_err(m))?;
        }
        Ok(vec![svg, png])
    }

    fn plot_err(&self, message: String) -> Error {
        Error::Plot {
            name: self.name.clone(),
            message,
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(|e| format!("{e:?}"))?;
        let areas = root.split_evenly((1, self.panels.len().max(1)));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_panel(panel, area).map_err(|e| format!("{e:?}"))?;
        }
        root.present().map_err(|e| format!("{e:?}"))?;
        Ok(())
    }
}

/// Data range of a panel: union of histogram, series and in-range markers, padded.
fn ranges(panel: &Panel) -> ((f64, f64), (f64, f64)) {
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = vec![0.0];
    if let Some((h, _)) = &panel.histogram {
        xs.push(h.edges[0]);
        xs.push(h.edges[h.edges.len() - 1]);
        ys.extend(h.density.iter().copied());
    }
    for s in &panel.series {
        for &(x, y) in &s.points {
            if x.is_finite() && y.is_finite() {
                xs.push(x);
                ys.push(y);
            }
        }
    }
    let fin = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi.is_finite() && hi > lo {
            (lo, hi)
        } else if lo.is_finite() {
            (lo - 1.0, lo + 1.0)
        } else {
            (0.0, 1.0)
        }
    };
    let x = panel.x_range.unwrap_or_else(|| fin(&xs));
    let y = panel.y_range.unwrap_or_else(|| {
        let (lo, hi) = fin(&ys);
        let pad = 0.08 * (hi - lo);
        (if lo >= 0.0 { 0.0 } else { lo - pad }, hi + pad)
    });
    (x, y)
}

fn draw_panel<DB: DrawingBackend>(
    panel: &Panel,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ((x0, x1), (y0, y1)) = ranges(panel);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(62)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .axis_desc_style(("sans-serif", 16))
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;

    if let Some((h, label)) = &panel.histogram {
        let fill = RGBColor(140, 170, 215).mix(0.7).filled();
        chart
            .draw_series(
                h.edges
                    .windows(2)
                    .zip(&h.density)
                    .map(|(w, &d)| Rectangle::new([(w[0], 0.0), (w[1], d.min(y1))], fill)),
            )?
            .label(label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], fill));
    }
    for s in &panel.series {
        let c = color(s.color);
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let line_style = c.stroke_width(2);
        match s.style {
            Style::Line => {
                chart
                    .draw_series(LineSeries::new(pts, line_style))?
                    .label(s.label.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], line_style));
            }
            Style::Dashed => {
                chart
                    .draw_series(DashedLineSeries::new(pts, 6, 4, line_style))?
                    .label(s.label.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], line_style));
            }
            Style::Points => {
                chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled())))?
                    .label(s.label.as_str())
                    .legend(move |(x, y)| Circle::new((x + 8, y), 4, c.filled()));
            }
            Style::LinePoints => {
                chart.draw_series(LineSeries::new(pts.clone(), line_style))?;
                chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled())))?
                    .label(s.label.as_str())
                    .legend(move |(x, y)| Circle::new((x + 8, y), 4, c.filled()));
            }
        }
    }
    let (inside, outside): (Vec<&Marker>, Vec<&Marker>) =
        panel.markers.iter().partition(|m| m.x >= x0 && m.x <= x1);
    let mut labelled = std::collections::HashSet::new();
    for m in inside {
        let c = color(m.color);
        let style = c.stroke_width(2);
        let series = chart.draw_series(std::iter::once(PathElement::new(
            vec![(m.x, y0), (m.x, y0 + 0.35 * (y1 - y0))],
            style,
        )))?;
        if labelled.insert(m.label.clone()) {
            series.label(m.label.as_str()).legend(move |(x, y)| {
                PathElement::new(vec![(x + 8, y - 6), (x + 8, y + 6)], style)
            });
        }
        chart.draw_series(std::iter::once(TriangleMarker::new(
            (m.x, y0 + 0.35 * (y1 - y0)),
            6,
            c.filled(),
        )))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font(("sans-serif", 14))
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    // Markers beyond the x range: one text line per label (values joined), top right,
    // below the legend.
    let (w, _) = area.dim_in_pixel();
    let mut lines: Vec<(String, usize, Vec<f64>)> = Vec::new();
    for m in outside {
        match lines.iter_mut().find(|(l, _, _)| *l == m.label) {
            Some((_, _, v)) => v.push(m.x),
            None => lines.push((m.label.clone(), m.color, vec![m.x])),
        }
    }
    let legend_rows = panel.series.len() + usize::from(panel.histogram.is_some()) + labelled.len();
    for (i, (label, col, xs)) in lines.iter().enumerate() {
        let values: Vec<String> = xs.iter().map(|x| format!("{x:.1}")).collect();
        let text = format!("{label}: {}", values.join(", "));
        area.draw(&Text::new(
            text,
            (w as i32 - 420, 60 + 22 * legend_rows as i32 + 20 * i as i32),
            ("sans-serif", 14).into_font().color(&color(*col)),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_svg_and_png_with_text() {
        let dir = std::env::temp_dir().join(format!("giantstep-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let xs: Vec<f64> = (0..100).map(|i| i as f64 / 20.0).collect();
        let h = Histogram::new(&xs, 0.0, 5.0, 20);
        let fig = Figure {
            name: "test".into(),
            panels: vec![Panel {
                title: "title".into(),
                x_label: "eigenvalue".into(),
                y_label: "density".into(),
                histogram: Some((h, "simulation".into())),
                series: vec![Series {
                    label: "theory".into(),
                    points: xs.iter().map(|&x| (x, 0.2)).collect(),
                    style: Style::Line,
                    color: 0,
                }],
                markers: vec![
                    Marker {
                        x: 4.0,
                        label: "outlier".into(),
                        color: 3,
                    },
                    Marker {
                        x: 40.0,
                        label: "far outlier".into(),
                        color: 3,
                    },
                ],
                ..Panel::default()
            }],
        };
        let paths = fig.render(&dir).unwrap();
        let svg = std::fs::read_to_string(&paths[0]).unwrap();
        assert!(svg.contains("eigenvalue") && svg.contains("far outlier: 40.0"));
        assert!(std::fs::metadata(&paths[1]).unwrap().len() > 1000);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
