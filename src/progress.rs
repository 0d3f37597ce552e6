//! Progress reporting. Experiments take a `&dyn Progress` and call [`Progress::start`] /
//! [`Progress::inc`]; they know nothing of terminals. The CLI passes a [`Bar`] (indicatif),
//! hidden when stderr is not a terminal or with `--quiet`; library users pass [`Silent`].

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Receiver of progress events (thread safe: experiments call it from rayon workers).
pub trait Progress: Sync {
    /// A new stage of `total` steps begins.
    fn start(&self, stage: &str, total: u64);
    /// `n` steps of the current stage are done.
    fn inc(&self, n: u64);
    /// The current stage is done.
    fn finish(&self) {}
}

/// Ignores all progress events.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: &str, _: u64) {}
    fn inc(&self, _: u64) {}
}

/// An indicatif progress bar on stderr. Bars appear only after one second (short runs stay
/// quiet) and never when stderr is not a terminal or `quiet` is set.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar that draws only when `quiet` is false and stderr is a terminal.
    pub fn new(quiet: bool) -> Self {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {wide_msg} [{bar:20}] {pos}/{len} {elapsed} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, stage: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_message(stage.to_string());
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }
    fn inc(&self, n: u64) {
        self.bar.inc(n);
    }
    fn finish(&self) {
        self.bar.disable_steady_tick();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
