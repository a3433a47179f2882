"""Loading and validating the TOML configuration: catalog, programmes, hardware, equivalents."""
