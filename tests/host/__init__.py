"""The opt-in host check: the extension inside a real WebUI (A1111 1.10 or Forge), never run by CI."""
