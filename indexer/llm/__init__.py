"""Local LLM backends (embedded llama.cpp, Ollama), chosen from settings."""
