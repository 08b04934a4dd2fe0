//! Fields of nested structs, checked by rustc with the template's position.
//!
//! A typed template reads the fields of the derived struct directly (the
//! macro sees that struct and reports a misspelt field itself, with the
//! template line). A field of any other value (a `range` element,
//! `.Owner.Name`, a `with` dot) is of a type the macro cannot see, so the
//! read goes through [`HasField`]: `#[derive(GoValue)]` implements it for
//! every field, keyed by the field's name spelt at the type level ([`C`]:
//! `name` is `(C<'n'>, C<'a'>, C<'m'>, C<'e'>)`). The generated code reads
//! a nested field with [`NestedField::get`], whose parameters carry the
//! template's position: the derived struct, line and column, and a unit
//! type named like the Go field (declared by the macro, implementing
//! [`FieldName`]). A misspelt nested field is then the compile error
//!
//! ```text
//! error[E0277]: Page:1:23: unknown field `.Titel`: type `Item` has no such field
//! ```
//!
//! instead of rustc's ``no field `titel` on type `&Item` ``. (The message
//! is built by rustc from the trait's parameters because a
//! `#[diagnostic::on_unimplemented]` attribute written by the macro in the
//! user's crate would not resolve under `#![no_implicit_prelude]`.) Once
//! the generics are resolved the read is a plain field access: everything
//! here is `#[inline(always)]`.
//!
//! Names: a template's `.GoName` on a nested value reads the field whose
//! Rust name is `go_name` (`DueDate` → `due_date`, `UserID` → `user_id`);
//! a field renamed with `#[go(name = "ID")]` is also reachable under the
//! snake case of that name (`id`), unless another field has that Rust name.
//!
//! This is plumbing for the generated code, hidden from the documentation.

/// One character of a field name, at the type level.
#[doc(hidden)]
pub struct C<const X: char>;

/// Field `N` of a struct (`N` is the field's Rust name as a tuple of
/// [`C`]s), implemented by `#[derive(GoValue)]` for each field.
#[doc(hidden)]
pub trait HasField<N> {
    /// The field's type.
    type Value;
    /// The field.
    fn field(&self) -> &Self::Value;
}

/// A unit type named like a Go field (`Titel`), declared by
/// `#[derive(LiveTemplate)]` for the fields a template reads on nested
/// values: its [`HasField`] key.
#[doc(hidden)]
pub trait FieldName {
    /// The key: the field's Rust name as a tuple of [`C`]s.
    type Key;
}

/// The read of field `Name` on a nested value at `LINE:COL` of the
/// template of `Tpl` (the derived struct): implemented for every type
/// with that field; for any other, rustc reports the position.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "{Tpl}:{LINE}:{COL}: unknown field `.{Name}`: type `{Self}` has no such field",
    label = "the template of `{Tpl}` reads `.{Name}` at line {LINE}, column {COL}",
    note = "fields of nested values are read from structs with `#[derive(GoValue)]`: a Go field `.FieldName` is the Rust field `field_name` (or one with `#[go(name = \"FieldName\")]`); a map's keys are read with `index`"
)]
pub trait NestedField<Tpl: ?Sized, const LINE: u32, const COL: u32, Name, V> {
    /// The field.
    fn get(&self) -> &V;
}

#[diagnostic::do_not_recommend]
impl<Tpl: ?Sized, const LINE: u32, const COL: u32, Name: FieldName, V, T>
    NestedField<Tpl, LINE, COL, Name, V> for T
where
    T: ?Sized + HasField<Name::Key, Value = V>,
{
    #[inline(always)]
    fn get(&self) -> &V {
        self.field()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        title: String,
        n: i64,
    }

    type Title = (C<'t'>, C<'i'>, C<'t'>, C<'l'>, C<'e'>);

    impl HasField<Title> for Item {
        type Value = String;
        #[inline(always)]
        fn field(&self) -> &String {
            &self.title
        }
    }

    impl HasField<(C<'n'>,)> for Item {
        type Value = i64;
        #[inline(always)]
        fn field(&self) -> &i64 {
            &self.n
        }
    }

    fn read<N, T: HasField<N>>(t: &T) -> &T::Value {
        t.field()
    }

    /// What the macro declares for a template's `.Title`.
    struct TitleName;
    impl FieldName for TitleName {
        type Key = Title;
    }

    #[test]
    fn nested_field_reads_through_the_name_type() {
        let it = Item {
            title: "b".into(),
            n: 1,
        };
        let v: &String = NestedField::<(), 1, 2, TitleName, _>::get(&it);
        assert_eq!(v, "b");
    }

    #[test]
    fn reads_the_field_named_by_the_key() {
        let it = Item {
            title: "a".into(),
            n: 7,
        };
        assert_eq!(read::<Title, _>(&it), "a");
        assert_eq!(*read::<(C<'n'>,), _>(&it), 7);
    }
}
