//! Go field names ↔ Rust field names.
//!
//! The rule: a template's `.GoName` reads the Rust field whose name is
//! exactly `GoName` (or has `#[go(name = "GoName")]`), else the field named `go_name` ([`go_to_snake`]:
//! `Title` → `title`, `DueDate` → `due_date`, `UserID` → `user_id`,
//! `HTMLBody` → `html_body`). For the derived struct itself the macro checks
//! that the field exists; deeper in (range items, nested structs) it reads
//! the field keyed `go_name` through `typed::field::NestedField` and rustc
//! checks it (`#[derive(GoValue)]` keys each field by its Rust name and, for
//! `#[go(name = "GoName")]`, also by `go_name`). In the other direction (a struct printed
//! or passed whole to a function), a Rust field `due_date` is the Go field
//! `DueDate` ([`snake_to_go`]).

/// `DueDate` → `due_date`, `UserID` → `user_id`, `HTMLBody` → `html_body`.
pub fn go_to_snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                None => false,
                Some('_') => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `due_date` → `DueDate`, `title` → `Title`.
pub fn snake_to_go(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake() {
        assert_eq!(go_to_snake("Title"), "title");
        assert_eq!(go_to_snake("DueDate"), "due_date");
        assert_eq!(go_to_snake("UserID"), "user_id");
        assert_eq!(go_to_snake("HTMLBody"), "html_body");
        assert_eq!(go_to_snake("ID"), "id");
        assert_eq!(go_to_snake("X1"), "x1");
        assert_eq!(go_to_snake("lower"), "lower");
        assert_eq!(snake_to_go("due_date"), "DueDate");
        assert_eq!(snake_to_go("x"), "X");
    }
}
