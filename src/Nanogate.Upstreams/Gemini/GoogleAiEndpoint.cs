namespace Nanogate.Upstreams.Gemini;

/// <summary>Google AI (generativelanguage) and anything speaking it: <c>{base}/v1beta/models/{model}:…</c> with <c>x-goog-api-key</c> from a key pool.</summary>
internal sealed class GoogleAiEndpoint(Func<Uri> baseUrl, GeminiKeyPool keys, long inlineRequestBytes = GeminiInlineLimits.RequestBytes) : GeminiEndpoint
{
    public GeminiKeyPool Keys => keys;

    /// <summary>Google AI has the Files API beside generateContent, under the same base URL (so does the simulator).</summary>
    public override Uri? FilesRoot => baseUrl();

    public override long InlineRequestBytes => inlineRequestBytes;

    public override int TakeKey() => keys.Take();

    public override ValueTask<int> AuthorizeAsync(HttpRequestMessage message, int key, CancellationToken cancellationToken)
    {
        if (key < 0 || key >= keys.Count)
        {
            return AuthorizeAsync(message, cancellationToken);
        }

        message.Headers.TryAddWithoutValidation("x-goog-api-key", keys.Key(key));
        return ValueTask.FromResult(key);
    }

    public override Uri Address(string model, bool stream)
    {
        var root = baseUrl().AbsoluteUri.TrimEnd('/');
        var method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
        return new Uri($"{root}/v1beta/models/{Uri.EscapeDataString(model)}{method}");
    }

    public override ValueTask<int> AuthorizeAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        var key = keys.Take();
        if (key >= 0)
        {
            message.Headers.TryAddWithoutValidation("x-goog-api-key", keys.Key(key));
        }

        return ValueTask.FromResult(key);
    }

    public override bool OnRateLimited(int key, TimeSpan cooldown) => keys.Rest(key, cooldown);

    public override TimeSpan? RestingFor() => keys.RestingFor();

    public override IReadOnlyDictionary<string, DateTimeOffset> Resting() => Keys.Resting();

    public override string Redact(string text) => keys.Redact(text);
}
