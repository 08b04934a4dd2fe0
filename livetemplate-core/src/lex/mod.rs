//! Lexing: template source to tokens with byte spans.
