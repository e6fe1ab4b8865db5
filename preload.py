"""WebUI command-line flags for SD Prompt Assistant (read as `shared.cmd_opts.<name>`)."""


def preload(parser) -> None:
    group = parser.add_argument_group("SD Prompt Assistant")
    group.add_argument("--sdpa-env-file", type=str, default=None,
                       help="SD Prompt Assistant: read settings from this .env file")
    group.add_argument("--sdpa-ollama-host", type=str, default=None,
                       help="SD Prompt Assistant: Ollama host (host:port or URL), overriding OLLAMA_HOST")
    group.add_argument("--sdpa-data-dir", type=str, default=None,
                       help="SD Prompt Assistant: where history and the key file live")
    group.add_argument("--sdpa-vram-policy", type=str, default=None, choices=["auto", "always", "never"],
                       help="SD Prompt Assistant: unload Ollama before generating")
