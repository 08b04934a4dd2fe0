//! Lexing: template source to tokens with byte spans.
//!
//! The lexer follows the token rules of Go's `text/template/parse` lexer
//! (`lex.go`) exactly, because the parser's error messages and positions
//! depend on them: which character ends an identifier, when a space before
//! `}}` is a trim marker, which text a "bad number syntax" error quotes, and so
//! on. It is a pull lexer over bytes: [`Lexer::next_token`] produces one token
//! at a time, and tokens are plain byte ranges into the source (no allocation
//! per token). Non-ASCII input is decoded only where a rune matters
//! (identifiers and error messages).

pub mod unicode;

/// The kind of a token, mirroring Go's `itemType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A lexing error; the message is [`Lexer::error_message`].
    Error,
    /// `true` or `false`.
    Bool,
    /// A printable ASCII character with no other meaning (`,`, `!`, ...).
    Char,
    /// A character constant such as `'a'`.
    CharConstant,
    /// A comment `/* ... */` (only produced when comments are kept).
    Comment,
    /// A complex constant such as `1+2i`.
    Complex,
    /// `=`.
    Assign,
    /// `:=`.
    Declare,
    /// End of input.
    Eof,
    /// `.Name`.
    Field,
    /// A name not starting with `.` or `$`.
    Identifier,
    /// The left delimiter.
    LeftDelim,
    /// `(`.
    LeftParen,
    /// A number, including imaginary ones.
    Number,
    /// `|`.
    Pipe,
    /// A raw string `` `...` `` including the quotes.
    RawString,
    /// The right delimiter.
    RightDelim,
    /// `)`.
    RightParen,
    /// A run of spaces inside an action.
    Space,
    /// A quoted string including the quotes.
    String,
    /// Plain text outside actions.
    Text,
    /// `$` or `$name`.
    Variable,
    /// Keyword `block`.
    Block,
    /// Keyword `break`.
    Break,
    /// Keyword `continue`.
    Continue,
    /// `.` on its own.
    Dot,
    /// Keyword `define`.
    Define,
    /// Keyword `else`.
    Else,
    /// Keyword `end`.
    End,
    /// Keyword `if`.
    If,
    /// Keyword `nil`.
    Nil,
    /// Keyword `range`.
    Range,
    /// Keyword `template`.
    Template,
    /// Keyword `with`.
    With,
}

impl TokenKind {
    /// Whether this is a keyword (Go prints those as `<word>` in errors).
    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            TokenKind::Block
                | TokenKind::Break
                | TokenKind::Continue
                | TokenKind::Dot
                | TokenKind::Define
                | TokenKind::Else
                | TokenKind::End
                | TokenKind::If
                | TokenKind::Nil
                | TokenKind::Range
                | TokenKind::Template
                | TokenKind::With
        )
    }
}

/// One token: a kind and a byte range into the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Offset of its first byte.
    pub start: u32,
    /// Offset one past its last byte.
    pub end: u32,
    /// 1-based line of `start`. Zero only for the empty error tokens that
    /// follow the end of the stream (Go's zero `item`).
    pub line: u32,
}

impl Token {
    /// The token's text in `src` (empty for error tokens).
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// Lexer configuration.
#[derive(Debug, Clone, Copy)]
pub struct LexOptions<'a> {
    /// Left delimiter (`""` means `{{`).
    pub left_delim: &'a str,
    /// Right delimiter (`""` means `}}`).
    pub right_delim: &'a str,
    /// Produce [`TokenKind::Comment`] tokens.
    pub emit_comments: bool,
    /// Lex `break` as a keyword (false when a function is named `break`).
    pub break_ok: bool,
    /// Lex `continue` as a keyword (false when a function is named `continue`).
    pub continue_ok: bool,
}

impl Default for LexOptions<'_> {
    fn default() -> Self {
        LexOptions {
            left_delim: "",
            right_delim: "",
            emit_comments: false,
            break_ok: true,
            continue_ok: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    LeftDelim,
    InsideAction,
    RightDelim,
    /// After EOF or an error: every further token is Go's zero item.
    Done,
}

const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";

/// A pull lexer over a template source.
#[derive(Debug, Clone)]
pub struct Lexer<'s> {
    src: &'s str,
    bytes: &'s [u8],
    left: &'s str,
    right: &'s str,
    emit_comments: bool,
    break_ok: bool,
    continue_ok: bool,
    pos: usize,
    start: usize,
    paren_depth: i32,
    state: State,
    /// Line bookkeeping: `line` is the line at byte `line_pos`.
    line: u32,
    line_pos: usize,
    error: String,
    /// An error token is due before anything else (Go emitted a token, then an error).
    pending: bool,
}

