"""Engine: one async stream of typed events per answer (live: litellm or direct HTTP; replayed pack; local server).

Only this package imports litellm, and only lazily (it costs about 2 s at import).

- `events`: TextDelta, ReasoningDelta, Usage, Done, EngineError (and ErrorKind), AnswerRequest.
- `source`: the AnswerSource protocol (`stream(request)`), `collect()` for a whole answer.
- `routing`: RoutedSource, the live source the app uses: local routes to `http_source`, the rest to
  `litellm_source`; `needs_litellm()`, `preload()`, `close_clients()`; DUELS_ENGINE=litellm.
- `http_source`: DirectSource, ollama and OpenAI-compatible servers straight over httpx.
- `litellm_source`: LiteLLMSource, `preload()` (import and warm litellm in a thread).
- `streaming`: what both live sources share: timeouts, retries, the tally, the usage.
- `duel`: Duel, which runs two answers concurrently, with `cancel()` and `retry(side)`.
- `errors`: exceptions to French, anonymous EngineError values.
"""
