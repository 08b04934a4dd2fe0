//! Go's `strconv.FormatFloat` for `float64` (formats `e E f g G b x X`).
//!
//! Shortest digits come from `zmij` (already in the dependency graph
//! through serde_json; a Schubfach-family algorithm that, like Go's Ryū,
//! picks the shortest digits that round-trip, closest to the exact value).
//! Digits for an explicit precision come from Rust's exact formatting:
//! `{:.N e}` / `{:.N}` round the exact binary value half-to-even, as Go's
//! decimal conversion does. Only the layout (exponent form, thresholds) is Go's.

use std::fmt::Write;
/// Decimal digits `d[0] d[1] ... d[nd-1]` with the decimal point after
/// `dp` digits (Go's `decimalSlice`); no trailing zeros; zero has `nd == 0`.
struct Digits<'a> {
    d: &'a [u8],
    dp: i32,
}

/// Splits a decimal text in any layout (`-0.00123`, `123.0`, `1.5e-7`,
/// `1e21`) into significant digits (written to `buf`, at least as long as
/// `text`) and point position.
fn parse_plain<'a>(text: &str, buf: &'a mut [u8]) -> Digits<'a> {
    let text = text.strip_prefix('-').unwrap_or(text);
    let (mant, exp) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let exp: i32 = exp.strip_prefix('+').unwrap_or(exp).parse().unwrap_or(0);
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut n = 0;
    let mut dp = int.len() as i32 + exp;
    for c in int.bytes().chain(frac.bytes()) {
        if n == 0 && c == b'0' {
            // A leading zero moves the point left instead.
            dp -= 1;
            continue;
        }
        buf[n] = c;
        n += 1;
    }
    while n > 0 && buf[n - 1] == b'0' {
        n -= 1;
    }
    if n == 0 {
        dp = 0;
    }
    Digits { d: &buf[..n], dp }
}

fn push_exp(out: &mut String, exp: i32, e: char) {
    out.push(e);
    let (sign, exp) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
    out.push(sign);
    if exp < 10 {
        out.push('0');
    }
    let mut b = itoa::Buffer::new();
    out.push_str(b.format(exp));
}

/// Go's `fmtE`: `d.ddd` with `prec` fraction digits (zero padded), then
/// the exponent.
fn fmt_e(out: &mut String, neg: bool, d: &Digits, prec: usize, e: char) {
    if neg {
        out.push('-');
    }
    out.push(d.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        let m = d.d.len().min(prec + 1);
        for &c in d.d.get(1..m).unwrap_or(&[]) {
            out.push(c as char);
        }
        for _ in m.max(1)..=prec {
            out.push('0');
        }
    }
    let exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
    push_exp(out, exp, e);
}

/// Go's `fmtF`: integer part, then `prec` fraction digits.
fn fmt_f(out: &mut String, neg: bool, d: &Digits, prec: usize) {
    if neg {
        out.push('-');
    }
    if d.dp > 0 {
        let dp = d.dp as usize;
        let m = d.d.len().min(dp);
        for &c in &d.d[..m] {
            out.push(c as char);
        }
        for _ in m..dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = d.dp as i64 + i as i64;
            let c = if j >= 0 && (j as usize) < d.d.len() {
                d.d[j as usize] as char
            } else {
                '0'
            };
            out.push(c);
        }
    }
}

/// Appends `strconv.FormatFloat(v, fmt, prec, 64)`; `prec < 0` means the
/// shortest representation that round-trips.
pub fn format_float(out: &mut String, v: f64, fmt: u8, prec: i64) {
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    let neg = v.is_sign_negative();
    match fmt {
        b'b' => return fmt_b(out, v),
        b'x' | b'X' => return fmt_x(out, v, prec, fmt == b'X'),
        _ => {}
    }
    if prec < 0 {
        let mut zb = zmij::Buffer::new();
        let text = zb.format_finite(v);
        // zmij's longest output is 24 bytes (`-2.2250738585072014e-308`).
        let mut scratch = [0u8; 32];
        let d = if text.len() <= scratch.len() {
            parse_plain(text, &mut scratch)
        } else {
            Digits { d: &[], dp: 0 }
        };
        let nd = d.d.len();
        match fmt {
            b'e' | b'E' => fmt_e(out, neg, &d, nd.saturating_sub(1), fmt as char),
            b'f' => fmt_f(out, neg, &d, (nd as i64 - d.dp as i64).max(0) as usize),
            _ => {
                // 'g'/'G' shortest: Go decides with precision 6.
                let exp = d.dp - 1;
                if !(-4..6).contains(&exp) {
                    let e = if fmt == b'G' { 'E' } else { 'e' };
                    fmt_e(out, neg, &d, nd.saturating_sub(1), e);
                } else {
                    fmt_f(out, neg, &d, (nd as i64 - d.dp as i64).max(0) as usize);
                }
            }
        }
        return;
    }
    let prec = prec as usize;
    match fmt {
        b'e' | b'E' => {
            let text = format!("{v:.prec$e}");
            let mut scratch = vec![0u8; text.len()];
            let d = parse_plain(&text, &mut scratch);
            fmt_e(out, neg, &d, prec, fmt as char);
        }
        b'f' => {
            if !fixed_exact(out, v, prec) {
                let _ = write!(out, "{v:.prec$}");
            }
        }
        _ => {
            // 'g'/'G' with a precision: round to `p` significant digits.
            let p = prec.max(1);
            let text = format!("{v:.*e}", p - 1);
            let mut scratch = vec![0u8; text.len()];
            let d = parse_plain(&text, &mut scratch);
            let nd = d.d.len() as i64;
            let dp = d.dp as i64;
            let mut eprec = p as i64;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            let exp = dp - 1;
            if exp < -4 || exp >= eprec {
                let p2 = (p as i64).min(nd).max(1);
                let e = if fmt == b'G' { 'E' } else { 'e' };
                fmt_e(out, neg, &d, (p2 - 1) as usize, e);
            } else {
                let p2 = if p as i64 > dp { nd } else { p as i64 };
                fmt_f(out, neg, &d, (p2 - dp).max(0) as usize);
            }
        }
    }
}

