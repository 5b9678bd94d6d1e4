//! The ground every feature stands on for what may be shared with whom:
//! the fixed vocabularies of a report ([`catalogue`]), sea areas (from
//! `lookout-geo`), and the TLP levels with who may read each
//! ([`clearance`]). It names no feature: features import it, never the
//! other way round.

pub mod catalogue;
pub mod clearance;

pub(crate) use lookout_geo as sea_areas;

/// The fixed lists a report form offers. Pages that show the shared form
/// fields (`reports/_facts.html`) implement it (empty impl).
pub trait Catalogue {
    fn classes(&self) -> &'static [catalogue::Class] {
        catalogue::CLASSES
    }
    fn family_label(&self, class: &catalogue::Class) -> &'static str {
        class.family.label()
    }
    fn systems(&self) -> &'static [catalogue::Entry] {
        catalogue::SYSTEMS
    }
    fn vessel_types(&self) -> &'static [catalogue::Entry] {
        catalogue::VESSEL_TYPES
    }
    fn vessel_sizes(&self) -> &'static [catalogue::Entry] {
        catalogue::VESSEL_SIZES
    }
    fn impacts(&self) -> &'static [catalogue::Entry] {
        catalogue::IMPACT_LEVELS
    }
    fn tlps(&self) -> &'static [catalogue::Entry] {
        catalogue::TLP_LEVELS
    }
    fn sea_areas(&self) -> &'static [sea_areas::SeaArea] {
        sea_areas::all()
    }
    /// What is wrong with the field `field` (its `id`), said beside it.
    fn problems_at(&self, _field: &str) -> Vec<String> {
        Vec::new()
    }
}
