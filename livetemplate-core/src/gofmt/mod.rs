//! Go `fmt` formatting of values: `%v` and the `printf` verbs, `print`, `println`.
//!
//! [`write_value`] is Go's `fmt.Sprint(v)` for one value (`%v`), [`sprint`],
//! [`sprintln`] and [`sprintf`] are `fmt.Sprint`, `fmt.Sprintln` and
//! `fmt.Sprintf` over [`Value`]s, with Go's flags, widths, precisions,
//! argument indexes and error forms (`%!d(string=x)`, `%!(EXTRA int=1)`,
//! `%!s(MISSING)`, `%!(NOVERB)`, `%!(BADWIDTH)`, ...). The `f`-prefixed
//! variants append to a `String` instead of returning one.
//!
//! Differences from Go that cannot be avoided: a pointer that fmt prints as
//! an address (`%p`, a pointer nested in a composite value, a pointer to a
//! scalar) prints the fixed placeholder `0xc000010000`, since our values have
//! no addresses; slices and maps under `%p` likewise. `%#v` is Go syntax as
//! far as our types allow (named structs print their bare Rust name).

pub mod float;
pub mod quote;

use crate::value::Value;

/// What a pointer prints as where Go would print its address.
pub const POINTER_PLACEHOLDER: u64 = 0xc000010000;

/// How text/template prints the value of an action (`printableValue`, then
/// `fmt.Fprint`): pointers are followed first (a nil one prints `<nil>`)
/// and untyped nil (a missing or nil value) prints `<no value>`.
pub fn write_printable(out: &mut String, v: &Value) {
    match v.indirect() {
        Value::Nil => out.push_str("<no value>"),
        v => write_value(out, v),
    }
}

/// Go's `fmt.Sprint(v)` (`%v`), appended to `out`.
pub fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::String(s) | Value::Safe(_, s) => out.push_str(s),
        Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Uint(u) => out.push_str(itoa::Buffer::new().format(*u)),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Float(f) => float::format_float(out, *f, b'g', -1),
        _ => Printer::new(out).print_arg(v, 'v'),
    }
}

/// Go's `fmt.Sprint`: operands formatted with `%v`, a space between two
/// operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    fprint(&mut out, args);
    out
}

/// [`sprint`] appending to `out`.
pub fn fprint(out: &mut String, args: &[Value]) {
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_) | Value::Safe(..));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        write_value(out, arg);
        prev_string = is_string;
    }
}

/// Go's `fmt.Sprintln`: operands with `%v`, always separated by spaces,
/// then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    fprintln(&mut out, args);
    out
}

/// [`sprintln`] appending to `out`.
pub fn fprintln(out: &mut String, args: &[Value]) {
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(out, arg);
    }
    out.push('\n');
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(format.len() + 8 * args.len());
    fprintf(&mut out, format, args);
    out
}

/// [`sprintf`] appending to `out`.
pub fn fprintf(out: &mut String, format: &str, args: &[Value]) {
    Printer::new(out).do_printf(format, args);
}

#[derive(Default, Clone, Copy)]
struct Flags {
    wid: usize,
    prec: usize,
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

const LOWER: &[u8; 17] = b"0123456789abcdefx";
const UPPER: &[u8; 17] = b"0123456789ABCDEFX";

/// Widths and precisions above this are rejected, as in Go.
const MAX_NUM: i64 = 1_000_000;

struct Printer<'a> {
    out: &'a mut String,
    f: Flags,
    reordered: bool,
    good_arg_num: bool,
}

/// Parses a decimal number in `s[start..end]`: (value, present, next index).
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > MAX_NUM {
            return (0, false, end);
        }
        num = num * 10 + i64::from(s[i] - b'0');
        isnum = true;
        i += 1;
    }
    (num as usize, isnum, i)
}

/// The integer value of an argument used for `*` width or precision.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= args.len() {
        return (0, false, arg_num);
    }
    let (mut num, mut is_int) = match &args[arg_num] {
        Value::Int(i) => (*i, true),
        Value::Uint(u) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if !(-MAX_NUM..=MAX_NUM).contains(&num) {
        num = 0;
        is_int = false;
    }
    (num, is_int, arg_num + 1)
}

impl<'a> Printer<'a> {
    fn new(out: &'a mut String) -> Self {
        Printer {
            out,
            f: Flags::default(),
            reordered: false,
            good_arg_num: true,
        }
    }

    /// No width, precision or flags that change how a number prints.
    fn is_plain(&self) -> bool {
        !self.f.wid_present
            && !self.f.prec_present
            && !self.f.plus
            && !self.f.space
            && !self.f.sharp
    }

