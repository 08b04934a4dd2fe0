//! Builtin template functions and the function map.
//!
//! A template calls functions by name: Go's builtins (`and`, `or`, `not`,
//! `len`, `index`, `slice`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `html`, `js`,
//! `urlquery`, `print`, `printf`, `println`, `call`) and user functions
//! registered in a [`FuncMap`]. A user function with the name of a builtin
//! replaces it, as in Go.
//!
//! The builtins themselves are evaluated by the interpreter
//! ([`crate::exec`]) so that `and`/`or` can short-circuit and `index` can
//! return borrowed values; this module holds their semantics
//! ([`compare`], [`escapers`]) and the user-function machinery.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::value::{Type, Value};

pub mod compare;
pub mod escapers;
mod helpers;

pub use helpers::oracle_helpers;

/// The Rust side of a user function: receives the arguments (already
/// checked against the declared parameter types) and returns the result, or
/// an error message (reported as `error calling NAME: MESSAGE`).
pub type FuncImpl = dyn Fn(&[Value]) -> Result<Value, String> + Send + Sync;

/// A user template function with Go-like parameter types.
///
/// The parameter types decide how arguments are checked and converted, with
/// Go's error messages (`wrong type for value; expected string; got int`,
/// `expected integer; found "x"`, `wrong number of args for f: want 1 got
/// 0`). Use [`Type::Any`] for a parameter that accepts everything.
#[derive(Clone)]
pub struct Func {
    params: Vec<Type>,
    variadic: Option<Type>,
    call: Arc<FuncImpl>,
    pure: bool,
}

impl Func {
    /// A function with fixed parameters `params`.
    pub fn new(
        params: Vec<Type>,
        f: impl Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Func {
        Func {
            params,
            variadic: None,
            call: Arc::new(f),
            pure: false,
        }
    }

    /// A variadic function: fixed parameters `params`, then any number of
    /// arguments of type `rest` (Go's `func(a A, b ...B)`).
    pub fn variadic(
        params: Vec<Type>,
        rest: Type,
        f: impl Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Func {
        Func {
            params,
            variadic: Some(rest),
            call: Arc::new(f),
            pure: false,
        }
    }

    /// Declares the function pure: its result depends only on its
    /// arguments (no clock, counter, I/O or other state). A `range` body
    /// calling only pure functions can have its unchanged items carried
    /// over by [`crate::program::Program::render_update`] instead of
    /// evaluated again; a function wrongly declared pure makes updates show
    /// stale results.
    pub fn pure(mut self) -> Func {
        self.pure = true;
        self
    }

    /// Whether the function was declared pure ([`Func::pure`]).
    pub fn is_pure(&self) -> bool {
        self.pure
    }

    /// The fixed parameter types.
    pub fn params(&self) -> &[Type] {
        &self.params
    }

    /// The element type of the variadic parameter, if any.
    pub fn rest(&self) -> Option<&Type> {
        self.variadic.as_ref()
    }

    /// The type of the `i`th argument (of a call with any number of
    /// arguments).
    pub fn param_type(&self, i: usize) -> &Type {
        match self.params.get(i) {
            Some(t) => t,
            None => self.variadic.as_ref().unwrap_or(&Type::Any),
        }
    }

    /// Calls the function.
    pub fn call(&self, args: &[Value]) -> Result<Value, String> {
        (self.call)(args)
    }
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Func")
            .field("params", &self.params)
            .field("variadic", &self.variadic)
            .field("pure", &self.pure)
            .finish()
    }
}

/// Go's builtin functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `and`
    And,
    /// `or`
    Or,
    /// `not`
    Not,
    /// `len`
    Len,
    /// `index`
    Index,
    /// `slice`
    Slice,
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `lt`
    Lt,
    /// `le`
    Le,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `html`
    Html,
    /// `js`
    Js,
    /// `urlquery`
    Urlquery,
    /// `print`
    Print,
    /// `printf`
    Printf,
    /// `println`
    Println,
    /// `call`
    Call,
    /// `_eval_args_`: html/template's `evalArgs`, which the escaping pass
    /// puts in place of `html`/`urlquery` in `{{html .X .Y}}`.
    EvalArgs,
}

impl Builtin {
    /// The builtin called `name`.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::Urlquery,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "call" => Builtin::Call,
            "_eval_args_" => Builtin::EvalArgs,
            _ => return None,
        })
    }

    /// Go's arity: `(fixed, variadic)`.
    pub fn arity(self) -> (usize, bool) {
        match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Eq
            | Builtin::Call => (1, true),
            Builtin::Not | Builtin::Len => (1, false),
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => (2, false),
            Builtin::Html
            | Builtin::Js
            | Builtin::Urlquery
            | Builtin::Print
            | Builtin::Println
            | Builtin::EvalArgs => (0, true),
            Builtin::Printf => (1, true),
        }
    }

    /// The declared type of parameter `i` (only `printf`'s format is not
    /// `interface{}`/`reflect.Value`).
    pub fn param_type(self, i: usize) -> &'static Type {
        static STRING: Type = Type::String;
        static ANY: Type = Type::Any;
        if self == Builtin::Printf && i == 0 {
            &STRING
        } else {
            &ANY
        }
    }
}

/// A function a template can call.
#[derive(Debug, Clone)]
pub enum Function {
    /// One of Go's builtins.
    Builtin(Builtin),
    /// A user function.
    User(Func),
}

/// The functions available to templates: the builtins plus user functions.
#[derive(Debug, Clone, Default)]
pub struct FuncMap {
    user: HashMap<String, Func>,
}

impl FuncMap {
    /// Only the builtins.
    pub fn builtins() -> FuncMap {
        FuncMap::default()
    }

    /// Adds (or replaces) the user function `name`. A user function with a
    /// builtin's name hides the builtin, as in Go.
    pub fn insert(&mut self, name: impl Into<String>, f: Func) -> &mut Self {
        self.user.insert(name.into(), f);
        self
    }

    /// Builder form of [`FuncMap::insert`].
    pub fn with(mut self, name: impl Into<String>, f: Func) -> Self {
        self.insert(name, f);
        self
    }

    /// Whether `name` is a function (for the parser's "function not defined" check).
    pub fn is_func(&self, name: &str) -> bool {
        // `_eval_args_` exists only in escaped trees, never in source.
        self.user.contains_key(name)
            || Builtin::from_name(name).is_some_and(|b| b != Builtin::EvalArgs)
    }

    /// The function called `name`: a user function first, then a builtin.
    pub fn lookup(&self, name: &str) -> Option<Function> {
        if !self.user.is_empty() {
            if let Some(f) = self.user.get(name) {
                return Some(Function::User(f.clone()));
            }
        }
        Builtin::from_name(name).map(Function::Builtin)
    }

    /// The user function called `name`.
    pub fn user(&self, name: &str) -> Option<&Func> {
        if self.user.is_empty() {
            None
        } else {
            self.user.get(name)
        }
    }

    /// Names of the user functions.
    pub fn user_names(&self) -> impl Iterator<Item = &str> {
        self.user.keys().map(String::as_str)
    }
}
