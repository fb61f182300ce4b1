namespace Nanogate.Pipeline;

/// <summary>The wire dialects Nanogate answers in; each has its own error shape and key styles.</summary>
internal enum Dialect
{
    /// <summary>Nanogate's own shape <c>{"error":{"code","message","param"}}</c>: the task API, catalog, account, media, webhooks, admin.</summary>
    Nanogate,

    /// <summary>Google's generateContent dialect: <c>{"error":{"code","message","status"}}</c>; keys also as <c>x-goog-api-key</c> and <c>?key=</c>.</summary>
    Gemini,

    /// <summary>OpenAI's Images API: <c>{"error":{"message","type","param","code"}}</c>; Bearer keys only.</summary>
    OpenAi,
}