/// Go's `isSpace`: ASCII space, tab, carriage return, newline.
#[inline]
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Go's `isAlphaNumeric`: `_`, a letter or a digit (Go's Unicode tables).
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c == '_' || c.is_ascii_alphanumeric()
    } else {
        unicode::is_letter(c) || unicode::is_digit(c)
    }
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1])
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
}

/// Go's `%#U` formatting of a rune: `U+0023 '#'`.
pub fn format_rune_u(c: char) -> String {
    if unicode::is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

impl<'s> Lexer<'s> {
    /// A lexer over `src`.
    pub fn new(src: &'s str, opts: LexOptions<'s>) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            left: if opts.left_delim.is_empty() {
                "{{"
            } else {
                opts.left_delim
            },
            right: if opts.right_delim.is_empty() {
                "}}"
            } else {
                opts.right_delim
            },
            emit_comments: opts.emit_comments,
            break_ok: opts.break_ok,
            continue_ok: opts.continue_ok,
            pos: 0,
            start: 0,
            paren_depth: 0,
            state: State::Text,
            line: 1,
            line_pos: 0,
            error: String::new(),
            pending: false,
        }
    }

    /// The message of the error token, once one has been produced.
    pub fn error_message(&self) -> &str {
        &self.error
    }

    fn line_at(&mut self, pos: usize) -> u32 {
        if pos >= self.line_pos {
            self.line += count_newlines(&self.bytes[self.line_pos..pos]);
        } else {
            self.line -= count_newlines(&self.bytes[pos..self.line_pos]);
        }
        self.line_pos = pos;
        self.line
    }

    fn make(&mut self, kind: TokenKind) -> Token {
        let line = self.line_at(self.start);
        let t = Token {
            kind,
            start: self.start as u32,
            end: self.pos as u32,
            line,
        };
        self.start = self.pos;
        t
    }

    fn error_token(&mut self, msg: String) -> Token {
        self.error = msg;
        self.state = State::Done;
        let line = self.line_at(self.start);
        Token {
            kind: TokenKind::Error,
            start: self.start as u32,
            end: self.start as u32,
            line,
        }
    }

    /// The rune at `pos`, if any.
    fn peek_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn rest(&self) -> &'s [u8] {
        &self.bytes[self.pos.min(self.bytes.len())..]
    }

    /// Go's `atTerminator`: may an identifier end here?
    fn at_terminator(&self) -> bool {
        match self.rest().first() {
            None => true,
            Some(&b) if is_space(b) => true,
            Some(b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => self.rest().starts_with(self.right.as_bytes()),
        }
    }

    /// Go's `atRightDelim`: `(is_delim, with_trim_marker)`.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest) && rest[2..].starts_with(self.right.as_bytes()) {
            return (true, true);
        }
        (rest.starts_with(self.right.as_bytes()), false)
    }

    /// The next token. After [`TokenKind::Eof`] or an error, every call
    /// returns an empty error token with line 0 (like reading Go's closed
    /// item channel).
    pub fn next_token(&mut self) -> Token {
        if self.pending {
            self.pending = false;
            let msg = std::mem::take(&mut self.error);
            return self.error_token(msg);
        }
        loop {
            let step = match self.state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::RightDelim => Some(self.lex_right_delim()),
                State::Done => {
                    return Token {
                        kind: TokenKind::Error,
                        start: 0,
                        end: 0,
                        line: 0,
                    };
                }
            };
            if let Some(t) = step {
                return t;
            }
        }
    }

    fn lex_text(&mut self) -> Option<Token> {
        let ld = self.left.as_bytes();
        match self
            .src
            .get(self.pos..)
            .and_then(|rest| rest.find(self.left))
        {
            Some(x) => {
                let delim_at = self.pos + x;
                let trim = if has_left_trim_marker(&self.bytes[delim_at + ld.len()..]) {
                    right_trim_length(&self.bytes[self.start..delim_at])
                } else {
                    0
                };
                self.state = State::LeftDelim;
                let text_end = delim_at - trim;
                if text_end > self.start {
                    self.pos = text_end;
                    let t = self.make(TokenKind::Text);
                    self.pos = delim_at;
                    self.start = delim_at;
                    return Some(t);
                }
                self.pos = delim_at;
                self.start = delim_at;
                None
            }
            None => {
                self.pos = self.bytes.len();
                if self.pos > self.start {
                    // Emit the text now and EOF on the next call.
                    let t = self.make(TokenKind::Text);
                    return Some(t);
                }
                let t = self.make(TokenKind::Eof);
                self.state = State::Done;
                Some(t)
            }
        }
    }

    fn lex_left_delim(&mut self) -> Option<Token> {
        self.pos += self.left.len();
        let trim = has_left_trim_marker(self.rest());
        let after = if trim { 2 } else { 0 };
        if self.bytes[self.pos + after..].starts_with(LEFT_COMMENT.as_bytes()) {
            self.pos += after;
            self.start = self.pos;
            return self.lex_comment();
        }
        let t = self.make(TokenKind::LeftDelim);
        self.pos += after;
        self.start = self.pos;
        self.paren_depth = 0;
        self.state = State::InsideAction;
        Some(t)
    }

    fn lex_comment(&mut self) -> Option<Token> {
        self.pos += LEFT_COMMENT.len();
        let Some(i) = find(self.rest(), RIGHT_COMMENT.as_bytes()) else {
            return Some(self.error_token("unclosed comment".into()));
        };
        self.pos += i + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return Some(self.error_token("comment ends before closing delimiter".into()));
        }
        let comment = if self.emit_comments {
            Some(self.make(TokenKind::Comment))
        } else {
            None
        };
        if trim {
            self.pos += 2;
        }
        self.pos += self.right.len();
        if trim {
            self.pos += left_trim_length(self.rest());
        }
        self.start = self.pos;
        self.state = State::Text;
        comment
    }

    fn lex_right_delim(&mut self) -> Token {
        let trim = has_right_trim_marker(self.rest());
        if trim {
            self.pos += 2;
            self.start = self.pos;
        }
        self.pos += self.right.len();
        let t = self.make(TokenKind::RightDelim);
        if trim {
            self.pos += left_trim_length(self.rest());
            self.start = self.pos;
        }
        self.state = State::Text;
        t
    }

    fn lex_inside_action(&mut self) -> Option<Token> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                self.state = State::RightDelim;
                return None;
            }
            return Some(self.error_token("unclosed left paren".into()));
        }
        let Some(&b) = self.rest().first() else {
            return Some(self.error_token("unclosed action".into()));
        };
        if is_space(b) {
            return Some(self.lex_space());
        }
        self.pos += 1; // Every case below starts with this byte (ASCII) or re-reads it.
        let t = match b {
            b'=' => self.make(TokenKind::Assign),
            b':' => {
                if self.rest().first() != Some(&b'=') {
                    // Go consumed the rune after ':'; only the message matters.
                    return Some(self.error_token("expected :=".into()));
                }
                self.pos += 1;
                self.make(TokenKind::Declare)
            }
            b'|' => self.make(TokenKind::Pipe),
            b'"' => return Some(self.lex_quote(b'"')),
            b'`' => return Some(self.lex_raw_quote()),
            b'$' => return Some(self.lex_variable()),
            b'\'' => return Some(self.lex_quote(b'\'')),
            b'.' if !matches!(self.rest().first(), Some(b'0'..=b'9') | None) => {
                return Some(self.lex_field_or_variable(TokenKind::Field));
            }
            b'.' | b'+' | b'-' | b'0'..=b'9' => {
                self.pos -= 1;
                return Some(self.lex_number());
            }
            b'(' => {
                self.paren_depth += 1;
                self.make(TokenKind::LeftParen)
            }
            b')' => {
                let t = self.make(TokenKind::RightParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    // Go emits the paren, then the error.
                    self.pending_error(format!("unexpected right paren {}", format_rune_u(')')));
                }
                t
            }
            _ => {
                self.pos -= 1;
                let c = self.peek_char().unwrap_or('\u{FFFD}');
                if is_alphanumeric(c) {
                    return Some(self.lex_identifier());
                }
                self.pos += c.len_utf8();
                if c.is_ascii() && (0x20..0x7f).contains(&(c as u32)) {
                    self.make(TokenKind::Char)
                } else {
                    return Some(self.error_token(format!(
                        "unrecognized character in action: {}",
                        format_rune_u(c)
                    )));
                }
            }
        };
        Some(t)
    }

    /// Arranges for the next token to be an error with `msg` at the current
    /// position (used where Go emits a token and then an error).
    fn pending_error(&mut self, msg: String) {
        self.error = msg;
        self.state = State::InsideAction;
        self.pending = true;
    }

    fn lex_space(&mut self) -> Token {
        let mut n = 0;
        while let Some(&b) = self.rest().first() {
            if !is_space(b) {
                break;
            }
            self.pos += 1;
            n += 1;
        }
        let before = &self.bytes[self.pos - 1..];
        if has_right_trim_marker(before) && before[2..].starts_with(self.right.as_bytes()) {
            self.pos -= 1; // Before the space.
            if n == 1 {
                self.state = State::RightDelim;
                return self.lex_right_delim();
            }
        }
        self.make(TokenKind::Space)
    }

    fn lex_identifier(&mut self) -> Token {
        let stop = self.scan_alphanumeric();
        if !self.at_terminator() {
            return self.error_token(format!("bad character {}", format_rune_u(stop)));
        }
        let word = &self.src[self.start..self.pos];
        let kind = match word {
            "block" => TokenKind::Block,
            "break" if self.break_ok => TokenKind::Break,
            "continue" if self.continue_ok => TokenKind::Continue,
            "define" => TokenKind::Define,
            "else" => TokenKind::Else,
            "end" => TokenKind::End,
            "if" => TokenKind::If,
            "range" => TokenKind::Range,
            "nil" => TokenKind::Nil,
            "template" => TokenKind::Template,
            "with" => TokenKind::With,
            "true" | "false" => TokenKind::Bool,
            _ => TokenKind::Identifier,
        };
        self.make(kind)
    }

    /// Consumes a run of alphanumerics; returns the rune that stopped it
    /// (`'\0'`-free placeholder at EOF, never printed then).
    fn scan_alphanumeric(&mut self) -> char {
        loop {
            match self.peek_char() {
                Some(c) if is_alphanumeric(c) => self.pos += c.len_utf8(),
                Some(c) => return c,
                None => return '\u{FFFD}',
            }
        }
    }

    fn lex_variable(&mut self) -> Token {
        if self.at_terminator() {
            return self.make(TokenKind::Variable);
        }
        self.lex_field_or_variable(TokenKind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: TokenKind) -> Token {
        if self.at_terminator() {
            let k = if kind == TokenKind::Variable {
                kind
            } else {
                TokenKind::Dot
            };
            return self.make(k);
        }
        let stop = self.scan_alphanumeric();
        if !self.at_terminator() {
            return self.error_token(format!("bad character {}", format_rune_u(stop)));
        }
        self.make(kind)
    }

    /// A `"` string or a `'` character constant; the quote is consumed.
    fn lex_quote(&mut self, quote: u8) -> Token {
        let (kind, msg) = if quote == b'"' {
            (TokenKind::String, "unterminated quoted string")
        } else {
            (TokenKind::CharConstant, "unterminated character constant")
        };
        loop {
            match self.rest().first().copied() {
                Some(b'\\') => {
                    self.pos += 1;
                    match self.rest().first() {
                        None | Some(b'\n') => return self.error_token(msg.into()),
                        Some(_) => self.pos += 1,
                    }
                }
                None | Some(b'\n') => return self.error_token(msg.into()),
                Some(b) => {
                    self.pos += 1;
                    if b == quote {
                        break;
                    }
                }
            }
        }
        self.make(kind)
    }

    fn lex_raw_quote(&mut self) -> Token {
        match memchr(b'`', self.rest()) {
            Some(i) => {
                self.pos += i + 1;
                self.make(TokenKind::RawString)
            }
            None => {
                self.pos = self.bytes.len();
                self.error_token("unterminated raw quoted string".into())
            }
        }
    }

    fn accept(&mut self, valid: &[u8]) -> bool {
        match self.rest().first() {
            Some(b) if valid.contains(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &[u8]) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept(b"+-");
        let mut digits: &[u8] = b"0123456789_";
        if self.accept(b"0") {
            if self.accept(b"xX") {
                digits = b"0123456789abcdefABCDEF_";
            } else if self.accept(b"oO") {
                digits = b"01234567_";
            } else if self.accept(b"bB") {
                digits = b"01_";
            }
        }
        self.accept_run(digits);
        if self.accept(b".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept(b"eE") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        if digits.len() == 23 && self.accept(b"pP") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        self.accept(b"i");
        if let Some(c) = self.peek_char() {
            if is_alphanumeric(c) {
                self.pos += c.len_utf8();
                return false;
            }
        }
        true
    }

    fn lex_number(&mut self) -> Token {
        if !self.scan_number() {
            let text = &self.src[self.start..self.pos];
            return self.error_token(format!(
                "bad number syntax: {}",
                crate::parse::quote::go_quote(text)
            ));
        }
        if matches!(self.rest().first(), Some(b'+' | b'-')) {
            if !self.scan_number() || self.bytes[self.pos - 1] != b'i' {
                let text = &self.src[self.start..self.pos];
                return self.error_token(format!(
                    "bad number syntax: {}",
                    crate::parse::quote::go_quote(text)
                ));
            }
            return self.make(TokenKind::Complex);
        }
        self.make(TokenKind::Number)
    }
}

fn right_trim_length(s: &[u8]) -> usize {
    s.iter().rev().take_while(|&&b| is_space(b)).count()
}

fn left_trim_length(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| is_space(b)).count()
}

fn count_newlines(s: &[u8]) -> u32 {
    s.iter().filter(|&&b| b == b'\n').count() as u32
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// First occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = memchr(first, &hay[from..]) {
        let at = from + i;
        if hay[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests;
