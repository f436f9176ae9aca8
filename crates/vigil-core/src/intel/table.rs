//! A longest-prefix-match table for IPv4 (`u32`) and IPv6 (`u128`) prefixes.
//!
//! Prefixes may nest and overlap. At build time the address space is cut into disjoint ranges
//! within which the set of covering prefixes is constant; each range points to one deduplicated
//! set (entry indices, longest prefix first, at most one per list). A lookup is one binary search
//! over the range starts; for IPv4 a direct index on the top bits (about two ranges per slot)
//! narrows that search to one or two probes, so a lookup touches two or three cache lines.

use std::collections::HashMap;
use std::hash::Hash;

/// An address as an unsigned integer.
pub trait Addr: Copy + Ord + Eq + Hash + Default + std::fmt::Debug {
    const BITS: u8;
    /// The last address of the prefix `self/len`.
    fn last(self, len: u8) -> Self;
    /// `self` with host bits (beyond `len`) cleared.
    fn network(self, len: u8) -> Self;
    fn checked_next(self) -> Option<Self>;
    /// IPv4 only: the address as `u32`, for the direct index. `None` for IPv6.
    fn as_u32(self) -> Option<u32>;
}

impl Addr for u32 {
    const BITS: u8 = 32;
    fn last(self, len: u8) -> Self {
        self | u32::MAX.checked_shr(len as u32).unwrap_or(0)
    }
    fn network(self, len: u8) -> Self {
        if len == 0 {
            0
        } else {
            self & (u32::MAX << (32 - len.min(32) as u32))
        }
    }
    fn checked_next(self) -> Option<Self> {
        self.checked_add(1)
    }
    #[inline]
    fn as_u32(self) -> Option<u32> {
        Some(self)
    }
}

impl Addr for u128 {
    const BITS: u8 = 128;
    fn last(self, len: u8) -> Self {
        if len == 0 {
            u128::MAX
        } else if len >= 128 {
            self
        } else {
            self | (u128::MAX >> len as u32)
        }
    }
    fn network(self, len: u8) -> Self {
        if len == 0 {
            0
        } else {
            self & (u128::MAX << (128 - len.min(128) as u32))
        }
    }
    fn checked_next(self) -> Option<Self> {
        self.checked_add(1)
    }
    #[inline]
    fn as_u32(self) -> Option<u32> {
        None
    }
}

/// One prefix with the list it belongs to and an opaque tag (the indicator's category).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrefixEntry<A> {
    pub base: A,
    pub len: u8,
    pub list: u16,
    pub tag: u8,
}

#[derive(Clone, Copy, Debug)]
struct Range<A> {
    start: A,
    /// Set id; the top bit says whether some entry of the set is flagged (see `build`).
    set: u32,
}

const FLAG: u32 = 1 << 31;

/// The built table. `entries` keeps the prefixes so that a hit can name the indicator.
#[derive(Clone, Debug, Default)]
pub struct PrefixTable<A: Addr> {
    entries: Vec<PrefixEntry<A>>,
    /// The disjoint ranges, ascending by start; the first starts at address 0. Start and set
    /// sit side by side so the binary search's last probe also brings the answer.
    ranges: Vec<Range<A>>,
    /// Each set as `(offset, length)` into `set_items`; set 0 is the empty set.
    sets: Vec<(u32, u16)>,
    set_items: Vec<u32>,
    /// IPv4 only: `index[h]` is the first range whose start is ≥ `h << index_shift`. Sized
    /// to about two ranges per slot, so the binary search after it is one or two probes.
    index: Vec<u32>,
    index_shift: u32,
}

