//! Progress of long command-line work (`tradewatch import`, `tradewatch generate`): a bar on a
//! terminal, and otherwise (a log file, a pipe, CI) a plain line at every tenth of each stage,
//! so that someone watching knows the work is moving and how far it has come. Both go to
//! stderr: stdout keeps only what the command did, printed at the end. Work run inside the
//! server (seeding the bundled dataset) and in tests shows nothing.

use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Long work in stages, each counted in its own unit.
#[derive(Debug)]
pub struct Progress {
    shown: Shown,
    /// The stage under way: what it is and what it counts.
    stage: Mutex<(&'static str, &'static str)>,
    total: AtomicU64,
    done: AtomicU64,
    /// Plain lines: the last tenth of the stage that was reported.
    reported: AtomicU64,
}

#[derive(Debug)]
enum Shown {
    Nothing,
    Bar(ProgressBar),
    Lines,
}

impl Progress {
    fn with(shown: Shown) -> Self {
        Self {
            shown,
            stage: Mutex::new(("", "")),
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            reported: AtomicU64::new(0),
        }
    }

    /// Shows nothing: for work inside the server and in tests.
    pub fn hidden() -> Self {
        Self::with(Shown::Nothing)
    }

    /// Shows the work on stderr: a bar when stderr is a terminal, plain lines otherwise.
    pub fn on_stderr() -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix} [{bar:32}] {human_pos}/{human_len} {msg} ({percent}%, {eta} left)",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            Self::with(Shown::Bar(bar))
        } else {
            Self::with(Shown::Lines)
        }
    }

    /// A new stage: `total` `unit`s of `what`.
    pub fn stage(&self, what: &'static str, unit: &'static str, total: u64) {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = (what, unit);
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.reported.store(0, Ordering::Relaxed);
        match &self.shown {
            Shown::Nothing => {}
            Shown::Bar(bar) => {
                bar.set_prefix(what);
                bar.set_message(unit);
                bar.set_length(total);
                bar.set_position(0);
            }
            Shown::Lines => eprintln!("{what}: {total} {unit}"),
        }
    }

    /// `n` more units of the stage done.
    pub fn add(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        match &self.shown {
            Shown::Nothing => {}
            Shown::Bar(bar) => bar.set_position(done),
            Shown::Lines => {
                let total = self.total.load(Ordering::Relaxed);
                let tenth = (done.saturating_mul(10) / total.max(1)).min(10);
                if tenth > self.reported.fetch_max(tenth, Ordering::Relaxed) {
                    let (what, unit) = *self.stage.lock().unwrap_or_else(|e| e.into_inner());
                    eprintln!(
                        "{what}: {} of {total} {unit} ({}%)",
                        done.min(total),
                        tenth * 10
                    );
                }
            }
        }
    }

    /// The work is over: the bar is cleared, and the command prints what it did.
    pub fn finish(&self) {
        if let Shown::Bar(bar) = &self.shown {
            bar.finish_and_clear();
        }
    }

    /// Units of the stage done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tenth_of_a_stage_is_reported_once() {
        let lines = Progress::with(Shown::Lines);
        lines.stage("test", "things", 100);
        for _ in 0..35 {
            lines.add(1);
        }
        assert_eq!(lines.done(), 35);
        assert_eq!(lines.reported.load(Ordering::Relaxed), 3);
        // A new stage counts from nothing.
        lines.stage("next", "steps", 4);
        lines.add(4);
        assert_eq!(lines.reported.load(Ordering::Relaxed), 10);
        let hidden = Progress::hidden();
        hidden.add(7);
        assert_eq!(hidden.done(), 7);
    }
}
