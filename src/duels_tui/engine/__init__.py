"""Engine: one async stream of typed events per answer (live litellm, replayed pack, local server).

Only this package imports litellm, and only lazily (it costs about 2 s at import).

- `events`: TextDelta, ReasoningDelta, Usage, Done, EngineError (and ErrorKind), AnswerRequest.
- `source`: the AnswerSource protocol (`stream(request)`), `collect()` for a whole answer.
- `litellm_source`: LiteLLMSource, `preload()` (import and warm litellm in a thread).
- `duel`: Duel, which runs two answers concurrently, with `cancel()` and `retry(side)`.
- `errors`: exceptions to French, anonymous EngineError values.
"""
