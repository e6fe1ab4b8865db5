"""SD Prompt Assistant: LLM-written Stable Diffusion prompts for AUTOMATIC1111 / Forge, or standalone.

Importing this package is cheap: nothing here imports the WebUI, Gradio, torch or a provider SDK.
"""

__version__ = "0.1.0"
