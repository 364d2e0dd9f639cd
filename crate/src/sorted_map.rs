//! [`SortedMap`]: the ordered map of the config model (profiles, sections, properties, botocore's
//! view of the files), in place of the standard library's `BTreeMap`/`BTreeSet`.
//!
//! Why not `BTreeMap`: each key/value combination brings its own copy of the B-tree's insert,
//! search, iteration and drop code, a large share of the size-budgeted wasm module for the dozen
//! maps the config model uses. This map is two sorted `Vec`s (keys, values): search is a binary search
//! over the keys only, so it is shared by every map with the same key type, and iteration is a
//! slice walk. It serializes as a JSON object in key order, exactly as `BTreeMap` does.
//!
//! Inserting one key at a time moves the entries after it, so a map of thousands of entries built
//! in random order would cost O(n²): [`SortedMap::extend_merging`] (also behind `collect()`) adds
//! many entries with one sort instead. [`SortedMap::insert`] is meant for small maps, such as the
//! properties of one section, and for keys that arrive in order (they are appended).

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;

/// A map kept sorted by key (byte order for `String` keys, as `BTreeMap<String, _>`).
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    /// Strictly ascending.
    keys: Vec<K>,
    /// `values[i]` belongs to `keys[i]`.
    values: Vec<V>,
}

/// A set kept sorted: a [`SortedMap`] without values (a `Vec<()>` allocates nothing).
pub type SortedSet<K> = SortedMap<K, ()>;

/// Borrowing iterator over a map's `(key, value)` pairs, in key order.
pub type Iter<'a, K, V> = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::Iter<'a, V>>;
/// Iterator over a map's `(key, value)` pairs in key order, with the values mutable (the keys
/// are not: changing one would break the order).
pub type IterMut<'a, K, V> = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::IterMut<'a, V>>;
/// Owning iterator over a map's `(key, value)` pairs, in key order.
pub type IntoIter<K, V> = std::iter::Zip<std::vec::IntoIter<K>, std::vec::IntoIter<V>>;

impl<K, V> SortedMap<K, V> {
    /// An empty map; allocates nothing until the first insert, and is `const` so it can
    /// initialise statics.
    pub const fn new() -> Self {
        SortedMap { keys: Vec::new(), values: Vec::new() }
    }

    /// An empty map with room for `capacity` entries: a section's properties are counted before
    /// they are inserted, and growing two vectors entry by entry reallocates each twice for a
    /// typical profile.
    pub fn with_capacity(capacity: usize) -> Self {
        SortedMap { keys: Vec::with_capacity(capacity), values: Vec::with_capacity(capacity) }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.keys.iter().zip(self.values.iter())
    }

