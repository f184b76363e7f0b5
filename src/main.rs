//! vbshare entry point (wired in the next commit).

fn main() {}