/// `%b`: decimal mantissa, `p`, binary exponent (`4503599627370496p-52`).
fn fmt_b(out: &mut String, v: f64) {
    let bits = v.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp += -1023 - 52;
    if v.is_sign_negative() {
        out.push('-');
    }
    let mut b = itoa::Buffer::new();
    out.push_str(b.format(mant));
    out.push('p');
    if exp >= 0 {
        out.push('+');
    }
    out.push_str(b.format(exp));
}

/// `%x`: hexadecimal mantissa and binary exponent (`0x1.8p+01`), Go's `fmtX`.
fn fmt_x(out: &mut String, v: f64, prec: i64, upper: bool) {
    let bits = v.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023;
    let neg = v.is_sign_negative();
    if mant == 0 {
        exp = 0;
    }
    // Shift digits so leading 1 (if any) is at bit 1<<60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1u64 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    // Round if requested.
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1u64 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1u64 << 61) != 0 {
            // Wrapped around.
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(if upper { 'X' } else { 'x' });
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4; // remove leading digit
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if upper { 'P' } else { 'p' });
    let (sign, e) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
    out.push(sign);
    if e < 10 {
        out.push('0');
    }
    let mut b = itoa::Buffer::new();
    out.push_str(b.format(e));
}

/// `%.{prec}f` of a finite `v` (as `format!("{v:.prec$}")` writes it:
/// the exact binary value rounded half to even, like Go's strconv) by
/// integer arithmetic, for the common case of a modest magnitude and
/// precision: `v = m * 2^e`, and `v * 10^prec` is rounded exactly from
/// `m * 10^prec` and the bits shifted out. Returns `false`, writing
/// nothing, when the value is out of that range.
fn fixed_exact(out: &mut String, v: f64, prec: usize) -> bool {
    if prec > 17 || !v.is_finite() {
        return false;
    }
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    };
    let scale = 10u128.pow(prec as u32);
    // m < 2^53 and scale <= 10^17 < 2^57: products below fit in u128.
    let q: u128 = if m == 0 {
        0
    } else if e >= 0 {
        if e > 11 {
            return false;
        }
        (u128::from(m) << e) * scale
    } else {
        let k = e.unsigned_abs();
        if k > 120 {
            return false;
        }
        let n = u128::from(m) * scale;
        let q = n >> k;
        let r = n & ((1u128 << k) - 1);
        let half = 1u128 << (k - 1);
        if r > half || (r == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    if v.is_sign_negative() {
        out.push('-');
    }
    let mut buf = itoa::Buffer::new();
    out.push_str(buf.format(q / scale));
    if prec > 0 {
        out.push('.');
        let fraction = buf.format(q % scale);
        for _ in fraction.len()..prec {
            out.push('0');
        }
        out.push_str(fraction);
    }
    true
}

/// Appends a finite float the way Go's `encoding/json` (and so
/// html/template's JS value escaper) writes it: shortest digits, plain
/// notation unless `|v| < 1e-6` or `|v| >= 1e21`, exponent without leading
/// zero (`1e-7`, `1e+21`). Infinities and NaN, which JSON cannot carry,
/// are written as by [`format_float`]; callers must reject them first.
pub fn format_float_json(out: &mut String, v: f64) {
    let abs = v.abs();
    let exp_form = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    let start = out.len();
    format_float(out, v, if exp_form { b'e' } else { b'f' }, -1);
    // Go's clean-up: `e-07` becomes `e-7`.
    let b = &out.as_bytes()[start..];
    let n = b.len();
    if exp_form && n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
        out.remove(start + n - 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(v: f64, prec: usize) -> Result<(), TestCaseError> {
        let mut got = String::new();
        if fixed_exact(&mut got, v, prec) {
            prop_assert_eq!(got, format!("{v:.prec$}"), "{:e} %.{}f", v, prec);
        }
        Ok(())
    }

    /// Ties (exact halves) round to even, as Go does: values checked with
    /// the Go oracle.
    #[test]
    fn fixed_ties_and_signs_like_go() {
        for (v, prec, go) in [
            (0.125, 2, "0.12"),
            (0.375, 2, "0.38"),
            (2.5, 0, "2"),
            (3.5, 0, "4"),
            (1.005, 2, "1.00"),
            (-0.001, 2, "-0.00"),
            (-0.0, 1, "-0.0"),
            (12.5, 2, "12.50"),
            (79.5, 1, "79.5"),
            (4096.0, 0, "4096"),
        ] {
            let mut out = String::new();
            assert!(fixed_exact(&mut out, v, prec), "{v}");
            assert_eq!(out, go, "{v} %.{prec}f");
        }
    }

    proptest! {
        /// Any double, any precision: the same text as Rust's exact
        /// formatting (which the conformance suite checks against Go).
        #[test]
        fn fixed_exact_equals_std(bits in any::<u64>(), prec in 0usize..=18) {
            check(f64::from_bits(bits), prec)?;
        }

        /// Decimal-looking values (prices, percentages) and exact binary
        /// fractions, where ties and near-ties are.
        #[test]
        fn fixed_exact_equals_std_on_decimals(
            k in -10_000_000i64..10_000_000,
            div in prop_oneof![Just(1.0), Just(8.0), Just(10.0), Just(100.0), Just(1000.0), Just(1024.0)],
            prec in 0usize..=6,
        ) {
            check(k as f64 / div, prec)?;
        }
    }
}
