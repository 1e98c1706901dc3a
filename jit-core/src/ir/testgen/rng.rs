//! [`Rng`]: a seeded generator with edge-case-biased values.

use super::super::types::WordSize;

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeds the generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        self.below(den as usize) < num as usize
    }

    /// A random element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// An `Int` biased toward edge cases, canonical for `word`.
    pub fn int(&mut self, word: WordSize) -> i64 {
        let x = match self.below(8) {
            0 => self.pick(&[0, 1, -1, 2, 7, -8]),
            1 => self.pick(&[
                word.int_min(),
                word.int_max(),
                word.int_min() + 1,
                word.int_max() - 1,
            ]),
            2 => self.pick(&[
                0x7f,
                0x80,
                0xff,
                0x7fff,
                0x8000,
                0xffff,
                0x7fff_ffff,
                0x8000_0000,
                0xffff_ffff,
            ]),
            3 | 4 => self.below(200) as i64 - 100,
            _ => self.next_u64() as i64,
        };
        word.wrap(x)
    }

    /// A `Float` biased toward special values.
    pub fn float(&mut self) -> f64 {
        match self.below(8) {
            0 => self.pick(&[
                0.0,
                -0.0,
                1.0,
                -1.0,
                0.5,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
            ]),
            1 => self.pick(&[
                1e300,
                -1e-300,
                5e-324,
                2147483648.0,
                -2147483649.0,
                9.3e18,
                -9.3e18,
            ]),
            2 => f64::from_bits(self.next_u64()),
            _ => (self.below(20001) as f64 - 10000.0) / self.pick(&[1.0, 4.0, 3.0, 0.1]),
        }
    }
}