    // ---- padding -------------------------------------------------------

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        self.out.extend(std::iter::repeat_n(c, n));
    }

    /// Go's `fmt.pad`/`padString`: pads to the width counted in runes.
    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.out.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if !self.f.minus {
            self.write_padding(width);
            self.out.push_str(s);
        } else {
            self.out.push_str(s);
            self.write_padding(width);
        }
    }

    /// Pads with spaces even when the zero flag is set.
    fn pad_spaces(&mut self, s: &str) {
        let zero = self.f.zero;
        self.f.zero = false;
        self.pad(s);
        self.f.zero = zero;
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present {
            if let Some((i, _)) = s.char_indices().nth(self.f.prec) {
                return &s[..i];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    // ---- integers ------------------------------------------------------

    fn fmt_integer_base(&mut self, u: u64, base: u32, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        if base == 10 && self.is_plain() {
            // The common case: no padding, sign or prefix to compute.
            let mut b = itoa::Buffer::new();
            if signed {
                self.out.push_str(b.format(u as i64));
            } else {
                self.out.push_str(b.format(u));
            }
            return;
        }
        let u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let zero = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = zero;
                return;
            }
        } else if self.f.zero && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        // Digits, least significant first.
        let mut buf = [0u8; 64];
        let mut n = 0;
        let mut x = u;
        loop {
            buf[n] = digits[(x % u64::from(base)) as usize];
            n += 1;
            x /= u64::from(base);
            if x == 0 {
                break;
            }
        }
        let zeros = prec.saturating_sub(n);
        let mut s = String::with_capacity(n + zeros + 4);
        if negative {
            s.push('-');
        } else if self.f.plus {
            s.push('+');
        } else if self.f.space {
            s.push(' ');
        }
        if verb == 'O' {
            s.push_str("0o");
        }
        if self.f.sharp {
            match base {
                2 => s.push_str("0b"),
                8 if zeros == 0 && buf[n - 1] != b'0' => s.push('0'),
                16 => {
                    s.push('0');
                    s.push(digits[16] as char);
                }
                _ => {}
            }
        }
        s.extend(std::iter::repeat_n('0', zeros));
        for &d in buf[..n].iter().rev() {
            s.push(d as char);
        }
        self.pad_spaces(&s);
    }

    fn fmt_0x64(&mut self, u: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer_base(u, 16, false, 'v', LOWER);
        self.f.sharp = sharp;
    }

    fn fmt_integer(&mut self, v: &Value, u: u64, signed: bool, verb: char) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(u, true),
            'v' | 'd' => self.fmt_integer_base(u, 10, signed, verb, LOWER),
            'b' => self.fmt_integer_base(u, 2, signed, verb, LOWER),
            'o' | 'O' => self.fmt_integer_base(u, 8, signed, verb, LOWER),
            'x' => self.fmt_integer_base(u, 16, signed, verb, LOWER),
            'X' => self.fmt_integer_base(u, 16, signed, verb, UPPER),
            'c' => {
                let c = rune_of(u);
                let mut b = [0u8; 4];
                self.pad(c.encode_utf8(&mut b));
            }
            'q' => {
                let mut s = String::new();
                quote::quote_rune_into(&mut s, rune_of(u), self.f.plus);
                self.pad(&s);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = String::from("U+");
        let hex = format!("{u:X}");
        s.extend(std::iter::repeat_n('0', prec.saturating_sub(hex.len())));
        s.push_str(&hex);
        if self.f.sharp && u <= 0x10FFFF {
            if let Some(c) = char::from_u32(u as u32) {
                if quote::is_print(c) {
                    s.push_str(" '");
                    s.push(c);
                    s.push('\'');
                }
            }
        }
        self.pad_spaces(&s);
    }

    // ---- floats --------------------------------------------------------

    fn fmt_float(&mut self, v: f64, verb: u8, default_prec: i64) {
        if verb == b'g' && default_prec < 0 && self.is_plain() {
            // `%v`: Go prints the number without its `+` (Inf keeps it).
            float::format_float(self.out, v, b'g', -1);
            return;
        }
        let prec = if self.f.prec_present {
            self.f.prec as i64
        } else {
            default_prec
        };
        let mut num = String::with_capacity(24);
        num.push('+');
        float::format_float(&mut num, v, verb, prec);
        if num.as_bytes()[1] == b'-' || num.as_bytes()[1] == b'+' {
            num.remove(0);
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        let second = num.as_bytes()[1];
        if second == b'I' || second == b'N' {
            let s = if second == b'N' && !self.f.space && !self.f.plus {
                &num[1..]
            } else {
                &num[..]
            };
            let s = s.to_owned();
            self.pad_spaces(&s);
            return;
        }
        if self.f.sharp && verb != b'b' {
            let mut digits: i64 = match verb {
                b'g' | b'G' | b'x' => {
                    if prec == -1 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let mut tail = String::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let bytes = num.as_bytes().to_vec();
            let mut cut = bytes.len();
            for (i, &c) in bytes.iter().enumerate().skip(1) {
                match c {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        cut = i;
                        break;
                    }
                    b'e' | b'E' if verb != b'x' && verb != b'X' => {
                        cut = i;
                        break;
                    }
                    _ => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
            }
            tail.push_str(&num[cut..]);
            num.truncate(cut);
            if !has_point {
                if num.len() == 2 && num.as_bytes()[1] == b'0' {
                    digits -= 1;
                }
                num.push('.');
            }
            while digits > 0 {
                num.push('0');
                digits -= 1;
            }
            num.push_str(&tail);
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero && self.f.wid_present && self.f.wid > num.len() {
                self.out.push_str(&num[..1]);
                self.write_padding(self.f.wid - num.len());
                self.out.push_str(&num[1..]);
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(&num[1..]);
    }

    fn print_float(&mut self, val: &Value, v: f64, verb: char) {
        match verb {
            'v' => self.fmt_float(v, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(v, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(v, verb as u8, 6),
            'F' => self.fmt_float(v, b'f', 6),
            _ => self.bad_verb(verb, Some(val)),
        }
    }

    /// Go's `fmtComplex`: `(re+imi)`, each part formatted as a float with
    /// the same verb and flags; the imaginary part always has a sign.
    fn print_complex(&mut self, val: &Value, re: f64, im: f64, verb: char) {
        match verb {
            'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                let old_plus = self.f.plus;
                self.out.push('(');
                self.print_float(val, re, verb);
                self.f.plus = true;
                self.print_float(val, im, verb);
                self.out.push_str("i)");
                self.f.plus = old_plus;
            }
            _ => self.bad_verb(verb, Some(val)),
        }
    }

    // ---- strings -------------------------------------------------------

    fn fmt_sx(&mut self, s: &str, digits: &[u8; 17]) {
        let b = s.as_bytes();
        let mut length = b.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding(self.f.wid - width);
        }
        if self.f.sharp {
            self.out.push('0');
            self.out.push(digits[16] as char);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.out.push(' ');
                if self.f.sharp {
                    self.out.push('0');
                    self.out.push(digits[16] as char);
                }
            }
            self.out.push(digits[(c >> 4) as usize] as char);
            self.out.push(digits[(c & 0xf) as usize] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding(self.f.wid - width);
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        let mut q = String::with_capacity(s.len() + 2);
        if self.f.sharp && quote::can_backquote(s) {
            q.push('`');
            q.push_str(s);
            q.push('`');
        } else {
            quote::quote_into(&mut q, s, self.f.plus);
        }
        self.pad(&q);
    }

    fn fmt_string(&mut self, val: &Value, s: &str, verb: char) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LOWER),
            'X' => self.fmt_sx(s, UPPER),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, Some(val)),
        }
    }

    // ---- errors, pointers ----------------------------------------------

    /// `%!verb(type=value)`, or `%!verb(<nil>)` for untyped nil.
    fn bad_verb(&mut self, verb: char, v: Option<&Value>) {
        self.out.push_str("%!");
        self.out.push(verb);
        self.out.push('(');
        match v {
            Some(v) if !v.is_nil() => {
                self.out.push_str(&v.type_of().to_string());
                self.out.push('=');
                self.print_arg(v, 'v');
            }
            _ => self.out.push_str("<nil>"),
        }
        self.out.push(')');
    }

    fn fmt_pointer(&mut self, v: &Value, verb: char) {
        let u = match v {
            Value::NilPtr(_) => 0,
            Value::Ptr(_) | Value::Slice(_) | Value::Map(_) => POINTER_PLACEHOLDER,
            _ => return self.bad_verb(verb, Some(v)),
        };
        match verb {
            'v' if self.f.sharp_v => {
                self.out.push('(');
                self.out.push_str(&v.type_of().to_string());
                self.out.push_str(")(");
                if u == 0 {
                    self.out.push_str("nil");
                } else {
                    self.fmt_0x64(u, true);
                }
                self.out.push(')');
            }
            'v' => {
                if u == 0 {
                    self.pad("<nil>");
                } else {
                    self.fmt_0x64(u, !self.f.sharp);
                }
            }
            'p' => self.fmt_0x64(u, !self.f.sharp),
            'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_integer(v, u, false, verb),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    // ---- values --------------------------------------------------------

    /// Go's `printArg`: a top-level operand.
    fn print_arg(&mut self, v: &Value, verb: char) {
        match (v, verb) {
            (Value::Nil, 'T' | 'v') => self.pad("<nil>"),
            (Value::Nil, _) => self.bad_verb(verb, None),
            (_, 'T') => {
                let t = v.type_of().to_string();
                self.fmt_s(&t);
            }
            (_, 'p') => self.fmt_pointer(v, 'p'),
            _ => self.print_value(v, verb, 0),
        }
    }

    /// Go's `printValue`.
    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        match v {
            // A nil interface inside a composite value.
            Value::Nil => {
                if self.f.sharp_v {
                    self.out.push_str("interface {}(nil)");
                } else {
                    self.out.push_str("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, Some(v)),
            },
            Value::Int(i) => self.fmt_integer(v, *i as u64, true, verb),
            Value::Uint(u) => self.fmt_integer(v, *u, false, verb),
            Value::Float(f) => self.print_float(v, *f, verb),
            Value::Complex(re, im) => self.print_complex(v, *re, *im, verb),
            Value::String(s) | Value::Safe(_, s) => self.fmt_string(v, s, verb),
            Value::Map(m) => {
                if self.f.sharp_v {
                    self.out.push_str(&v.type_of().to_string());
                    self.out.push('{');
                } else {
                    self.out.push_str("map[");
                }
                for (i, (k, e)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.print_value(k, verb, depth + 1);
                    self.out.push(':');
                    self.print_value(e, verb, depth + 1);
                }
                self.out.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Struct(s) => {
                if self.f.sharp_v {
                    self.out.push_str(&v.type_of().to_string());
                }
                self.out.push('{');
                for (i, (field, (name, _))) in s.fields.iter().zip(&s.ty.fields).enumerate() {
                    if i > 0 {
                        self.out.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    if self.f.plus_v || self.f.sharp_v {
                        self.out.push_str(name);
                        self.out.push(':');
                    }
                    self.print_value(field, verb, depth + 1);
                }
                self.out.push('}');
            }
            Value::Slice(s) => {
                if self.f.sharp_v {
                    self.out.push_str(&v.type_of().to_string());
                    self.out.push('{');
                } else {
                    self.out.push('[');
                }
                for (i, item) in s.items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.out.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Ptr(inner) => {
                if depth == 0
                    && matches!(**inner, Value::Slice(_) | Value::Map(_) | Value::Struct(_))
                {
                    self.out.push('&');
                    self.print_value(inner, verb, depth + 1);
                } else {
                    self.fmt_pointer(v, verb);
                }
            }
            Value::NilPtr(_) => self.fmt_pointer(v, verb),
        }
    }

    // ---- printf --------------------------------------------------------

    /// Go's `argNumber`: an explicit `[n]` index at `format[i..]`.
    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if i >= format.len() || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let rest = &format[i..];
        // Go's parseArgNumber.
        let (index, wid, ok) = {
            let mut res = (0i64, 1usize, false);
            if rest.len() >= 3 {
                if let Some(close) = rest.iter().skip(1).position(|&c| c == b']') {
                    let close = close + 1;
                    let (n, isnum, newi) = parse_num(rest, 1, close);
                    res = if !isnum || newi != close {
                        (0, close + 1, false)
                    } else {
                        (n as i64 - 1, close + 1, true)
                    };
                }
            }
            res
        };
        if ok && 0 <= index && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        'format: while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.out.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1; // skip '%'
            self.f = Flags::default();
            // Flags.
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&args[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }
            // Argument index.
            (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
            // Width.
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.out.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    self.f.minus = true;
                    self.f.zero = false;
                }
                self.f.wid = w.unsigned_abs() as usize;
                after_index = false;
            } else {
                let (w, ok, next) = parse_num(fb, i, end);
                self.f.wid = w;
                self.f.wid_present = ok;
                i = next;
                if after_index && ok {
                    self.good_arg_num = false;
                }
            }
            // Precision.
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (p, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    self.f.prec_present = ok;
                    self.f.prec = p.max(0) as usize;
                    if p < 0 {
                        self.f.prec = 0;
                        self.f.prec_present = false;
                    }
                    if !self.f.prec_present {
                        self.out.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, ok, next) = parse_num(fb, i, end);
                    self.f.prec = if ok { p } else { 0 };
                    self.f.prec_present = true;
                    i = next;
                }
            }
            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, fb, i, args.len());
            }
            if i >= end {
                self.out.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('\u{fffd}');
            i += verb.len_utf8();
            if verb == '%' {
                self.out.push('%');
            } else if !self.good_arg_num {
                self.out.push_str("%!");
                self.out.push(verb);
                self.out.push_str("(BADINDEX)");
            } else if arg_num >= args.len() {
                self.out.push_str("%!");
                self.out.push(verb);
                self.out.push_str("(MISSING)");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.out.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.out.push_str(", ");
                }
                if arg.is_nil() {
                    self.out.push_str("<nil>");
                } else {
                    self.out.push_str(&arg.type_of().to_string());
                    self.out.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.out.push(')');
        }
    }
}

/// The rune for `%c`/`%q` of an integer: invalid code points become U+FFFD.
fn rune_of(u: u64) -> char {
    u32::try_from(u)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}')
}

#[cfg(test)]
mod tests;
