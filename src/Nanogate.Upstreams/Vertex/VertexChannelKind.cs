using Google.Apis.Auth.OAuth2;
using Google.Apis.Json;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.Vertex;

/// <summary>
/// Vertex AI: a service account (settings <c>project</c>, <c>location</c>, the key file's JSON as
/// <c>credentials_json</c>) or express mode (an API key, no project). <c>token_uri</c> in the settings overrides
/// the key file's token endpoint (tests point it at a loopback fake).
/// </summary>
internal sealed class VertexChannelKind : IChannelKind
{
    public string Name => "vertex";

    public string Description => "Vertex AI: settings {project, location (default global)} with credentials_json (a service-account key), or an express-mode api_key.";

    public bool NeedsCredentials => true;

    public IReadOnlyList<string> Validate(ChannelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<string>();
        var credentials = definition.Credentials;
        if (credentials.ServiceAccountJson is null && credentials.Keys.Count == 0)
        {
            errors.Add("credentials_json (a service-account key file's JSON) or api_key (express mode) is required.");
        }

        if (credentials.ServiceAccountJson is { } json)
        {
            if (definition.Setting("project") is null && ProjectOf(json) is null)
            {
                errors.Add("settings.project is required with a service account (or a project_id in credentials_json).");
            }

            try
            {
                _ = Credential(json, null);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or Newtonsoft.Json.JsonException or System.Security.Cryptography.CryptographicException)
            {
                errors.Add("credentials_json is not a usable service-account key file (type service_account, client_email, private_key).");
            }
        }

        if (definition.Setting("location") is { } location && !location.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            errors.Add("settings.location must look like global, us-central1 or europe-west4.");
        }

        return errors;
    }

    public IUpstreamChannel Create(ChannelDefinition definition, ChannelContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(context);
        var json = definition.Credentials.ServiceAccountJson;
        var credential = json is null ? null : Credential(json, definition.Setting("token_uri"));
        var project = definition.Setting("project") ?? (json is null ? null : ProjectOf(json));
        var endpoint = new VertexEndpoint(definition.BaseUrl, project, definition.Setting("location") ?? "global", credential, new GeminiKeyPool(definition.Credentials.Keys, context.Time));
        return new GeminiChannel(
            definition.Name,
            Name,
            endpoint,
            context.TimeoutOf(definition),
            context.ConnectTimeout,
            context.Loggers.CreateLogger("Nanogate.Upstreams.Vertex"),
            time: context.Time);
    }

    /// <summary>The scoped credential of a service-account key (its token endpoint overridable), built by Google.Apis.Auth.</summary>
    internal static GoogleCredential Credential(string json, string? tokenUri)
    {
        var parameters = NewtonsoftJsonSerializer.Instance.Deserialize<JsonCredentialParameters>(json)
            ?? throw new ArgumentException("Empty credentials JSON.", nameof(json));
        if (parameters.Type != JsonCredentialParameters.ServiceAccountCredentialType)
        {
            throw new ArgumentException("Only service-account keys are supported.", nameof(json));
        }

        if (tokenUri is not null)
        {
            parameters.TokenUri = tokenUri;
        }

        return CredentialFactory.FromJsonParameters<ServiceAccountCredential>(parameters).ToGoogleCredential().CreateScoped(VertexEndpoint.Scope);
    }

    private static string? ProjectOf(string json)
    {
        try
        {
            return NewtonsoftJsonSerializer.Instance.Deserialize<JsonCredentialParameters>(json)?.ProjectId;
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }
}
