//! The list of what was removed, as the reporter reads it.

/// Human-readable items, each once, in the order first found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Removed(Vec<String>);

impl Removed {
    /// Adds `item` unless it is already listed.
    pub(crate) fn add(&mut self, item: &str) {
        if !self.0.iter().any(|i| i == item) {
            self.0.push(item.to_owned());
        }
    }

    /// Adds each of `other`'s items with where they were found.
    pub(crate) fn add_in(&mut self, other: Removed, place: &str) {
        for item in other.0 {
            self.add(&format!("{item} in {place}"));
        }
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.0
    }
}
