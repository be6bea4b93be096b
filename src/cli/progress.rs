//! A progress bar on stderr while a large capture file is read. Shown only
//! when stderr is a terminal, so pipes and CI logs never see it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::capture::{CaptureError, FileSource, FrameRef, FrameSource, SourceEvent};

/// Files smaller than this are read too fast for a bar to be useful.
pub const MIN_BYTES: u64 = 8 * 1024 * 1024;
/// The bar is updated every this many frames.
const EVERY: u32 = 8192;

/// A file source that advances a progress bar as it is read.
pub struct Progress {
    inner: FileSource,
    bar: ProgressBar,
    frames: u32,
}

impl Progress {
    /// Wraps `source` when its file is large and stderr is a terminal.
    pub fn wrap(source: FileSource, size: Option<u64>) -> Box<dyn FrameSource + Send> {
        match size {
            Some(size) if size >= MIN_BYTES && std::io::stderr().is_terminal() => {
                let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
                if let Ok(style) = ProgressStyle::with_template(
                    "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_message(crate::report::escape(source.name()).into_owned());
                Box::new(Progress {
                    inner: source,
                    bar,
                    frames: 0,
                })
            }
            _ => Box::new(source),
        }
    }
}

impl FrameSource for Progress {
    fn next_frame(&mut self) -> Result<Option<FrameRef<'_>>, CaptureError> {
        self.frames = self.frames.wrapping_add(1);
        if self.frames % EVERY == 0 {
            self.bar.set_position(self.inner.bytes_read());
        }
        let next = self.inner.next_frame();
        if matches!(next, Ok(None) | Err(_)) {
            self.bar.finish_and_clear();
        }
        next
    }

    fn next_event(&mut self) -> Result<SourceEvent<'_>, CaptureError> {
        Ok(match self.next_frame()? {
            Some(frame) => SourceEvent::Frame(frame),
            None => SourceEvent::End,
        })
    }
}
