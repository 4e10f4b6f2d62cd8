//! Charts drawn on the server as SVG (plotters), so a page shows them without JavaScript and
//! the activity report embeds the very same picture. Text uses the embedded DejaVu Sans; the
//! SVG names the family "DejaVu Sans", which Typst also knows.

use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::Once;

const FAMILY: &str = "DejaVu Sans";
/// The pre-test bars: grey; the post-test bars: the product's blue.
const PRE: RGBColor = RGBColor(160, 167, 176);
const POST: RGBColor = RGBColor(21, 94, 168);

fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Both faces are valid TrueType shipped with the crate; a failure would only lose the
        // labels, never the bars.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, crate::REGULAR);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, crate::BOLD);
    });
}

/// One group of the knowledge-gain chart: a short label ("S1") with the share of right answers
/// in the pre-test and post-test, in percent (None: nobody took that test).
#[derive(Debug, Clone)]
pub struct GainBar {
    pub label: String,
    pub pre: Option<f64>,
    pub post: Option<f64>,
}

/// A grouped bar chart: per question, pre-test and post-test share of right answers (0–100 %),
/// with a legend. `legend` names the two series ("Pre-test", "Post-test"). Returns the SVG
/// document, or an empty string if drawing failed (the page and the report then simply have no
/// chart).
pub fn gain_chart(bars: &[GainBar], legend: (&str, &str)) -> String {
    fonts();
    let mut svg = String::new();
    if draw(&mut svg, bars, legend).is_err() {
        return String::new();
    }
    svg
}

fn draw<'a>(
    svg: &'a mut String,
    bars: &[GainBar],
    legend: (&'a str, &'a str),
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let n = bars.len().max(1);
    let width = (120 + 56 * n as u32).clamp(360, 720);
    let root = SVGBackend::with_string(svg, (width, 260)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin_top(28)
        .margin_right(12)
        .margin_left(6)
        .margin_bottom(6)
        .x_label_area_size(26)
        .y_label_area_size(40)
        .build_cartesian_2d(0f64..n as f64, 0f64..100f64)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.0}%"))
        .label_style((FAMILY, 12))
        .light_line_style(RGBColor(230, 230, 230))
        .draw()?;
    let pre: Vec<_> = bars
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            b.pre.map(|v| {
                let x = i as f64;
                Rectangle::new([(x + 0.12, 0.0), (x + 0.48, v)], PRE.filled())
            })
        })
        .collect();
    let post: Vec<_> = bars
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            b.post.map(|v| {
                let x = i as f64;
                Rectangle::new([(x + 0.52, 0.0), (x + 0.88, v)], POST.filled())
            })
        })
        .collect();
    chart.draw_series(pre)?;
    chart.draw_series(post)?;
    // The legend in the top margin, where it never covers a bar.
    let text = TextStyle::from((FAMILY, 12).into_font()).color(&BLACK);
    let (left, _) = chart.backend_coord(&(0.0, 100.0));
    let mut x = left;
    for (label, colour) in [(legend.0, PRE), (legend.1, POST)] {
        root.draw(&Rectangle::new([(x, 8), (x + 11, 19)], colour.filled()))?;
        root.draw(&Text::new(label.to_string(), (x + 16, 7), text.clone()))?;
        x += 26 + 8 * label.chars().count() as i32;
    }
    // The question labels, centred under each group.
    let style = TextStyle::from((FAMILY, 12).into_font()).color(&BLACK).pos(
        plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ),
    );
    for (i, b) in bars.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(b.label.clone(), (x, y + 6), style.clone()))?;
    }
    root.present()?;
    Ok(())
}

/// One month of a trend chart: a short label ("Jan") and the count, `None` when it is a count
/// of people from 1 to 4 that this reader may not see (drawn as an empty bar labelled "< 5").
#[derive(Debug, Clone)]
pub struct TrendBar {
    pub label: String,
    pub value: Option<i64>,
}

