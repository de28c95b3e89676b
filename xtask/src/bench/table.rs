//! The one table every benchmark's figures end in, and what fails the run.

use super::Mode;
use crate::util::{clip, Result};

/// One figure: what was measured, its goal, and how it fared.
pub struct Row {
    pub name: String,
    pub measured: String,
    pub goal: String,
    pub state: State,
}

pub enum State {
    /// A time or a score: judged in the full run, only reported in the short pass (timings on
    /// a shared CI machine are noise).
    Timing { within: bool },
    /// A byte size (stable from run to run): judged in both. The short pass judges it against
    /// its CI ceiling when it has one (a ratchet on the way down to the goal), else the goal.
    Bytes {
        within: bool,
        ceiling: Option<Ceiling>,
    },
    /// A figure shown for comparison, with no goal of its own.
    Info,
    /// The thing measured does not exist yet (e.g. an endpoint still to come).
    Unavailable(String),
    /// The benchmark could not measure: always a failure.
    Failed(String),
}

pub struct Ceiling {
    pub limit: u64,
    pub within: bool,
}

impl Row {
    pub fn timing(name: impl Into<String>, measured: String, goal: String, within: bool) -> Row {
        Row {
            name: name.into(),
            measured,
            goal,
            state: State::Timing { within },
        }
    }

    /// A size in bytes against its goal and, for CI, an optional ceiling.
    pub fn bytes(name: impl Into<String>, bytes: u64, goal: u64, ceiling: Option<u64>) -> Row {
        Row {
            name: name.into(),
            measured: kb(bytes),
            goal: format!("≤ {}", kb(goal)),
            state: State::Bytes {
                within: bytes <= goal,
                ceiling: ceiling.map(|limit| Ceiling {
                    limit,
                    within: bytes <= limit,
                }),
            },
        }
    }

    pub fn info(name: impl Into<String>, measured: String) -> Row {
        Row {
            name: name.into(),
            measured,
            goal: "—".into(),
            state: State::Info,
        }
    }

    pub fn unavailable(name: impl Into<String>, why: &str) -> Row {
        Row {
            name: name.into(),
            measured: "not available".into(),
            goal: String::new(),
            state: State::Unavailable(why.into()),
        }
    }

    pub fn failed(name: impl Into<String>, error: &str) -> Row {
        Row {
            name: name.into(),
            measured: "—".into(),
            goal: String::new(),
            state: State::Failed(error.into()),
        }
    }

    /// Whether this row fails the run in `mode`.
    pub fn fails(&self, mode: Mode) -> bool {
        match (&self.state, mode) {
            (State::Failed(_), _) => true,
            (State::Timing { within }, Mode::Full) => !within,
            (State::Timing { .. }, Mode::Short) => false,
            (State::Bytes { within, .. }, Mode::Full) => !within,
            (State::Bytes { within, ceiling }, Mode::Short) => {
                !ceiling.as_ref().map_or(*within, |c| c.within)
            }
            (State::Info | State::Unavailable(_), _) => false,
        }
    }

    fn verdict(&self, mode: Mode) -> String {
        let word = |within: bool| if within { "ok" } else { "over" };
        match (&self.state, mode) {
            (State::Timing { within }, Mode::Full) => word(*within).into(),
            (State::Timing { within }, Mode::Short) => format!("{} (reported)", word(*within)),
            (State::Bytes { within, ceiling }, _) => match (ceiling, mode) {
                (Some(c), Mode::Short) => format!(
                    "{}; CI ceiling {}: {}",
                    word(*within),
                    kb(c.limit),
                    if c.within { "ok" } else { "OVER" }
                ),
                _ => word(*within).into(),
            },
            (State::Info, _) => String::new(),
            (State::Unavailable(why), _) => clip(why, 70),
            (State::Failed(error), _) => {
                format!("FAILED: {}", clip(error.lines().next().unwrap_or(""), 90))
            }
        }
    }
}

/// `123.4 KB` (1 KB = 1,000 bytes, as the budgets are written).
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// `1.23 ms`, `845 ms`, `3.40 s`.
pub fn millis(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// A budget in the words it is written in: `50 ms`, `1.5 s`.
pub fn limit_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{} s", ms / 1000.0)
    } else {
        format!("{ms} ms")
    }
}

pub fn print(rows: &[Row], mode: Mode) {
    let verdicts: Vec<String> = rows.iter().map(|r| r.verdict(mode)).collect();
    let width = |f: &dyn Fn(&Row) -> &str, title: &str| {
        rows.iter()
            .map(|r| f(r).chars().count())
            .chain([title.chars().count()])
            .max()
            .unwrap_or(0)
    };
    let (wn, wm, wg) = (
        width(&|r| &r.name, "benchmark"),
        width(&|r| &r.measured, "measured"),
        width(&|r| &r.goal, "goal"),
    );
    let title = match mode {
        Mode::Full => "Benchmarks",
        Mode::Short => "Benchmarks, short pass (timings reported, byte sizes checked)",
    };
    println!("\n==> {title}\n");
    println!(
        "{:<wn$}  {:>wm$}  {:<wg$}  verdict",
        "benchmark", "measured", "goal"
    );
    println!("{}", "-".repeat(wn + wm + wg + 6 + 30));
    let mut group = "";
    for (row, verdict) in rows.iter().zip(&verdicts) {
        // A blank line between benchmarks (the name's first word).
        let first = row.name.split_whitespace().next().unwrap_or("");
        if !group.is_empty() && first != group {
            println!();
        }
        group = first;
        println!(
            "{:<wn$}  {:>wm$}  {:<wg$}  {verdict}",
            row.name, row.measured, row.goal
        );
    }
}

/// Ok, or an error naming the figures that fail the run.
pub fn verdict(rows: &[Row], mode: Mode) -> Result {
    let failing: Vec<&str> = rows
        .iter()
        .filter(|r| r.fails(mode))
        .map(|r| r.name.as_str())
        .collect();
    if failing.is_empty() {
        println!("\nbench: every checked figure within its budget");
        return Ok(());
    }
    Err(format!(
        "{} figure(s) over budget or not measured: {}",
        failing.len(),
        clip(&failing.join(", "), 600)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_pass_fails_only_on_errors_and_byte_ceilings() {
        let slow = Row::timing("t", "20 ms".into(), "≤ 16 ms".into(), false);
        assert!(slow.fails(Mode::Full));
        assert!(!slow.fails(Mode::Short));

        let big_under_ceiling = Row::bytes("b", 400_000, 150_000, Some(450_000));
        assert!(big_under_ceiling.fails(Mode::Full));
        assert!(!big_under_ceiling.fails(Mode::Short));
        let big_over_ceiling = Row::bytes("b", 460_000, 150_000, Some(450_000));
        assert!(big_over_ceiling.fails(Mode::Short));
        let no_ceiling = Row::bytes("b", 160_000, 150_000, None);
        assert!(no_ceiling.fails(Mode::Short));

        assert!(Row::failed("f", "boom").fails(Mode::Short));
        assert!(!Row::unavailable("u", "404").fails(Mode::Full));
        assert!(!Row::info("i", "1".into()).fails(Mode::Full));
    }

    #[test]
    fn figures_read_as_written_in_the_budgets() {
        assert_eq!(kb(150_000), "150.0 KB");
        assert_eq!(millis(3400.0), "3.40 s");
        assert_eq!(millis(156.4), "156 ms");
        assert_eq!(millis(4.256), "4.26 ms");
        assert_eq!(limit_ms(1500.0), "1.5 s");
        assert_eq!(limit_ms(50.0), "50 ms");
    }
}
