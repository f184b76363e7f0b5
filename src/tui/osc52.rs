//! Copying to the clipboard with OSC 52, the terminal's own clipboard escape.
//!
//! Works over SSH and in most terminals; inside tmux the sequence is wrapped in tmux's
//! passthrough so tmux forwards it to the outer terminal (needs `allow-passthrough on`,
//! or tmux's own `set-clipboard`).

use base64::Engine as _;

/// The OSC 52 sequence that puts `text` on the clipboard; wrapped for tmux when `tmux`.
pub fn sequence(text: &str, tmux: bool) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let osc = format!("\x1b]52;c;{payload}\x07");
    if tmux {
        // Every ESC inside a passthrough must be doubled.
        format!("\x1bPtmux;{}\x1b\\", osc.replace('\x1b', "\x1b\x1b"))
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

    #[test]
    fn tmux_passthrough_doubles_escapes() {
        assert_eq!(
            sequence("abc", true),
            "\x1bPtmux;\x1b\x1b]52;c;YWJj\x07\x1b\\"
        );
    }
}
