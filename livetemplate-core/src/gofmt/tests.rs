//! Expected strings below were produced by Go 1.19 (`fmt` through
//! text/template's `printf`, `print`, `println`) via the Go oracle.

use super::*;

/// Runs one case: `args` is JSON (oracle conventions) for the operand list
/// (an array) or for the single value (`value`, `type`).
fn run(kind: &str, format: &str, args: &str) -> String {
    let v = Value::from_json(args).expect("test data parses");
    let list: Vec<Value> = match &v {
        Value::Slice(s) => s.items.clone(),
        other => vec![other.clone()],
    };
    match kind {
        "printf" => sprintf(format, &list),
        "print" => sprint(&list),
        "println" => sprintln(&list),
        "value" => {
            let mut out = String::new();
            write_value(&mut out, &v);
            out
        }
        "type" => v.type_of().to_string(),
        other => panic!("unknown kind {other}"),
    }
}

fn check(cases: &[(&str, &str, &str, &str)]) {
    let mut failures = Vec::new();
    for &(kind, format, args, want) in cases {
        let got = run(kind, format, args);
        if got != want {
            failures.push(format!(
                "{kind} {format:?} {args}\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn oracle_basic() {
    check(&[
        (
            "printf",
            "%08.3f|%x|%q",
            "[3.14159, 255, \"a\\nb\"]",
            "0003.142|ff|\"a\\nb\"",
        ),
        (
            "printf",
            "%5d|%-5s|",
            "[\"x\", 3]",
            "%!d(string=    x)|%!s(int=3    )|",
        ),
        (
            "printf",
            "%v %v %v %v %v %v",
            "[1234567.0, 1e20, 0.0001, 0.00001, 1e21, 100000.0]",
            "1.234567e+06 1e+20 0.0001 1e-05 1e+21 100000",
        ),
        (
            "printf",
            "%e %E %f %F %g %G",
            "[1234.5678, 1234.5678, 1234.5678, 1234.5678, 1234.5678, 1e-7]",
            "1.234568e+03 1.234568E+03 1234.567800 1234.567800 1234.5678 1E-07",
        ),
        (
            "printf",
            "%.3e %.0e %.10f %.0f %.3g %.10g %.1g %.0g",
            "[1234.5678, 5.5, 0.1, 2.5, 1234.5678, 0.1, 0.0001234, 0.5]",
            "1.235e+03 6e+00 0.1000000000 2 1.23e+03 0.1 0.0001 0.5",
        ),
        (
            "printf",
            "%#g %#.3g %#e %#f %#.0f %#.0e %#v",
            "[1.0, 100.0, 1.0, 1.0, 3.0, 3.0, 1.5]",
            "1.00000 100. 1.000000e+00 1.000000 3. 3.e+00 1.5",
        ),
        (
            "printf",
            "%b %x %X %.3x %#x",
            "[1.0, 1.5, -1234.5, 3.14159, 0.0]",
            "4503599627370496p-52 0x1.8p+00 -0X1.34AP+10 0x1.922p+01 0x0.0000p+00",
        ),
        (
            "printf",
            "%+d % d %+.2f % .2f %08d %-8d| %+08d %x %X %#x %#o %O %b %#b %o",
            "[5, 5, 1.5, 1.5, -42, 42, 42, 255, 255, 255, 8, 8, 5, 5, 0]",
            "+5  5 +1.50  1.50 -0000042 42      | +0000042 ff FF 0xff 010 0o10 101 0b101 0",
        ),
        (
            "printf",
            "%c %c %q %U %#U %#U %.6U",
            "[65, 19990, 65, 19990, 19990, 10, 65]",
            "A 世 'A' U+4E16 U+4E16 '世' U+000A U+000041",
        ),
        (
            "printf",
            "%s %d %t %v",
            "[1, \"x\", 1, null]",
            "%!s(int=1) %!d(string=x) %!t(int=1) <nil>",
        ),
        ("printf", "%d %s", "[null, null]", "%!d(<nil>) %!s(<nil>)"),
        (
            "printf",
            "%d",
            "[1, 2, \"x\"]",
            "1%!(EXTRA int=2, string=x)",
        ),
        ("printf", "%d %d", "[1]", "1 %!d(MISSING)"),
        ("printf", "%", "[1]", "%!(NOVERB)%!(EXTRA int=1)"),
        ("printf", "%[2]d %[1]d", "[1, 2]", "2 1"),
        ("printf", "%[3]d", "[1, 2]", "%!d(BADINDEX)"),
        (
            "printf",
            "%[0]d %[x]d",
            "[1, 2]",
            "%!d(BADINDEX) %!d(BADINDEX)",
        ),
        (
            "printf",
            "%*d|%-*d|%.*f",
            "[5, 1, 5, 2, 2, 3.14159]",
            "    1|2    |3.14",
        ),
        ("printf", "%*d", "[\"x\", 1]", "%!(BADWIDTH)1"),
        ("printf", "%.*d", "[-1, 5]", "%!(BADPREC)5"),
        (
            "printf",
            "%v %+v %#v",
            "[{\"$struct\":{\"A\":1,\"B\":\"x\"}}, {\"$struct\":{\"A\":1,\"B\":\"x\"}}, {\"$struct\":{\"A\":1,\"B\":\"x\"}}]",
            "{1 x} {A:1 B:x} struct { A int; B string }{A:1, B:\"x\"}",
        ),
        (
            "printf",
            "%v %#v %v %#v",
            "[[1,2], [1,2], {\"b\":2,\"a\":1}, {\"b\":2,\"a\":1}]",
            "[1 2] []int{1, 2} map[a:1 b:2] map[string]int{\"a\":1, \"b\":2}",
        ),
        (
            "printf",
            "%v %#v %v %#v",
            "[[1,\"a\",null], [1,\"a\",null], {\"b\":2,\"a\":\"x\"}, {\"b\":null,\"a\":1}]",
            "[1 a <nil>] []interface {}{1, \"a\", interface {}(nil)} map[a:x b:2] map[string]interface {}{\"a\":1, \"b\":interface {}(nil)}",
        ),
        (
            "printf",
            "%T %T %T %T %T %T %T",
            "[1, 1.5, \"s\", [1], [1,\"a\"], {\"a\":1}, null]",
            "int float64 string []int []interface {} map[string]int <nil>",
        ),
        (
            "printf",
            "%T %T %T %T %T",
            "[{\"$html\":\"x\"}, {\"$uint\":3}, {\"$nilptr\":true}, {\"$struct\":{\"A\":1,\"B\":\"x\",\"C\":null}}, {\"$ptr\":[1]}]",
            "template.HTML uint *int struct { A int; B string; C interface {} } *[]int",
        ),
        (
            "printf",
            "%v|%d|%s|%v|%p",
            "[{\"$nilptr\":true}, {\"$nilptr\":true}, {\"$nilptr\":true}, {\"$ptr\":[1,2]}, {\"$nilptr\":true}]",
            "<nil>|0|%!s(*int=<nil>)|&[1 2]|0x0",
        ),
        (
            "printf",
            "%q %+q %#q %#q %x % x %#x %X % #x",
            "[\"héllo\\u0000\\u00a0\\u200b\", \"héllo\", \"a`b\", \"ab\", \"hi\", \"hi\", \"hi\", \"hi\", \"hi\"]",
            "\"héllo\\x00\\u00a0\\u200b\" \"h\\u00e9llo\" \"a`b\" `ab` 6869 68 69 0x6869 6869 0x68 0x69",
        ),
        (
            "printf",
            "%.2s|%5.1s|%-5s|%05s|%.1q",
            "[\"héllo\", \"héllo\", \"é\", \"ab\", \"héllo\"]",
            "hé|    h|é    |000ab|\"h\"",
        ),
        (
            "printf",
            "%5.1f|%-8.2e|%+g|% g|%08.2f|%+08.2f|%08v",
            "[3.14159, 314.159, 1.5, 1.5, -3.14159, 3.14159, -1.5]",
            "  3.1|3.14e+02|+1.5| 1.5|-0003.14|+0003.14|-00001.5",
        ),
        (
            "printf",
            "%t %v %5t %s",
            "[true, false, true, true]",
            "true false  true %!s(bool=true)",
        ),
        (
            "printf",
            "%x %X %o %c",
            "[-255, {\"$uint\":18446744073709551615}, -8, -1]",
            "-ff FFFFFFFFFFFFFFFF -10 �",
        ),
        (
            "printf",
            "%d %v %x %#v",
            "[{\"$uint\":42}, {\"$uint\":42}, {\"$uint\":42}, {\"$uint\":42}]",
            "42 42 2a 0x2a",
        ),
        (
            "printf",
            "%6.2v|%-6v|%06d|%.0d|%5.0d|",
            "[3.14159, [1,2], -12, 0, 0]",
            "   3.1|[1      2     ]|-00012||     |",
        ),
        ("printf", "no verbs", "[]", "no verbs"),
        ("printf", "%!%%%d", "[3]", "%!!(int=3)%%!d(MISSING)"),
        ("printf", "%z %é", "[1, 2]", "%!z(int=1) %!é(int=2)"),
        ("printf", "%.", "[1]", "%!.(int=1)"),
        (
            "printf",
            "%-010d|%0-10d|",
            "[5, 5]",
            "5         |5         |",
        ),
        (
            "print",
            "",
            "[1, 2, \"a\", \"b\", 3, null, 4, [1]]",
            "1 2ab3 <nil> 4 [1]",
        ),
        ("println", "", "[1, \"a\", null]", "1 a <nil>\n"),
        (
            "print",
            "",
            "[null, null, 1.5, {\"$html\":\"<b>\"}, 2]",
            "<nil> <nil> 1.5<b>2",
        ),
        ("value", "", "{\"$ptr\":{\"$struct\":{\"A\":1}}}", "&{1}"),
        ("value", "", "{\"$ptr\":{\"a\":[1,2.5]}}", "&map[a:[1 2.5]]"),
        (
            "type",
            "",
            "{\"a\":{\"$struct\":{}}}",
            "map[string]struct {}",
        ),
        ("type", "", "[[1],[2]]", "[][]int"),
        ("type", "", "[{\"$ptr\":1},{\"$ptr\":2}]", "[]*int"),
    ]);
}

#[test]
fn pointers_print_placeholder() {
    check(&[
        (
            "value",
            "",
            "{\"$struct\":{\"A\":{\"$ptr\":1},\"C\":[{\"$nilptr\":true}]}}",
            "{0xc000010000 [<nil>]}",
        ),
        (
            "printf",
            "%v|%p|%d",
            "[{\"$ptr\":1}, {\"$ptr\":1}, {\"$ptr\":1}]",
            "0xc000010000|0xc000010000|824633786368",
        ),
    ]);
}
