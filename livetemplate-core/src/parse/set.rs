//! A set of named templates that can call each other (Go's `*template.Template` namespace).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::ast::Tree;

/// Named templates sharing one namespace: the main template and every
/// `define`/`block`. `{{template "x"}}` looks `x` up here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateSet {
    trees: BTreeMap<String, Arc<Tree>>,
}

impl TemplateSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The template called `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<Tree>> {
        self.trees.get(name)
    }

    /// Puts `tree` under its name, replacing any previous one unconditionally.
    /// (Go's redefinition rules live in the parser's `add` logic.)
    pub fn insert(&mut self, tree: Arc<Tree>) {
        self.trees.insert(tree.name.clone(), tree);
    }

    /// Template names in sorted order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.trees.keys().map(String::as_str)
    }

    /// All templates in name order.
    pub fn trees(&self) -> impl Iterator<Item = &Arc<Tree>> {
        self.trees.values()
    }

    /// Number of templates.
    pub fn len(&self) -> usize {
        self.trees.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.trees.is_empty()
    }
}

impl TemplateSet {
    /// Adds the trees of one [`parse`](super::parse) call with Go's
    /// `AddParseTree` rules: a tree replaces the template of the same name,
    /// except that an empty body (white space and comments only, see
    /// [`is_empty_tree`](super::is_empty_tree)) never replaces an existing
    /// template. Thus a `{{block}}` default is overridden by a later
    /// `define`, and a later empty redefinition keeps the earlier body.
    pub fn add_parsed(&mut self, trees: Vec<Tree>) -> crate::Result<()> {
        for tree in trees {
            if self.trees.contains_key(&tree.name) && super::is_empty_tree(&tree.root) {
                continue;
            }
            self.trees.insert(tree.name.clone(), Arc::new(tree));
        }
        Ok(())
    }
}
