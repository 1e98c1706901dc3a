//! Side-by-side benchmarks; each binary in `src/bin` prints ratios against a named peer.
pub mod compile;