    /// The entries in key order, with the values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        self.keys.iter().zip(self.values.iter_mut())
    }

    /// The keys in order.
    pub fn keys(&self) -> std::slice::Iter<'_, K> {
        self.keys.iter()
    }

    /// The values in key order.
    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    /// The values in key order, mutable.
    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.values.iter_mut()
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// `Ok(index)` of `key`, or `Err(index)` where it would be inserted.
    fn search<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        // Keys usually arrive in order: appending needs one comparison, not a search.
        match self.keys.last().map(|last| last.borrow().cmp(key)) {
            None | Some(Ordering::Less) => Err(self.keys.len()),
            Some(Ordering::Equal) => Ok(self.keys.len() - 1),
            Some(Ordering::Greater) => self.keys.binary_search_by(|probe| probe.borrow().cmp(key)),
        }
    }

    /// The value of `key`, if present.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.search(key).ok().and_then(|index| self.values.get(index))
    }

    /// The value of `key`, mutable, if present.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.search(key).ok().and_then(|index| self.values.get_mut(index))
    }

    /// Whether `key` is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.search(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces (the stored key is kept, as in
    /// `BTreeMap::insert`). O(n) when the key is not the largest yet: see the module comment.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.search(&key) {
            Ok(index) => self.values.get_mut(index).map(|slot| std::mem::replace(slot, value)),
            Err(index) => {
                self.keys.insert(index, key);
                self.values.insert(index, value);
                None
            }
        }
    }

    /// The value of `key`, inserting `make()` first if the key is absent (`entry().or_insert_with`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let index = match self.search(&key) {
            Ok(index) => index,
            Err(index) => {
                self.keys.insert(index, key);
                self.values.insert(index, make());
                index
            }
        };
        &mut self.values[index]
    }

    /// Removes `key`, returning its value if it was present. O(n): the later entries move down.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let index = self.search(key).ok()?;
        self.keys.remove(index);
        Some(self.values.remove(index))
    }

    /// Adds many entries with one sort, O((n + m) log(n + m)): the same result as inserting them one
    /// by one in order, except that an entry whose key is already present (in the map or earlier in
    /// `entries`) is handed to `merge` together with the earlier value, which it updates.
    pub fn extend_merging(
        &mut self,
        entries: impl IntoIterator<Item = (K, V)>,
        mut merge: impl FnMut(&mut V, V),
    ) {
        let existing = self.keys.len();
        let entries = entries.into_iter();
        self.keys.reserve(entries.size_hint().0);
        self.values.reserve(entries.size_hint().0);
        for (key, value) in entries {
            self.keys.push(key);
            self.values.push(value);
        }
        if self.keys.len() > existing {
            self.sort_merging(&mut merge);
        }
    }

    /// Sorts the entries by key, stably, handing each repeated key's value to `merge`. One copy per
    /// key and value type whatever the merge function (it is called through a `dyn`).
    #[inline(never)]
    fn sort_merging(&mut self, merge: &mut dyn FnMut(&mut V, V)) {
        let mut order = stable_order(self.keys.len(), &|a, b| self.keys[a].cmp(&self.keys[b]));
        // Entry `order[i]` moves to `i`, one cycle of the permutation at a time, by swaps.
        for start in 0..order.len() {
            let mut current = start;
            while let Some(&next) = order.get(current).filter(|&&next| next != MOVED) {
                order[current] = MOVED;
                if next == start {
                    break;
                }
                self.keys.swap(current, next);
                self.values.swap(current, next);
                current = next;
            }
        }
        if self.keys.windows(2).all(|pair| pair[0] != pair[1]) {
            return;
        }
        let (keys, values) = (std::mem::take(&mut self.keys), std::mem::take(&mut self.values));
        self.keys.reserve(keys.len());
        self.values.reserve(values.len());
        for (key, value) in keys.into_iter().zip(values) {
            match (self.keys.last(), self.values.last_mut()) {
                (Some(last), Some(earlier)) if *last == key => merge(earlier, value),
                _ => {
                    self.keys.push(key);
                    self.values.push(value);
                }
            }
        }
    }
}

/// Marks an entry already in place while [`SortedMap::sort_merging`] permutes.
const MOVED: usize = usize::MAX;

/// The indices `0..len` in ascending order by `compare` (which compares the items at two indices),
/// equal items in their original order. Not generic over the items, so the wasm module holds one
/// copy of the standard library's stable sort for every map and list the core orders, not one per
/// item type.
#[inline(never)]
pub(crate) fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values)
    }
}

/// The merge function of [`SortedMap::extend_merging`] that makes it behave like `insert`: the later
/// value replaces the earlier one.
fn keep_later<V>(earlier: &mut V, later: V) {
    *earlier = later;
}

/// The last value of a repeated key wins, as with `BTreeMap`.
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = SortedMap::new();
        map.extend_merging(entries, keep_later);
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

