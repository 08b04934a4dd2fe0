//! Number literals: every interpretation Go's `parse.NumberNode` finds valid,
//! following `strconv.ParseInt`/`ParseUint`/`ParseFloat` with base 0.

use super::ast::{NumberNode, Span};
use super::quote::{INVALID_SYNTAX, go_quote, unquote_char_constant};
use crate::lex::TokenKind;

/// Builds the number node for a `Number`, `Complex` or `CharConstant` token,
/// or returns Go's error text (without the `template: NAME:LINE:` prefix).
pub fn new_number(span: Span, text: &str, kind: TokenKind) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        span,
        text: text.to_string(),
        int: None,
        uint: None,
        float: None,
        complex: None,
        is_char: false,
    };
    match kind {
        TokenKind::CharConstant => {
            let r = unquote_char_constant(text)?;
            n.int = Some(r as i64);
            n.uint = Some(r as u64);
            n.float = Some(r as f64);
            n.is_char = true;
            return Ok(n);
        }
        TokenKind::Complex => {
            let (re, im) = parse_complex(text)?;
            n.complex = Some((re, im));
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(body) = text.strip_suffix('i') {
        if let Some(f) = parse_float(body) {
            n.complex = Some((0.0, f));
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    let u = parse_uint(text);
    n.uint = u;
    if let Some(i) = parse_int(text) {
        n.int = Some(i);
        if i == 0 {
            n.uint = Some(u.unwrap_or(0)); // -0
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", go_quote(text)));
        }
        n.float = Some(f);
        n.int = float_to_int(f);
        n.uint = float_to_uint(f);
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    Ok(n)
}

/// `int64(f)` when Go's `float64(int64(f)) == f` holds.
fn float_to_int(f: f64) -> Option<i64> {
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-TWO63..TWO63).contains(&f)).then_some(f as i64)
}

/// `uint64(f)` when Go's `float64(uint64(f)) == f` holds.
fn float_to_uint(f: f64) -> Option<u64> {
    const TWO64: f64 = 18_446_744_073_709_551_616.0;
    (f.fract() == 0.0 && (0.0..TWO64).contains(&f)).then_some(f as u64)
}

fn simplify_complex(n: &mut NumberNode) {
    let (re, im) = n.complex.unwrap_or((0.0, 0.0));
    if im == 0.0 {
        n.float = Some(re);
        n.int = float_to_int(re);
        n.uint = float_to_uint(re);
    }
}

/// `fmt.Sscan(text, &complex128)`, as Go's parser uses for `1+2i`: the
/// scanner's token rules first (`complexTokens`), then `convertFloat`.
fn parse_complex(text: &str) -> Result<(f64, f64), String> {
    const COMPLEX_ERROR: &str = "syntax error scanning complex number";
    let mut s = Scan {
        b: text.as_bytes(),
        i: 0,
        buf: String::new(),
    };
    let parens = s.accept("(");
    let real = s.float_token();
    s.buf.clear();
    if !s.accept("+-") {
        return Err(COMPLEX_ERROR.into());
    }
    let sign = std::mem::take(&mut s.buf);
    let imag = sign + &s.float_token();
    if !s.accept("i") || parens && !s.accept(")") {
        return Err(COMPLEX_ERROR.into());
    }
    Ok((convert_float(&real)?, convert_float(&imag)?))
}

/// The bits of `fmt`'s scanner needed for complex constants.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    buf: String,
}

impl Scan<'_> {
    fn accept(&mut self, ok: &str) -> bool {
        match self.b.get(self.i) {
            Some(&c) if ok.as_bytes().contains(&c) => {
                self.buf.push(c as char);
                self.i += 1;
                true
            }
            _ => false,
        }
    }

    /// `fmt`'s `floatToken`.
    fn float_token(&mut self) -> String {
        self.buf.clear();
        if self.accept("nN") && self.accept("aA") && self.accept("nN") {
            return self.buf.clone();
        }
        self.accept("+-");
        if self.accept("iI") && self.accept("nN") && self.accept("fF") {
            return self.buf.clone();
        }
        let (mut digits, mut exp) = ("0123456789_", "eEpP");
        if self.accept("0") && self.accept("xX") {
            digits = "0123456789aAbBcCdDeEfF_";
            exp = "pP";
        }
        while self.accept(digits) {}
        if self.accept(".") {
            while self.accept(digits) {}
        }
        if self.accept(exp) {
            self.accept("+-");
            while self.accept("0123456789_") {}
        }
        self.buf.clone()
    }
}

