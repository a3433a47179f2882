"""Engine: one async stream of typed events per answer (live litellm, replayed pack, local server).

Only this package imports litellm, and only lazily (it costs about 2 s at import).
"""
