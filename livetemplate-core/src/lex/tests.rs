use super::*;

fn kinds(src: &str) -> Vec<(TokenKind, String, u32)> {
    let mut l = Lexer::new(src, LexOptions::default());
    let mut out = Vec::new();
    loop {
        let t = l.next_token();
        let text = if t.kind == TokenKind::Error {
            l.error_message().to_string()
        } else {
            t.text(src).to_string()
        };
        out.push((t.kind, text, t.line));
        if matches!(t.kind, TokenKind::Eof | TokenKind::Error) {
            return out;
        }
    }
}

#[test]
fn simple_action() {
    use TokenKind::*;
    let got = kinds("a {{.X | printf \"%d\"}}\nb");
    let want = vec![
        (Text, "a ".into(), 1),
        (LeftDelim, "{{".into(), 1),
        (Field, ".X".into(), 1),
        (Space, " ".into(), 1),
        (Pipe, "|".into(), 1),
        (Space, " ".into(), 1),
        (Identifier, "printf".into(), 1),
        (Space, " ".into(), 1),
        (String, "\"%d\"".into(), 1),
        (RightDelim, "}}".into(), 1),
        (Text, "\nb".into(), 1),
        (Eof, "".into(), 2),
    ];
    assert_eq!(got, want);
}

#[test]
fn trim_markers() {
    use TokenKind::*;
    let got: Vec<_> = kinds("x \n{{- 3 -}}\n y")
        .into_iter()
        .map(|(k, t, _)| (k, t))
        .collect();
    assert_eq!(
        got,
        vec![
            (Text, "x".into()),
            (LeftDelim, "{{".into()),
            (Number, "3".into()),
            (RightDelim, "}}".into()),
            (Text, "y".into()),
            (Eof, "".into())
        ]
    );
}

#[test]
fn field_chain_and_keywords() {
    use TokenKind::*;
    let got: Vec<_> = kinds("{{range $i, $e := .A.B}}{{else}}{{end}}")
        .into_iter()
        .map(|(k, _, _)| k)
        .collect();
    assert_eq!(
        got,
        vec![
            LeftDelim, Range, Space, Variable, Char, Space, Variable, Space, Declare, Space, Field,
            Field, RightDelim, LeftDelim, Else, RightDelim, LeftDelim, End, RightDelim, Eof
        ]
    );
}

#[test]
fn numbers() {
    use TokenKind::*;
    let got: Vec<_> = kinds("{{1 0x1F -3.2i 1+2i 0b1_0 'a' .5}}")
        .into_iter()
        .map(|(k, t, _)| (k, t))
        .collect();
    let nums: Vec<_> = got
        .iter()
        .filter(|(k, _)| !matches!(k, Space | LeftDelim | RightDelim | Eof))
        .cloned()
        .collect();
    assert_eq!(
        nums,
        vec![
            (Number, "1".into()),
            (Number, "0x1F".into()),
            (Number, "-3.2i".into()),
            (Complex, "1+2i".into()),
            (Number, "0b1_0".into()),
            (CharConstant, "'a'".into()),
            (Number, ".5".into()),
        ]
    );
}

#[test]
fn errors_and_their_lines() {
    let last = |s: &str| kinds(s).pop().unwrap();
    assert_eq!(
        last("{{\n\n"),
        (TokenKind::Error, "unclosed action".into(), 3)
    );
    assert_eq!(
        last("{{\"abc\n\"}}"),
        (TokenKind::Error, "unterminated quoted string".into(), 1)
    );
    assert_eq!(
        last("{{3k}}"),
        (TokenKind::Error, "bad number syntax: \"3k\"".into(), 1)
    );
    assert_eq!(
        last("{{a#}}"),
        (TokenKind::Error, "bad character U+0023 '#'".into(), 1)
    );
    assert_eq!(
        last("{{/* x"),
        (TokenKind::Error, "unclosed comment".into(), 1)
    );
    assert_eq!(
        last("{{/* x */ y}}"),
        (
            TokenKind::Error,
            "comment ends before closing delimiter".into(),
            1
        )
    );
    assert_eq!(
        last("{{\u{1}}}"),
        (
            TokenKind::Error,
            "unrecognized character in action: U+0001".into(),
            1
        )
    );
    assert_eq!(
        last("{{)}}"),
        (
            TokenKind::Error,
            "unexpected right paren U+0029 ')'".into(),
            1
        )
    );
    assert_eq!(
        last("{{(}}"),
        (TokenKind::Error, "unclosed left paren".into(), 1)
    );
}

#[test]
fn after_end_only_zero_tokens() {
    let mut l = Lexer::new("x", LexOptions::default());
    assert_eq!(l.next_token().kind, TokenKind::Text);
    assert_eq!(l.next_token().kind, TokenKind::Eof);
    let z = l.next_token();
    assert_eq!((z.kind, z.line), (TokenKind::Error, 0));
}

#[test]
fn custom_delimiters_and_break_as_function() {
    let src = "<<break>>";
    let mut l = Lexer::new(
        src,
        LexOptions {
            left_delim: "<<",
            right_delim: ">>",
            break_ok: false,
            ..Default::default()
        },
    );
    let kinds: Vec<_> = std::iter::from_fn(|| Some(l.next_token()))
        .take(4)
        .map(|t| t.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            TokenKind::LeftDelim,
            TokenKind::Identifier,
            TokenKind::RightDelim,
            TokenKind::Eof
        ]
    );
}
