//! Editor features over a parsed file: hover, completion, navigation, formatting, inlay hints.
