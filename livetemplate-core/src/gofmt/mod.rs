//! Go `fmt` formatting of values: `%v` and the `printf` verbs, `print`, `println`.