impl<A: Addr> PrefixTable<A> {
    /// Builds the table. Host bits of each base are cleared. `flagged(tag)` marks entries that
    /// [`PrefixTable::any_flagged`] answers for without touching the entries.
    pub fn build(mut entries: Vec<PrefixEntry<A>>, flagged: impl Fn(u8) -> bool) -> Self {
        for e in &mut entries {
            e.len = e.len.min(A::BITS);
            e.base = e.base.network(e.len);
        }
        // Longer prefixes after shorter ones with the same base, so containers come first.
        entries.sort_unstable_by_key(|e| (e.base, e.len, e.list, e.tag));
        entries.dedup_by(|a, b| a.base == b.base && a.len == b.len && a.list == b.list);

        let mut bounds: Vec<A> = Vec::with_capacity(entries.len() * 2 + 1);
        bounds.push(A::default());
        for e in &entries {
            bounds.push(e.base);
            if let Some(n) = e.base.last(e.len).checked_next() {
                bounds.push(n);
            }
        }
        bounds.sort_unstable();
        bounds.dedup();

        let mut set_ids: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut set_items: Vec<u32> = Vec::new();
        let mut sets: Vec<(u32, u16)> = vec![(0, 0)];
        set_ids.insert(Vec::new(), 0);
        let mut ranges: Vec<Range<A>> = Vec::with_capacity(bounds.len());
        let mut active: Vec<u32> = Vec::new();
        let mut next = 0usize;
        let mut key: Vec<u32> = Vec::new();
        let mut seen_lists: Vec<u16> = Vec::new();
        for &b in &bounds {
            active.retain(|&i| {
                let e = &entries[i as usize];
                e.base.last(e.len) >= b
            });
            while next < entries.len() && entries[next].base == b {
                active.push(next as u32);
                next += 1;
            }
            // Longest prefix first; keep one (the longest) per list.
            key.clear();
            key.extend_from_slice(&active);
            key.sort_unstable_by(|&x, &y| entries[y as usize].len.cmp(&entries[x as usize].len));
            seen_lists.clear();
            key.retain(|&i| {
                let l = entries[i as usize].list;
                if seen_lists.contains(&l) {
                    false
                } else {
                    seen_lists.push(l);
                    true
                }
            });
            let id = match set_ids.get(&key) {
                Some(&s) => s,
                None => {
                    let id = sets.len() as u32;
                    sets.push((set_items.len() as u32, key.len().min(u16::MAX as usize) as u16));
                    set_items.extend_from_slice(&key);
                    set_ids.insert(key.clone(), id);
                    id
                }
            };
            let flag = if key.iter().any(|&i| flagged(entries[i as usize].tag)) { FLAG } else { 0 };
            let set = id | flag;
            if ranges.last().map(|r| r.set) == Some(set) {
                continue; // same set as the previous range: extend it
            }
            ranges.push(Range { start: b, set });
        }
        let mut table = Self { entries, ranges, sets, set_items, index: Vec::new(), index_shift: 32 };
        if A::default().as_u32().is_some() {
            table.build_index();
        }
        table
    }