/// A JSON object (or any serde map) in key order, exactly what `BTreeMap` writes.
impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// From any serde map; the last value of a repeated key wins, as with `BTreeMap`.
impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(std::marker::PhantomData<(K, V)>);

        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> serde::de::Visitor<'de> for MapVisitor<K, V> {
            type Value = SortedMap<K, V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = access.next_entry()? {
                    entries.push(entry);
                }
                Ok(entries.into_iter().collect())
            }
        }

        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A small deterministic generator (xorshift), so the test needs no dependency.
    fn pseudo_random(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn behaves_like_btree_map_under_random_operations() {
        let mut seed = 0x2545_f491_4f6c_dd1d;
        let mut ours: SortedMap<String, u64> = SortedMap::new();
        let mut reference: BTreeMap<String, u64> = BTreeMap::new();
        for step in 0..5_000u64 {
            let key = format!("k{}", pseudo_random(&mut seed) % 300);
            match pseudo_random(&mut seed) % 5 {
                0 | 1 => assert_eq!(ours.insert(key.clone(), step), reference.insert(key, step)),
                2 => assert_eq!(ours.remove(key.as_str()), reference.remove(key.as_str())),
                3 => {
                    *ours.get_or_insert_with(key.clone(), || step) += 1;
                    *reference.entry(key).or_insert_with(|| step) += 1;
                }
                _ => {
                    assert_eq!(ours.get(key.as_str()), reference.get(key.as_str()));
                    assert_eq!(ours.contains_key(&key), reference.contains_key(&key));
                }
            }
        }
        assert_eq!(ours.len(), reference.len());
        assert!(ours.iter().eq(reference.iter()));
        assert!(ours.keys().eq(reference.keys()));
        assert!(ours.values().eq(reference.values()));
        assert_eq!(format!("{ours:?}"), format!("{reference:?}"));
    }

    #[test]
    fn extend_merging_folds_later_entries_into_earlier_ones_in_order() {
        let mut ours: SortedMap<String, Vec<u32>> =
            [("b".to_owned(), vec![0]), ("d".to_owned(), vec![1])].into();
        let mut seed = 7;
        let entries: Vec<(String, Vec<u32>)> =
            (2..2_000).map(|n| (format!("{}", pseudo_random(&mut seed) % 50), vec![n])).collect();
        // The same thing done one entry at a time.
        let mut reference: BTreeMap<String, Vec<u32>> =
            ours.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (key, value) in entries.clone() {
            reference.entry(key).or_default().extend(value);
        }
        ours.extend_merging(entries, |earlier, later| earlier.extend(later));
        assert!(ours.iter().eq(reference.iter()));
    }

    #[test]
    fn collect_keeps_the_last_value_of_a_key_and_sorts_by_bytes() {
        let map: SortedMap<String, u32> = [("b", 1), ("B", 2), ("a", 3), ("b", 4), ("é", 5), ("z", 6)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        let reference: BTreeMap<String, u32> = [("b", 1), ("B", 2), ("a", 3), ("b", 4), ("é", 5), ("z", 6)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        assert!(map.iter().eq(reference.iter()));
        assert_eq!(map.get("b"), Some(&4));
    }

    #[test]
    fn json_is_the_same_as_btree_map() {
        let map: SortedMap<String, SortedMap<String, u32>> = [
            ("zeta".to_owned(), [("y".to_owned(), 1), ("x".to_owned(), 2)].into()),
            ("alpha".to_owned(), SortedMap::new()),
        ]
        .into();
        let reference: BTreeMap<String, BTreeMap<String, u32>> = [
            ("zeta".to_owned(), [("y".to_owned(), 1), ("x".to_owned(), 2)].into()),
            ("alpha".to_owned(), BTreeMap::new()),
        ]
        .into();
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, serde_json::to_string(&reference).unwrap());
        assert_eq!(json, r#"{"alpha":{},"zeta":{"x":2,"y":1}}"#);
        let back: SortedMap<String, SortedMap<String, u32>> =
            serde_json::from_str(r#"{"zeta":{"y":1,"x":2,"y":3},"alpha":{}}"#).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), r#"{"alpha":{},"zeta":{"x":2,"y":3}}"#);
    }

    #[test]
    fn stable_order_sorts_and_keeps_equal_items_in_order() {
        let mut seed = 99;
        for len in [0, 1, 2, 3, 7, 8, 9, 64, 1000] {
            let ranks: Vec<u64> = (0..len).map(|_| pseudo_random(&mut seed) % 10).collect();
            let order = stable_order(ranks.len(), &|a, b| ranks[a].cmp(&ranks[b]));
            let mut expected: Vec<usize> = (0..len).collect();
            expected.sort_by_key(|&index| ranks[index]);
            assert_eq!(order, expected, "{ranks:?}");
        }
    }
}
