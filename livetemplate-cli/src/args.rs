//! A small command-line parser: flags with or without values, then positionals.

/// Parsed arguments of one command.
#[derive(Debug, Default)]
pub struct Args {
    /// Flags given without a value (`--text`).
    pub switches: Vec<String>,
    /// Flags given with a value (`--name main`), in order.
    pub options: Vec<(String, String)>,
    /// Everything else, in order.
    pub positional: Vec<String>,
}

impl Args {
    /// Parses `argv`; `valued` lists the flags that take a value.
    pub fn parse(argv: &[String], switches: &[&str], valued: &[&str]) -> Result<Args, String> {
        let mut out = Args::default();
        let mut it = argv.iter();
        while let Some(a) = it.next() {
            if let Some(flag) = a.strip_prefix("--") {
                let (name, inline) = match flag.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (flag, None),
                };
                if switches.contains(&name) && inline.is_none() {
                    out.switches.push(name.to_string());
                } else if valued.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => it
                            .next()
                            .ok_or_else(|| format!("--{name} needs a value"))?
                            .clone(),
                    };
                    out.options.push((name.to_string(), v));
                } else {
                    return Err(format!("unknown flag --{name}"));
                }
            } else {
                out.positional.push(a.clone());
            }
        }
        Ok(out)
    }

    /// Whether switch `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }

    /// The last value of option `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of option `name`, in order.
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.options
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_switches_options_and_positionals() {
        let a = Args::parse(
            &v(&[
                "--text",
                "--name",
                "x",
                "--define=a=b.tmpl",
                "t.tmpl",
                "d.json",
            ]),
            &["text"],
            &["name", "define"],
        )
        .unwrap();
        assert!(a.has("text"));
        assert_eq!(a.get("name"), Some("x"));
        assert_eq!(a.all("define").collect::<Vec<_>>(), vec!["a=b.tmpl"]);
        assert_eq!(a.positional, v(&["t.tmpl", "d.json"]));
    }

    #[test]
    fn rejects_unknown_flags_and_missing_values() {
        assert!(Args::parse(&v(&["--nope"]), &[], &[]).is_err());
        assert!(Args::parse(&v(&["--name"]), &[], &["name"]).is_err());
    }
}
