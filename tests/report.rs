//! `grill report` through the real binary, and the page rendered in headless Chromium: to PNG
//! and PDF, with no console error, and with the charts' elements in the rendered DOM.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{Env, s};
use serde_json::Value;

/// A few weeks of drills, so every chart has marks.
fn drilled() -> Env {
    let mut env = Env::new();
    env.run(&["drill", "--new", "8"], &"\n3\n\n1\n\n3\n\n4\n".repeat(4));
    for day in [2, 3, 5, 9, 16] {
        env.day(day).run(&["drill", "--new", "4"], &"\n3\n\n1\n\n3\n\n2\n".repeat(8));
    }
    env.run(&["score", "set", "sql", "4"], "");
    env.run(&["score", "set", "remote communication", "2"], "");
    env
}

/// The readiness charts' marks: a line per area, a measured dot per scorecard row (the six
/// dimensions, then api-design, coding, debugging and security, which no dimension measures)
/// and the two ratings.
fn assert_readiness_marks(html: &str, stats: &Value) {
    for id in ["readiness", "scorecard"] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "{id} chart missing");
    }
    assert_eq!(html.matches("<polyline class=\"area-line\"").count(), stats["areas"].as_array().unwrap().len());
    assert_eq!(html.matches("<circle class=\"measured\"").count(), 10);
    assert_eq!(html.matches("<circle class=\"self\"").count(), 2);
    assert!(html.contains("<title>SQL: your rating 4</title>"), "the self-rating sits on its dimension");
}

fn stats(env: &Env) -> Value {
    serde_json::from_str(&env.run(&["stats", "--json"], "")).unwrap()
}

fn write_report(env: &Env) -> (PathBuf, String) {
    let path = env.dir.path().join("report.html");
    let out = env.run(&["report", "-o", s(&path)], "");
    assert!(out.contains("wrote"), "{out}");
    let html = std::fs::read_to_string(&path).unwrap();
    (path, html)
}

/// Marks the charts should hold: heatmap days, forecast bars and retention bars.
fn expected_marks(stats: &Value) -> (usize, usize, usize) {
    let rates = stats["retention"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["windows"].as_array().unwrap().iter())
        .filter(|w| !w["rate"].is_null())
        .count();
    (stats["heatmap"].as_array().unwrap().len(), stats["forecast"].as_array().unwrap().len(), rates)
}

#[test]
fn the_report_is_one_self_contained_html_file_with_every_chart() {
    let env = drilled();
    let (_, html) = write_report(&env);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for id in ["heatmap", "forecast", "retention"] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "{id} chart missing");
    }
    for external in ["<script", "src=", "href=", "url(", "@import", "@font-face"] {
        assert!(!html.contains(external), "{external} found: the report must need nothing from outside");
    }
    let (days, bars, rates) = expected_marks(&stats(&env));
    assert!(rates > 5, "{rates}");
    assert_eq!(html.matches("<rect class=\"day ").count(), days);
    assert_eq!(html.matches("<rect class=\"bar\"").count(), bars);
    assert_eq!(html.matches("<rect class=\"rate\"").count(), rates);
    assert_readiness_marks(&html, &stats(&env));
    assert!(html.contains("@media print") && html.contains("@page"), "a print stylesheet");
}

#[test]
fn the_report_goes_to_grill_report_html_by_default() {
    let env = Env::new();
    env.grill(&["report"]).current_dir(env.dir.path()).assert().success();
    let html = std::fs::read_to_string(env.dir.path().join("grill-report.html")).unwrap();
    assert!(html.contains("</html>"));
}

/// The Chromium binary, if installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium on `page` with `args`; returns (stdout, stderr).
fn run_chromium(browser: &Path, page: &Path, args: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .timeout(Duration::from_secs(120))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Console messages, uncaught errors and blocked loads Chromium logged.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("Failed to load") || l.contains("net::ERR_")
        })
        .collect()
}

/// Skips (with a message) where Chromium is not installed, unless CI requires it.
fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("GRILL_REQUIRE_CHROMIUM").is_none(),
            "GRILL_REQUIRE_CHROMIUM is set but chromium is not on PATH"
        );
        eprintln!("SKIPPED: chromium is not installed (apt-get install chromium); .ci/run installs it");
    }
    found
}

#[test]
fn the_console_check_catches_a_broken_page() {
    let Some(browser) = browser_or_skip() else { return };
    let env = Env::new();
    let page = env.write("broken.html", "<!DOCTYPE html><p>x</p><script>throw new Error('broken chart')</script>");
    let (_, stderr) = run_chromium(&browser, &page, &["--dump-dom"]);
    assert!(console_errors(&stderr).iter().any(|l| l.contains("broken chart")), "{stderr}");
}

#[test]
fn the_report_renders_in_headless_chromium_without_console_errors() {
    let Some(browser) = browser_or_skip() else { return };
    let env = drilled();
    let (page, _) = write_report(&env);
    let (days, bars, rates) = expected_marks(&stats(&env));

    let (dom, stderr) = run_chromium(&browser, &page, &["--dump-dom"]);
    assert_eq!(console_errors(&stderr), Vec::<&str>::new());
    for id in ["heatmap", "forecast", "retention"] {
        assert!(dom.contains(&format!("<svg id=\"{id}\"")), "{id} not in the rendered DOM");
    }
    assert_eq!(dom.matches("<rect class=\"day ").count(), days);
    assert_eq!(dom.matches("<rect class=\"bar\"").count(), bars);
    assert_eq!(dom.matches("<rect class=\"rate\"").count(), rates);
    assert_readiness_marks(&dom, &stats(&env));

    let png = env.dir.path().join("report.png");
    let (_, stderr) = run_chromium(&browser, &page, &["--window-size=1000,1600", &format!("--screenshot={}", s(&png))]);
    assert_eq!(console_errors(&stderr), Vec::<&str>::new());
    let image = std::fs::read(&png).unwrap();
    assert!(image.starts_with(b"\x89PNG") && image.len() > 20_000, "{} bytes", image.len());

    let pdf = env.dir.path().join("report.pdf");
    let (_, stderr) =
        run_chromium(&browser, &page, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", s(&pdf))]);
    assert_eq!(console_errors(&stderr), Vec::<&str>::new());
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let pages = bytes.windows(11).filter(|w| w == b"/Type /Page").count()
        - bytes.windows(12).filter(|w| w == b"/Type /Pages").count();
    assert!((1..=2).contains(&pages), "the report prints on one or two pages, not {pages}");
}
