//! `#[derive(GoValue)]`: a Rust struct as a Go struct.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

use crate::names::{go_to_snake, snake_to_go};

/// A field name at the type level (`typed::field::HasField`'s key):
/// `name` → `(C<'n'>, C<'a'>, C<'m'>, C<'e'>,)`.
pub fn field_key(name: &str) -> TokenStream {
    let t = quote!(::livetemplate::typed::field);
    let chars = name.chars().map(proc_macro2::Literal::character);
    quote!((#(#t::C<#chars>,)*))
}

/// The `typed::field::HasField` impls of a struct: each field under its
/// Rust name, and a field renamed with `#[go(name = "...")]` also under
/// the snake case of that name when no field has it as its Rust name
/// (`fields`: (Rust ident, Go name, type)).
fn has_field_impls(input: &DeriveInput, fields: &[(&syn::Ident, &str, &syn::Type)]) -> TokenStream {
    let name = &input.ident;
    let (ig, tg, wc) = input.generics.split_for_impl();
    let rust = |i: &syn::Ident| {
        let s = i.to_string();
        s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
    };
    let mut keys: Vec<(String, &syn::Ident, &syn::Type)> =
        fields.iter().map(|(i, _, ty)| (rust(i), *i, *ty)).collect();
    for (i, go, ty) in fields {
        let alias = go_to_snake(go);
        if !keys.iter().any(|(k, _, _)| *k == alias) {
            keys.push((alias, *i, *ty));
        }
    }
    let impls = keys.iter().map(|(k, ident, ty)| {
        let key = field_key(k);
        quote! {
            impl #ig ::livetemplate::typed::field::HasField<#key> for #name #tg #wc {
                type Value = #ty;
                #[inline(always)]
                fn field(&self) -> &#ty { &self.#ident }
            }
        }
    });
    quote!(#(#impls)*)
}

/// The `GoValue` impl for a struct with named fields (used by both derives).
pub fn impl_go_value(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "GoValue can only be derived for structs with named fields",
        ));
    };
    let fields: Vec<&syn::Field> = match &data.fields {
        Fields::Named(f) => f.named.iter().collect(),
        Fields::Unit => Vec::new(),
        Fields::Unnamed(_) => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "GoValue can only be derived for structs with named fields",
            ));
        }
    };
    let name = &input.ident;
    let name_str = name.to_string();
    let (ig, tg, wc) = input.generics.split_for_impl();
    let idents: Vec<_> = fields.iter().map(|f| f.ident.clone()).collect();
    let mut go_names = Vec::new();
    for f in &fields {
        go_names.push(go_name(f)?);
    }
    let named: Vec<(&syn::Ident, &str, &syn::Type)> = fields
        .iter()
        .zip(&go_names)
        .filter_map(|(f, g)| Some((f.ident.as_ref()?, g.as_str(), &f.ty)))
        .collect();
    let has_field = has_field_impls(input, &named);
    let t = quote!(::livetemplate::typed);
    let build = quote!(#t::rt::Arc::new(#t::rt::StructType {
        name: #t::rt::Some(#t::string(#name_str)),
        fields: #t::rt::vec![#((#t::string(#go_names), #t::rt::Type::Any)),*],
    }));
    // Built once per type (statics cannot depend on generic parameters).
    let go_type = if input.generics.params.is_empty() {
        quote!({
            static TY: #t::rt::LazyLock<#t::rt::Arc<#t::rt::StructType>> =
                #t::rt::LazyLock::new(|| #build);
            #t::rt::Type::Struct(#t::rt::Clone::clone(&*TY))
        })
    } else {
        quote!(#t::rt::Type::Struct(#build))
    };
    Ok(quote! {
        impl #ig #t::GoValue for #name #tg #wc {
            type Deref = Self;
            fn go_deref(&self) -> #t::rt::Option<&Self> { #t::rt::Some(self) }
            fn go_type() -> #t::rt::Type {
                #go_type
            }
            fn to_value(&self) -> #t::rt::Value {
                let ty = match <Self as #t::GoValue>::go_type() {
                    #t::rt::Type::Struct(s) => s,
                    _ => #t::rt::Arc::new(#t::rt::StructType { name: #t::rt::None, fields: #t::rt::Vec::new() }),
                };
                #t::rt::Value::structure(ty, #t::rt::vec![#(#t::GoValue::to_value(&self.#idents)),*])
            }
            fn is_true(&self) -> bool { true }
        }
        #has_field
    })
}

/// The derive entry point.
pub fn derive(input: &DeriveInput) -> TokenStream {
    impl_go_value(input).unwrap_or_else(syn::Error::into_compile_error)
}

/// The Go name of a field: `#[go(name = "...")]`, else the Rust name in `CamelCase`.
pub fn go_name(f: &syn::Field) -> syn::Result<String> {
    let mut name = None;
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("go")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                name = Some(lit.value());
                Ok(())
            } else {
                Err(meta.error("unknown `go` option (expected `name = \"...\"`)"))
            }
        })?;
    }
    Ok(name.unwrap_or_else(|| {
        snake_to_go(&f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default())
    }))
}
