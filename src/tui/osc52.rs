//! Copying to the clipboard with OSC 52, the terminal's own clipboard escape.
//!
//! Works over SSH and in most terminals. Inside tmux it is sent twice: plain, which tmux
//! itself takes into its buffer (and forwards to the outer terminal) with its default
//! `set-clipboard external`/`on`, and wrapped in tmux's passthrough for setups that turn
//! that off but allow passthrough (`allow-passthrough on`).

use base64::Engine as _;

/// The OSC 52 sequence that puts `text` on the clipboard; inside tmux, the plain sequence
/// followed by the same wrapped in tmux's passthrough.
pub fn sequence(text: &str, tmux: bool) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let osc = format!("\x1b]52;c;{payload}\x07");
    if tmux {
        // Every ESC inside a passthrough must be doubled.
        format!("{osc}\x1bPtmux;{}\x1b\\", osc.replace('\x1b', "\x1b\x1b"))
    } else {
        osc
    }
}

/// Whether this process runs inside tmux (`$TMUX` is set and not empty).
pub fn in_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_sequence_is_base64() {
        assert_eq!(sequence("abc", false), "\x1b]52;c;YWJj\x07");
        assert_eq!(sequence("", false), "\x1b]52;c;\x07");
    }

    /// In tmux: plain first (tmux's own `set-clipboard` takes it, default settings), then
    /// wrapped for passthrough with every ESC doubled.
    #[test]
    fn tmux_gets_plain_then_passthrough() {
        assert_eq!(
            sequence("abc", true),
            "\x1b]52;c;YWJj\x07\x1bPtmux;\x1b\x1b]52;c;YWJj\x07\x1b\\"
        );
    }
}
