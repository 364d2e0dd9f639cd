//! The environment as an injected value: the core never reads the process environment itself
//! (it also runs in a browser), so callers hand in a map or their own [`Environment`].

use std::collections::{BTreeMap, HashMap};

/// Read access to environment variables.
pub trait Environment {
    /// The variable's value, or `None` if it is unset.
    fn var(&self, name: &str) -> Option<String>;
}

impl Environment for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

impl Environment for crate::sorted_map::SortedMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

impl<S: std::hash::BuildHasher> Environment for HashMap<String, String, S> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

impl Environment for [(&str, &str)] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    }
}

/// Name/value pairs as given (a JS object's members); the last of a repeated name wins.
impl Environment for [(String, String)] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    }
}

impl Environment for Vec<(String, String)> {
    fn var(&self, name: &str) -> Option<String> {
        self.as_slice().var(name)
    }
}

impl<const N: usize> Environment for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<String> {
        self.as_slice().var(name)
    }
}

impl<E: Environment + ?Sized> Environment for &E {
    fn var(&self, name: &str) -> Option<String> {
        (**self).var(name)
    }
}

/// An environment with no variables set.
#[derive(Clone, Copy, Debug, Default)]
pub struct EmptyEnvironment;

impl Environment for EmptyEnvironment {
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
}

/// The value of `name` if it is set and not empty (the SDKs treat `VAR=` like unset for paths,
/// profiles and endpoints).
pub(crate) fn non_empty(env: &dyn Environment, name: &str) -> Option<String> {
    env.var(name).filter(|value| !value.is_empty())
}
