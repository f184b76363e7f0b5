//! The names people know projects by (`[project_names]` in the config file, and the demo
//! world's), installed once per process when the settings are known and read wherever a
//! project ID is shown: tables show the name, the detail shows the ID and the name, CSV
//! and JSON keep the ID as sent.
//!
//! A process-wide table rather than a parameter: it is configuration, fixed before the
//! first row is drawn, and a renderer that shows a project ID should not need to be handed
//! it through every layer between the settings and the cell.

use std::collections::BTreeMap;
use std::sync::OnceLock;

static NAMES: OnceLock<BTreeMap<String, String>> = OnceLock::new();

/// Installs the names for this process; only the first call has an effect (it says
/// whether it did).
pub fn install(names: BTreeMap<String, String>) -> bool {
    NAMES.set(names).is_ok()
}

/// The name of project `id`, when known.
pub fn of(id: &str) -> Option<&'static str> {
    NAMES.get()?.get(id).map(String::as_str)
}

/// A project as a table shows it: its name where known, else its ID.
pub fn short(id: &str) -> &str {
    of(id).unwrap_or(id)
}

/// A project as a detail shows it: `ID (name)` where the name is known, else the ID.
pub fn long(id: &str) -> String {
    match of(id) {
        Some(name) => format!("{id} ({name})"),
        None => id.to_owned(),
    }
}