    fn build_index(&mut self) {
        let bits = (usize::BITS - self.ranges.len().leading_zeros()).saturating_sub(1).clamp(8, 24);
        self.index_shift = 32 - bits;
        let slots = 1u64 << bits;
        let mut index = Vec::with_capacity(slots as usize + 1);
        let mut k = 0usize;
        for h in 0..=slots {
            while k < self.ranges.len()
                && (self.ranges[k].start.as_u32().unwrap_or(0) as u64) < (h << self.index_shift)
            {
                k += 1;
            }
            index.push(k as u32);
        }
        self.index = index;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of disjoint ranges (for size reports).
    pub fn ranges(&self) -> usize {
        self.ranges.len()
    }

    #[inline]
    fn find(&self, addr: A) -> Option<u32> {
        if self.ranges.is_empty() {
            return None;
        }
        let k = if let (Some(x), false) = (addr.as_u32(), self.index.is_empty()) {
            let h = (x >> self.index_shift) as usize;
            let lo = self.index[h] as usize;
            let hi = self.index[h + 1] as usize;
            lo + self.ranges[lo..hi].partition_point(|r| r.start <= addr) - 1
        } else {
            self.ranges.partition_point(|r| r.start <= addr) - 1
        };
        Some(self.ranges[k].set)
    }

    /// Entry indices of the prefixes covering `addr`, longest first, one per list.
    #[inline]
    pub fn lookup(&self, addr: A) -> &[u32] {
        match self.find(addr) {
            Some(set) => {
                let (off, n) = self.sets[(set & !FLAG) as usize];
                &self.set_items[off as usize..off as usize + n as usize]
            }
            None => &[],
        }
    }

    /// `true` when a flagged entry covers `addr` (one binary search, entries untouched).
    #[inline]
    pub fn any_flagged(&self, addr: A) -> bool {
        self.find(addr).is_some_and(|s| s & FLAG != 0)
    }

    /// `true` when any entry covers `addr`.
    #[inline]
    pub fn contains(&self, addr: A) -> bool {
        self.find(addr).is_some_and(|s| s & !FLAG != 0)
    }

    pub fn entry(&self, i: u32) -> &PrefixEntry<A> {
        &self.entries[i as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(base: u32, len: u8, list: u16) -> PrefixEntry<u32> {
        PrefixEntry { base, len, list, tag: 0 }
    }

    #[test]
    fn nested_prefixes_longest_first_one_per_list() {
        let t = PrefixTable::build(
            vec![
                e(0x0A00_0000, 8, 0),  // 10/8 list 0
                e(0x0A01_0000, 16, 0), // 10.1/16 list 0
                e(0x0A01_0203, 32, 1), // 10.1.2.3 list 1
                e(0xC000_0200, 24, 2), // 192.0.2/24
            ],
            |_| false,
        );
        let hit = |x: u32| t.lookup(x).iter().map(|&i| (t.entry(i).len, t.entry(i).list)).collect::<Vec<_>>();
        assert_eq!(hit(0x0A01_0203), vec![(32, 1), (16, 0)]);
        assert_eq!(hit(0x0A01_0204), vec![(16, 0)]);
        assert_eq!(hit(0x0A02_0000), vec![(8, 0)]);
        assert_eq!(hit(0x0B00_0000), vec![]);
        assert_eq!(hit(0x09FF_FFFF), vec![]);
        assert_eq!(hit(0xC000_02FF), vec![(24, 2)]);
        assert_eq!(hit(0xC000_0300), vec![]);
        assert_eq!(hit(0), vec![]);
        assert_eq!(hit(u32::MAX), vec![]);
    }

    #[test]
    fn whole_space_and_edges() {
        let t = PrefixTable::build(vec![e(0, 0, 0), e(u32::MAX, 32, 1)], |_| false);
        assert_eq!(t.lookup(u32::MAX).len(), 2);
        assert_eq!(t.lookup(12345).len(), 1);
        let t6 = PrefixTable::<u128>::build(
            vec![PrefixEntry { base: 0x2001_0db8 << 96, len: 32, list: 0, tag: 0 }],
            |_| true,
        );
        assert_eq!(t6.lookup((0x2001_0db8 << 96) | 5).len(), 1);
        assert_eq!(t6.lookup(0x2001_0db9 << 96).len(), 0);
    }

    #[test]
    fn matches_a_linear_scan() {
        // Pseudo-random prefixes against a brute-force check.
        let mut x: u64 = 0x1234_5678_9abc_def0;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let entries: Vec<_> = (0..2000)
            .map(|i| {
                e(
                    rnd() as u32 & 0xFFF0_0000 | (rnd() as u32 & 0xFFFF),
                    8 + (rnd() % 25) as u8,
                    (i % 5) as u16,
                )
            })
            .collect();
        let t = PrefixTable::build(entries.clone(), |_| false);
        for _ in 0..20000 {
            let a = rnd() as u32 & 0xFFF0_FFFF;
            let mut expect: Vec<(u8, u16)> = Vec::new();
            for l in 0..5u16 {
                let best = entries
                    .iter()
                    .filter(|p| p.list == l && a.network(p.len) == p.base.network(p.len))
                    .map(|p| p.len)
                    .max();
                if let Some(b) = best {
                    expect.push((b, l));
                }
            }
            let mut got: Vec<(u8, u16)> =
                t.lookup(a).iter().map(|&i| (t.entry(i).len, t.entry(i).list)).collect();
            got.sort();
            expect.sort();
            assert_eq!(got, expect, "address {a:#x}");
        }
    }
}
