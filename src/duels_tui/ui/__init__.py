"""The Textual UI: renders arena state; never calls litellm (the engine does, through arena)."""
