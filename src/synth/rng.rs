//! SplitMix64: a tiny seeded generator, so a synthetic city is the same for
//! the same seed on every machine (no dependency on a rand crate's streams).

/// A SplitMix64 stream.
///
/// ```
/// use linli::synth::rng::Rng;
/// let (mut a, mut b) = (Rng::new(7), Rng::new(7));
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!((0.0..1.0).contains(&a.unit()));
/// ```
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    ///
    /// ```
    /// assert_ne!(linli::synth::rng::Rng::new(1).next_u64(), linli::synth::rng::Rng::new(2).next_u64());
    /// ```
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6c69_6e6c_6953_796e)
    }

    /// An independent stream for a named part of the city, so adding draws
    /// in one part does not shift every other part.
    ///
    /// ```
    /// let r = linli::synth::rng::Rng::new(1);
    /// assert_ne!(r.fork(1).next_u64(), r.fork(2).next_u64());
    /// ```
    pub fn fork(&self, tag: u64) -> Rng {
        let mut r = Rng(self.0 ^ tag.wrapping_mul(0xd6e8_feb8_6659_fd93));
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// let mut r = linli::synth::rng::Rng::new(3);
    /// assert_ne!(r.next_u64(), r.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    ///
    /// ```
    /// let u = linli::synth::rng::Rng::new(4).unit();
    /// assert!((0.0..1.0).contains(&u));
    /// ```
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    ///
    /// ```
    /// let v = linli::synth::rng::Rng::new(5).range(2.0, 3.0);
    /// assert!((2.0..3.0).contains(&v));
    /// ```
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[lo, hi]` (inclusive).
    ///
    /// ```
    /// let v = linli::synth::rng::Rng::new(6).between(3, 5);
    /// assert!((3..=5).contains(&v));
    /// ```
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `p`.
    ///
    /// ```
    /// let mut r = linli::synth::rng::Rng::new(8);
    /// assert!(!r.chance(0.0) && r.chance(1.0));
    /// ```
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Shuffles a slice in place (Fisher–Yates).
    ///
    /// ```
    /// let mut v = vec![1, 2, 3, 4];
    /// linli::synth::rng::Rng::new(9).shuffle(&mut v);
    /// v.sort();
    /// assert_eq!(v, [1, 2, 3, 4]);
    /// ```
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}