/// `fmt`'s `convertFloat` (64-bit halves of a complex128).
fn convert_float(s: &str) -> Result<f64, String> {
    let float_err = |e: &str| format!("strconv.ParseFloat: parsing {}: {e}", go_quote(s));
    if let Some(p) = s.find('p').filter(|_| !s.contains(['x', 'X'])) {
        let f = parse_float_go(&s[..p]).map_err(float_err)?;
        let m =
            atoi(&s[p + 1..]).map_err(|e| format!("strconv.Atoi: parsing {}: {e}", go_quote(s)))?;
        return Ok(ldexp(f, m));
    }
    parse_float_go(s).map_err(float_err)
}

/// `strconv.Atoi`.
fn atoi(s: &str) -> Result<i64, &'static str> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(INVALID_SYNTAX);
    }
    let v: i64 = digits.parse().map_err(|_| "value out of range")?;
    Ok(if neg { -v } else { v })
}

fn ldexp(f: f64, mut e: i64) -> f64 {
    let mut f = f;
    while e > 0 && f.is_finite() && f != 0.0 {
        let step = e.min(1000);
        f *= 2f64.powi(step as i32);
        e -= step;
    }
    while e < 0 && f != 0.0 {
        let step = (-e).min(1000);
        f /= 2f64.powi(step as i32);
        e += step;
    }
    f
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'+' | b'-') = b.first() {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&(c | 0x20)) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s0: &str) -> Option<u64> {
    let mut s = s0.as_bytes();
    if s.is_empty() {
        return None;
    }
    let mut base = 10u64;
    if s[0] == b'0' {
        if s.len() >= 3 && s[1] | 0x20 == b'b' {
            base = 2;
            s = &s[2..];
        } else if s.len() >= 3 && s[1] | 0x20 == b'o' {
            base = 8;
            s = &s[2..];
        } else if s.len() >= 3 && s[1] | 0x20 == b'x' {
            base = 16;
            s = &s[2..];
        } else {
            base = 8;
            s = &s[1..];
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in s {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = (c as char).to_digit(36)? as u64;
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(body)?;
    if neg {
        if u > 1 << 63 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseFloat(s, 64)`; `None` on a syntax or range error.
pub fn parse_float(s: &str) -> Option<f64> {
    parse_float_go(s).ok()
}

/// `strconv.ParseFloat(s, 64)` with Go's error text (`invalid syntax`,
/// `value out of range`).
fn parse_float_go(s: &str) -> Result<f64, &'static str> {
    if let Some(f) = special(s) {
        return Ok(f);
    }
    let syntax = Err(INVALID_SYNTAX);
    let b = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    let Some(first) = b.first() else {
        return syntax;
    };
    match first {
        b'+' => i += 1,
        b'-' => {
            neg = true;
            i += 1
        }
        _ => {}
    }
    let hex = i + 2 < b.len() && b[i] == b'0' && b[i + 1] | 0x20 == b'x';
    if hex {
        i += 2;
    }
    let mant_start = i;
    let mut saw_dot = false;
    let mut saw_digits = false;
    let mut underscores = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                break;
            }
            saw_dot = true;
        } else if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&(c | 0x20)) {
            saw_digits = true;
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return syntax;
    }
    let mant_end = i;
    let exp_char = if hex { b'p' } else { b'e' };
    let mut exp: i64 = 0;
    if i < b.len() && b[i] | 0x20 == exp_char {
        i += 1;
        let mut esign = 1;
        match b.get(i) {
            Some(b'+') => i += 1,
            Some(b'-') => {
                i += 1;
                esign = -1
            }
            _ => {}
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return syntax;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else if exp < 100_000 {
                exp = exp * 10 + (b[i] - b'0') as i64;
            }
            i += 1;
        }
        exp *= esign;
    } else if hex {
        return syntax; // A hexadecimal mantissa requires a 'p' exponent.
    }
    if i != b.len() || underscores && !underscore_ok(s) {
        return syntax;
    }
    let f = if hex {
        hex_float(&b[mant_start..mant_end], exp)
    } else {
        let clean: String = s[mant_start..].chars().filter(|&c| c != '_').collect();
        match clean.parse::<f64>() {
            Ok(f) => f,
            Err(_) => return syntax,
        }
    };
    if f.is_infinite() {
        return Err("value out of range");
    }
    Ok(if neg { -f } else { f })
}

/// `inf`, `infinity`, `nan` with optional sign, case-insensitive.
fn special(s: &str) -> Option<f64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        Some(sign * f64::INFINITY)
    } else if rest.eq_ignore_ascii_case("nan") && rest.len() == s.len() {
        Some(f64::NAN)
    } else {
        None
    }
}

fn hex_float(mant: &[u8], exp: i64) -> f64 {
    // Collect up to 30 significant hex digits (120 bits) and a sticky bit.
    let mut m: u128 = 0;
    let mut digits = 0;
    let mut sticky = false;
    let mut frac_digits: i64 = 0;
    let mut after_dot = false;
    let mut dropped_int_digits: i64 = 0;
    for &c in mant {
        match c {
            b'_' => continue,
            b'.' => {
                after_dot = true;
                continue;
            }
            _ => {}
        }
        let d = (c as char).to_digit(16).unwrap_or(0) as u128;
        if m == 0 && d == 0 {
            if after_dot {
                frac_digits += 1;
            }
            continue;
        }
        if digits < 30 {
            m = m << 4 | d;
            digits += 1;
            if after_dot {
                frac_digits += 1;
            }
        } else {
            sticky |= d != 0;
            if !after_dot {
                dropped_int_digits += 1;
            }
        }
    }
    if m == 0 {
        return 0.0;
    }
    let e2 = exp + 4 * (dropped_int_digits - frac_digits);
    // Round m (with sticky) to 53 significant bits ourselves, then scale.
    let bits = 128 - m.leading_zeros() as i64;
    let mut e = e2;
    if bits > 53 {
        let shift = bits - 53;
        let rem = m & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        m >>= shift;
        e += shift;
        if rem > half || rem == half && (sticky || m & 1 == 1) {
            m += 1;
        }
    }
    let mut f = m as f64;
    // Scale by 2^e in steps that stay exact.
    while e > 0 {
        let step = e.min(1000);
        f *= 2f64.powi(step as i32);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(1000);
        f /= 2f64.powi(step as i32);
        e += step;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> NumberNode {
        new_number(Span::default(), text, TokenKind::Number).unwrap()
    }

    #[test]
    fn integers() {
        let n = num("0x1F");
        assert_eq!((n.int, n.uint, n.float), (Some(31), Some(31), Some(31.0)));
        assert_eq!(num("0o17").int, Some(15));
        assert_eq!(num("017").int, Some(15));
        assert_eq!(num("0b101").int, Some(5));
        assert_eq!(num("1_000").int, Some(1000));
        let n = num("-0");
        assert_eq!((n.int, n.uint), (Some(0), Some(0)));
        let n = num("-5");
        assert_eq!((n.int, n.uint), (Some(-5), None));
        let n = num("18446744073709551615");
        assert_eq!((n.int, n.uint), (None, Some(u64::MAX)));
    }

    #[test]
    fn floats() {
        let n = num("1.5");
        assert_eq!((n.int, n.float), (None, Some(1.5)));
        let n = num("1e3");
        assert_eq!(
            (n.int, n.uint, n.float),
            (Some(1000), Some(1000), Some(1000.0))
        );
        assert_eq!(num("0x1p-2").float, Some(0.25));
        assert_eq!(num("0x1.8p1").float, Some(3.0));
        assert_eq!(num(".5").float, Some(0.5));
        assert_eq!(num("1_0.5").float, Some(10.5));
    }

    #[test]
    fn imaginary() {
        let n = num("2i");
        assert_eq!((n.complex, n.float), (Some((0.0, 2.0)), None));
        let n = num("0i");
        assert_eq!(
            (n.complex, n.float, n.int),
            (Some((0.0, 0.0)), Some(0.0), Some(0))
        );
        let n = new_number(Span::default(), "1+2i", TokenKind::Complex).unwrap();
        assert_eq!(n.complex, Some((1.0, 2.0)));
    }

    #[test]
    fn errors() {
        let e = |t: &str| new_number(Span::default(), t, TokenKind::Number).unwrap_err();
        assert_eq!(e("0xi"), r#"illegal number syntax: "0xi""#);
        assert_eq!(
            e("99999999999999999999"),
            r#"integer overflow: "99999999999999999999""#
        );
        assert_eq!(e("1_"), r#"illegal number syntax: "1_""#);
        assert_eq!(e("1e400"), r#"illegal number syntax: "1e400""#);
    }
}