/// Bars month by month with the count above each, 360 px wide (a phone's width; larger
/// screens scale it). Returns the SVG, or an empty string if drawing failed.
pub fn trend_chart(bars: &[TrendBar]) -> String {
    fonts();
    let mut svg = String::new();
    if draw_trend(&mut svg, bars).is_err() {
        return String::new();
    }
    svg
}

fn draw_trend<'a>(
    svg: &'a mut String,
    bars: &[TrendBar],
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let n = bars.len().max(1);
    let top = bars
        .iter()
        .filter_map(|b| b.value)
        .max()
        .unwrap_or(0)
        .max(4) as f64
        * 1.18;
    let root = SVGBackend::with_string(svg, (360, 200)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin_top(10)
        .margin_right(6)
        .margin_left(4)
        .margin_bottom(4)
        .x_label_area_size(22)
        .y_label_area_size(0)
        .build_cartesian_2d(0f64..n as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_y_mesh()
        .x_labels(0)
        .y_labels(0)
        .draw()?;
    let bars_drawn: Vec<_> = bars
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            b.value.map(|v| {
                let x = i as f64;
                Rectangle::new([(x + 0.15, 0.0), (x + 0.85, v as f64)], POST.filled())
            })
        })
        .collect();
    chart.draw_series(bars_drawn)?;
    let centre = |v: plotters::style::text_anchor::VPos| {
        TextStyle::from((FAMILY, 14).into_font()).color(&BLACK).pos(
            plotters::style::text_anchor::Pos::new(plotters::style::text_anchor::HPos::Center, v),
        )
    };
    for (i, b) in bars.iter().enumerate() {
        let (x, y0) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            b.label.clone(),
            (x, y0 + 5),
            centre(plotters::style::text_anchor::VPos::Top),
        ))?;
        let (text, h) = match b.value {
            Some(v) => (v.to_string(), v as f64),
            None => ("< 5".to_string(), 0.0),
        };
        let (_, y) = chart.backend_coord(&(0.0, h));
        root.draw(&Text::new(
            text,
            (x, y - 3),
            centre(plotters::style::text_anchor::VPos::Bottom),
        ))?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gain_chart_has_a_bar_per_test_and_its_labels() {
        let svg = gain_chart(
            &[
                GainBar {
                    label: "S1".into(),
                    pre: Some(25.0),
                    post: Some(75.0),
                },
                GainBar {
                    label: "S2".into(),
                    pre: Some(50.0),
                    post: None,
                },
            ],
            ("Pre-test", "Post-test"),
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        for want in ["S1", "S2", "Pre-test", "Post-test", "100%"] {
            assert!(svg.contains(want), "{want} in {svg}");
        }
        // Three data bars (two pre, one post) plus two legend swatches, each in its colour.
        let pre = svg.matches("#A0A7B0").count();
        let post = svg.matches("#155EA8").count();
        assert_eq!((pre, post), (3, 2), "{svg}");
    }

    #[test]
    fn the_trend_chart_draws_a_bar_per_shown_month_with_its_count() {
        let bars: Vec<TrendBar> = [Some(3), None, Some(12), Some(0)]
            .into_iter()
            .enumerate()
            .map(|(i, value)| TrendBar {
                label: format!("M{i}"),
                value,
            })
            .collect();
        let svg = trend_chart(&bars);
        assert!(svg.starts_with("<svg"), "{svg}");
        for want in ["M0", "M3", "\n12\n", "&lt; 5"] {
            assert!(svg.contains(want), "{want} in {svg}");
        }
        // Three bars (3, 12 and the zero-height 0), none for the hidden month.
        assert_eq!(svg.matches("#155EA8").count(), 3, "{svg}");
        assert!(svg.len() < 12_000, "{} bytes", svg.len());
    }

    #[test]
    fn an_empty_chart_still_draws() {
        let svg = gain_chart(&[], ("Pre-test", "Post-test"));
        assert!(svg.contains("</svg>"));
    }
}
