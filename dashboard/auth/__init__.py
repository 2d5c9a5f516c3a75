"""Who is asking: session cookies, the write callbacks' guard, the caller's projection."""
