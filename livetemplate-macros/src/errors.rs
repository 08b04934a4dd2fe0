//! Template errors: file, line, column and an excerpt, all reported together.

use livetemplate_core::error::line_col;

/// One error in a template.
pub struct TemplateError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, if known.
    pub col: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl TemplateError {
    /// An error at byte `offset` of `source`.
    pub fn at(source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(source, offset);
        TemplateError {
            line,
            col: Some(col + 1),
            message: message.into(),
        }
    }

    /// An error from a core error message (`template: NAME:LINE:COL: msg`,
    /// `html/template:NAME:LINE:COL: msg`; line or column may be absent).
    pub fn from_core(name: &str, message: &str) -> Self {
        let rest = message
            .strip_prefix("template: ")
            .or_else(|| message.strip_prefix("html/template:"))
            .unwrap_or(message);
        let rest = rest.strip_prefix(name).and_then(|r| r.strip_prefix(':'));
        if let Some(rest) = rest {
            let mut parts = rest.splitn(3, ':');
            let line = parts.next().and_then(|l| l.trim().parse::<usize>().ok());
            let second = parts.next();
            let col = second.and_then(|c| c.trim().parse::<usize>().ok());
            if let Some(line) = line {
                let msg = match col {
                    Some(_) => parts.next().unwrap_or("").trim().to_string(),
                    None => {
                        let mut m = second.unwrap_or("").to_string();
                        if let Some(t) = parts.next() {
                            m.push(':');
                            m.push_str(t);
                        }
                        m.trim().to_string()
                    }
                };
                return TemplateError {
                    line,
                    col: col.map(|c| c + 1),
                    message: msg,
                };
            }
        }
        TemplateError {
            line: 1,
            col: None,
            message: message.to_string(),
        }
    }

    /// The full text: `FILE:LINE:COL: message` and the source line with a caret.
    pub fn render(&self, file: &str, source: &str) -> String {
        let pos = match self.col {
            Some(c) => format!("{file}:{}:{c}", self.line),
            None => format!("{file}:{}", self.line),
        };
        let mut out = format!("{pos}: {}", self.message);
        if let Some(text) = source.lines().nth(self.line - 1) {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            out.push_str(&format!("\n{pad} |\n{num} | {text}"));
            if let Some(c) = self.col {
                let caret_at: String = text
                    .chars()
                    .take(c.saturating_sub(1))
                    .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                    .collect();
                out.push_str(&format!("\n{pad} | {caret_at}^"));
            }
        }
        out
    }
}
