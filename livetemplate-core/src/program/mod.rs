//! The compiled form: a template split into static segments and dynamic slots (the slot tree).
