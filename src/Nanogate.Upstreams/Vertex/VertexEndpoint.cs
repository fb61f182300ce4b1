using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Apis.Auth.OAuth2;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Vertex;

/// <summary>
/// Vertex AI's URL shapes and credentials. Standard: <c>{host}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:…</c>
/// with an OAuth2 access token of a service account (Google.Apis.Auth fetches and refreshes it). Express mode:
/// <c>{host}/v1/publishers/google/models/{model}:…</c> with an API key. Vertex requires <c>role</c> on every
/// content, so a body without one gets <c>"role":"user"</c> (Google AI accepts bodies without).
/// </summary>
internal sealed class VertexEndpoint : GeminiEndpoint
{
    /// <summary>The OAuth2 scope Vertex AI needs.</summary>
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly string _prefix;
    private readonly ITokenAccess? _credential;
    private readonly GeminiKeyPool _keys;

    public VertexEndpoint(Uri? baseUrl, string? project, string location, GoogleCredential? credential, GeminiKeyPool keys)
    {
        _credential = credential;
        _keys = keys;
        if (credential is null)
        {
            // Express mode: no project or location in the path.
            var host = (baseUrl?.AbsoluteUri ?? "https://aiplatform.googleapis.com").TrimEnd('/');
            _prefix = $"{host}/v1/publishers/google/models/";
        }
        else
        {
            var host = (baseUrl?.AbsoluteUri
                ?? (location == "global" ? "https://aiplatform.googleapis.com" : $"https://{location}-aiplatform.googleapis.com")).TrimEnd('/');
            _prefix = $"{host}/v1/projects/{Uri.EscapeDataString(project!)}/locations/{Uri.EscapeDataString(location)}/publishers/google/models/";
        }
    }

    public GeminiKeyPool Keys => _keys;

    /// <summary>
    /// Vertex AI has no Files API (its large inputs are gs:// URIs in the caller's bucket), so every image goes
    /// inline, and Vertex takes at most 7 MB per inline image: a larger one is refused before the call.
    /// </summary>
    public override int? MaxInlineImageBytes => GeminiInlineLimits.VertexInlineImageBytes;

    public override Uri Address(string model, bool stream) =>
        new($"{_prefix}{Uri.EscapeDataString(model)}{(stream ? ":streamGenerateContent?alt=sse" : ":generateContent")}");

    public override ReadOnlyMemory<byte> PrepareBody(ReadOnlyMemory<byte> body)
    {
        try
        {
            if (JsonNode.Parse(body.Span) is JsonObject root && root["contents"] is JsonArray contents
                && contents.Any(c => c is JsonObject o && o["role"] is null))
            {
                foreach (var content in contents.OfType<JsonObject>().Where(o => o["role"] is null))
                {
                    content["role"] = "user";
                }

                return JsonSerializer.SerializeToUtf8Bytes(root, VertexJsonContext.Default.JsonObject);
            }
        }
        catch (JsonException)
        {
            // Vertex will say what is wrong with it.
        }

        return body;
    }

    public override async ValueTask<int> AuthorizeAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        if (_credential is null)
        {
            var key = _keys.Take();
            if (key >= 0)
            {
                message.Headers.TryAddWithoutValidation("x-goog-api-key", _keys.Key(key));
            }

            return key;
        }

        string token;
        try
        {
            // Cached by the library and refreshed shortly before it expires.
            token = await _credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Google.Apis.Auth.OAuth2.Responses.TokenResponseException or HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamException(new UpstreamFailure(
                UpstreamFailureKind.Unauthorized,
                $"Could not get a Vertex AI access token for the service account: {e.GetType().Name}."));
        }

        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return -1;
    }

    public override bool OnRateLimited(int key, TimeSpan cooldown) => _keys.Rest(key, cooldown);

    public override TimeSpan? RestingFor() => _credential is null ? _keys.RestingFor() : null;

    public override IReadOnlyDictionary<string, DateTimeOffset> Resting() => Keys.Resting();

    public override string Redact(string text) => _keys.Redact(text);
}
