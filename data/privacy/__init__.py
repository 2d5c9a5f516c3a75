"""Privacy policy as pure rules: what is public, at which precision, to whom."""
