"""One streaming writer per download format, and the file objects they use."""
