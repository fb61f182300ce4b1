using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Admin.Wire;
using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;
using Nanogate.Hosting;
using Nanogate.Pipeline;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Channels;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Admin;

/// <summary>
/// <c>/admin/v1/channels</c>: list (with live health), add, edit, enable/disable, delete and test channels of any
/// registered kind. Secrets are encrypted before they reach the store and only ever shown as a masked hint.
/// Every change is published on the change feed so every process reloads its channels.
/// </summary>
internal static class AdminChannelEndpoints
{
    /// <summary>Maps the channel routes on the admin group.</summary>
    public static RouteGroupBuilder MapAdminChannelRoutes(this RouteGroupBuilder admin)
    {
        // The bodies are read field by field (TryRead); Accepts describes them for /openapi/v1.json.
        admin.MapGet("/channels", ListChannels).Produces<ChannelList>();
        admin.MapGet("/channels/{name}", GetChannel).Produces<ChannelView>().ProducesErrors(Dialect.Nanogate, 404);
        admin.MapPost("/channels", CreateChannelAsync).DescribesRequestBody<ChannelWriteRequest>("application/json")
            .Produces<ChannelList>(StatusCodes.Status201Created).ProducesErrors(Dialect.Nanogate, 409, 413);
        admin.MapPatch("/channels/{name}", UpdateChannelAsync).DescribesRequestBody<ChannelWriteRequest>("application/json")
            .Produces<ChannelList>().ProducesErrors(Dialect.Nanogate, 404, 409, 413);
        admin.MapDelete("/channels/{name}", DeleteChannelAsync).Produces<ChannelList>().ProducesErrors(Dialect.Nanogate, 404, 409);
        admin.MapPost("/channels/{name}/test", TestChannelAsync).DescribesRequestBody<ChannelTestRequest>("application/json", required: false)
            .Produces<ChannelTestResult>().ProducesErrors(Dialect.Nanogate, 404);
        return admin;
    }

    private static IResult ListChannels(HttpContext context, ChannelRouter router) => ChannelList(context, router, 200);

    private static IResult GetChannel(HttpContext context, string name, ChannelRouter router) =>
        router.Find(name) is { } channel ? Results.Json(ChannelJson(channel), JsonDefaults.Snake) : ApiError.NotFound($"No channel {name}.");

    private static IResult ChannelList(HttpContext context, ChannelRouter router, int status, string? changed = null)
    {
        if (changed is not null)
        {
            context.Response.Headers["x-nanogate-channel"] = changed;
        }

        return Results.Json(new ChannelList("list", [.. router.Channels.Select(ChannelJson)]), JsonDefaults.Snake, statusCode: status);
    }

    private static ChannelView ChannelJson(RoutedChannel c)
    {
        var d = c.Definition;
        var breaker = c.Breaker.State;
        var cooling = c.CoolingUntil;
        var (calls, failures) = c.Recent.LastMinute();
        var health = !c.Enabled ? "disabled"
            : breaker == BreakerState.Open ? "circuit_open"
            : breaker == BreakerState.HalfOpen ? "probing"
            : cooling is not null ? "cooling_down"
            : calls >= 5 && failures * 2 >= calls ? "degraded"
            : "healthy";
        var failed = Enum.GetValues<UpstreamFailureKind>().Sum(k => c.Outcome(k));
        return new ChannelView(
            c.Channel.Name,
            c.Channel.Kind,
            c.Stored ? "admin" : "configuration",
            d.BaseUrl?.ToString(),
            c.Priority,
            c.Weight,
            d.MaxConcurrency,
            d.ModelMap,
            d.TimeoutSeconds,
            d.Settings,
            d.Credentials.Hint(),
            c.Enabled,
            health,
            new ChannelBreakerView(
                breaker.ToString().ToLowerInvariant() switch { "halfopen" => "half_open", var s => s },
                c.Breaker.ConsecutiveFailures,
                c.Breaker.OpenUntil),
            cooling,
            (c.Channel as GeminiChannel)?.ProjectCooldowns() ?? new Dictionary<string, DateTimeOffset>(),
            c.InFlight,
            new ChannelRecentView(calls, failures, calls == 0 ? 0 : Math.Round((double)failures / calls, 3)),
            new ChannelTotalsView(c.Outcome(null), failed, c.Failovers));
    }

    private static async Task<IResult> CreateChannelAsync(
        HttpContext context, ChannelRouter router, IChannelStore store, ChannelKinds kinds, StoredChannelCodec codec, StoredChannelLoader loader, IChangeFeed changes, TimeProvider time)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (!JsonBody.TryGetString(body!, "name", out var name, out error))
        {
            return error!;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
        {
            return ApiError.Invalid("name is required: up to 64 letters, digits, '-' or '_', e.g. \"gemini-project-b\".", "name");
        }

        var defaults = new ChannelDefinition { Name = name, Kind = kinds.Default, Enabled = true };
        if (!TryRead(body!, defaults, creating: true, out var definition, out error))
        {
            return error!;
        }

        if (Invalid(kinds, definition!) is { } invalid)
        {
            return invalid;
        }

        if (router.Find(name) is not null)
        {
            return ApiError.Result(409, "channel_exists", $"A channel named {name} already exists.", "name");
        }

        if (!await store.AddAsync(codec.Encode(definition!, time.GetUtcNow().ToUnixTimeMilliseconds()), context.RequestAborted).ConfigureAwait(false))
        {
            return ApiError.Result(409, "channel_exists", $"A channel named {name} already exists.", "name");
        }

        await ChangedAsync(loader, changes, name).ConfigureAwait(false);
        return ChannelList(context, router, 201, name);
    }

    private static async Task<IResult> UpdateChannelAsync(
        HttpContext context, string name, ChannelRouter router, IChannelStore store, ChannelKinds kinds, StoredChannelCodec codec, StoredChannelLoader loader, IChangeFeed changes)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (router.Find(name) is not { } current)
        {
            return ApiError.NotFound($"No channel {name}.");
        }

        if (!current.Stored)
        {
            // Configuration channels can only be switched off and on here (until a restart).
            if (body!.Count != 1 || body["enabled"] is not { } only || only.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                return ApiError.Result(409, "channel_from_configuration", $"Channel {name} comes from configuration; only {{\"enabled\":true|false}} can be changed here (until a restart).");
            }

            router.SetEnabled(name, only.GetValue<bool>());
            return ChannelList(context, router, 200, name);
        }

        var stored = (await store.ListAsync(context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(s => s.Name == name);
        if (stored is null)
        {
            return ApiError.NotFound($"No channel {name}.");
        }

        ChannelDefinition existing;
        try
        {
            existing = codec.Decode(stored);
        }
        catch (CryptographicException)
        {
            return ApiError.Result(409, "credentials_unreadable", $"Channel {name}'s credentials were encrypted with another key ring; send new credentials with PATCH or delete the channel.");
        }

        if (!TryRead(body!, existing, creating: false, out var definition, out error))
        {
            return error!;
        }

        if (Invalid(kinds, definition!) is { } invalid)
        {
            return invalid;
        }

        var encoded = codec.Encode(definition!, stored.CreatedAt);
        if (!body!.ContainsKey("api_key") && !body.ContainsKey("api_keys") && !body.ContainsKey("credentials_json"))
        {
            // Same secrets: keep their ciphertext, so an edit that changes nothing else keeps the live channel (and its state).
            encoded = encoded with { ApiKey = stored.ApiKey };
        }

        if (!await store.UpdateAsync(encoded, context.RequestAborted).ConfigureAwait(false))
        {
            return ApiError.NotFound($"No channel {name}.");
        }

        await ChangedAsync(loader, changes, name).ConfigureAwait(false);
        return ChannelList(context, router, 200, name);
    }

    private static async Task<IResult> DeleteChannelAsync(HttpContext context, string name, ChannelRouter router, IChannelStore store, StoredChannelLoader loader, IChangeFeed changes)
    {
        if (!await store.RemoveAsync(name, context.RequestAborted).ConfigureAwait(false))
        {
            return router.Find(name) is not null
                ? ApiError.Result(409, "channel_from_configuration", $"Channel {name} comes from configuration (Upstreams:Gemini:ApiKeys or the simulator); change the configuration, or disable it with PATCH.")
                : ApiError.NotFound($"No channel {name}.");
        }

        await ChangedAsync(loader, changes, name).ConfigureAwait(false);
        return ChannelList(context, router, 200, name);
    }

    /// <summary>"Send one image": one call on this channel only (no failover, nothing billed), with the outcome and the time it took.</summary>
    private static async Task<IResult> TestChannelAsync(HttpContext context, string name, ChannelRouter router, ModelCatalog catalog)
    {
        if (router.Find(name) is not { } channel)
        {
            return ApiError.NotFound($"No channel {name}.");
        }

        var (body, error) = await JsonBody.ReadObjectAsync(context, allowEmpty: true).ConfigureAwait(false);
        if (error is not null || !JsonBody.TryGetString(body!, "model", out var modelName, out error) || !JsonBody.TryGetString(body!, "prompt", out var prompt, out error))
        {
            return error!;
        }

        var model = modelName is null ? catalog.Find("nano-banana-2-lite") ?? catalog.Models[0] : catalog.Find(modelName);
        if (model is null)
        {
            return ApiError.Invalid($"Unknown model \"{modelName}\".", "model");
        }

        var image = new ImageRequest { Model = model, Prompt = string.IsNullOrWhiteSpace(prompt) ? "A small test image: a yellow banana on a plain background." : prompt, Size = model.DefaultSize };
        var request = new UpstreamRequest(channel.MapModel(model.Id), GeminiRequestBuilder.Build(image), context.TraceIdentifier, DecodeImage: true) { Image = image, CatalogModel = model };
        var started = Stopwatch.GetTimestamp();
        using var response = await channel.Channel.GenerateContentAsync(request, context.RequestAborted).ConfigureAwait(false);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        context.Response.Headers["x-nanogate-channel"] = name;
        var summary = response.Summary;
        return Results.Json(
            new ChannelTestResult(
                name,
                channel.Channel.Kind,
                request.Model,
                response.IsSuccess && summary?.FinalImage is not null,
                elapsed,
                summary?.FinalImage is { } made
                    ? new ChannelTestImage(made.MimeType, made.Data.Length, $"data:{made.MimeType};base64,{Convert.ToBase64String(made.Data)}")
                    : null,
                summary?.FinishReason,
                response.Failure is { } failure ? new ChannelTestError(failure.Kind.ToString(), failure.Message, failure.UpstreamStatus) : null),
            JsonDefaults.Snake);
    }

    private static async Task ChangedAsync(StoredChannelLoader loader, IChangeFeed changes, string name)
    {
        // Applied here at once (the answer shows it), then every other process hears of it.
        await loader.ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        await changes.PublishAsync(ChangeTopics.Channels, name, CancellationToken.None).ConfigureAwait(false);
    }

    private static IResult? Invalid(ChannelKinds kinds, ChannelDefinition definition)
    {
        var errors = kinds.Validate(definition);
        return errors.Count == 0 ? null : ApiError.Invalid(string.Join(" ", errors), FieldOf(errors[0]));
    }

    private static string? FieldOf(string message)
    {
        var end = message.IndexOfAny([' ', '(']);
        return end > 0 ? message[..end] : null;
    }

    /// <summary>Reads the fields present in <paramref name="body"/> over <paramref name="start"/>.</summary>
    private static bool TryRead(JsonObject body, ChannelDefinition start, bool creating, out ChannelDefinition? definition, out IResult? error)
    {
        definition = null;
        var d = start;
        if (!JsonBody.TryGetString(body, "kind", out var kind, out error)
            || !JsonBody.TryGetString(body, "base_url", out var baseUrl, out error)
            || !JsonBody.TryGetString(body, "api_key", out var apiKey, out error)
            || !JsonBody.TryGetInteger(body, "priority", out var priority, out error)
            || !JsonBody.TryGetInteger(body, "weight", out var weight, out error)
            || !JsonBody.TryGetInteger(body, "max_concurrency", out var maxConcurrency, out error)
            || !JsonBody.TryGetDecimal(body, "timeout_seconds", out var timeout, out error)
            || !JsonBody.TryGetString(body, "project", out var project, out error)
            || !JsonBody.TryGetString(body, "location", out var location, out error))
        {
            return false;
        }

        if (kind is not null)
        {
            d = d with { Kind = kind };
        }

        if (baseUrl is not null)
        {
            if (baseUrl.Length == 0)
            {
                d = d with { BaseUrl = null };
            }
            else if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                error = ApiError.Invalid("base_url must be an absolute http(s) URL, e.g. https://generativelanguage.googleapis.com.", "base_url");
                return false;
            }
            else
            {
                d = d with { BaseUrl = uri };
            }
        }

        if (priority is not null)
        {
            d = d with { Priority = (int)Math.Clamp(priority.Value, -1, 1_000_001) };
        }

        if (weight is not null)
        {
            d = d with { Weight = (int)Math.Clamp(weight.Value, 0, 10_001) };
        }

        if (maxConcurrency is not null)
        {
            d = d with { MaxConcurrency = (int)Math.Clamp(maxConcurrency.Value, -1, 100_001) };
        }

        if (body.ContainsKey("timeout_seconds"))
        {
            d = d with { TimeoutSeconds = timeout is null ? null : (double)timeout.Value };
        }

        if (body["enabled"] is { } enabled)
        {
            if (enabled.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = ApiError.Invalid("enabled must be true or false.", "enabled");
                return false;
            }

            d = d with { Enabled = enabled.GetValue<bool>() };
        }

        if (body["model_map"] is { } mapNode)
        {
            if (mapNode is not JsonObject map || map.Any(kv => kv.Value?.GetValueKind() != JsonValueKind.String))
            {
                error = ApiError.Invalid("model_map must be an object of catalog model id → upstream model name, e.g. {\"gemini-3.1-flash-lite-image\":\"nano-banana-2-lite\"}.", "model_map");
                return false;
            }

            d = d with { ModelMap = map.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>(), StringComparer.Ordinal) };
        }

        if (body["settings"] is { } settingsNode || project is not null || location is not null)
        {
            var settings = (JsonObject)d.Settings.DeepClone();
            if (body["settings"] is { } node)
            {
                if (node is not JsonObject given)
                {
                    error = ApiError.Invalid("settings must be an object of the kind's own settings, e.g. {\"project\":\"my-project\",\"location\":\"global\"}.", "settings");
                    return false;
                }

                foreach (var (key, value) in given)
                {
                    settings[key] = value?.DeepClone();
                }
            }

            if (project is not null)
            {
                settings["project"] = project;
            }

            if (location is not null)
            {
                settings["location"] = location;
            }

            d = d with { Settings = settings };
        }

        // Secrets: replaced only when given.
        var keys = d.Credentials.Keys;
        var serviceAccount = d.Credentials.ServiceAccountJson;
        if (apiKey is not null)
        {
            keys = apiKey.Length == 0 ? [] : [new ChannelKey(apiKey, project)];
        }

        if (body["api_keys"] is { } keysNode)
        {
            if (keysNode is not JsonArray array)
            {
                error = ApiError.Invalid("api_keys must be an array of keys: strings or {\"key\":\"…\",\"project\":\"…\"}.", "api_keys");
                return false;
            }

            var list = new List<ChannelKey>();
            foreach (var item in array)
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0)
                {
                    list.Add(new ChannelKey(text));
                }
                else if (item is JsonObject o && o["key"] is JsonValue k && k.TryGetValue<string>(out var key) && key.Length > 0)
                {
                    list.Add(new ChannelKey(key, o["project"] is JsonValue p && p.TryGetValue<string>(out var proj) ? proj : null));
                }
                else
                {
                    error = ApiError.Invalid("api_keys must be an array of keys: strings or {\"key\":\"…\",\"project\":\"…\"}.", "api_keys");
                    return false;
                }
            }

            keys = list;
        }

        if (body["credentials_json"] is { } credentialsNode)
        {
            serviceAccount = credentialsNode switch
            {
                JsonObject o => o.ToJsonString(),
                JsonValue v when v.TryGetValue<string>(out var text) => text.Length == 0 ? null : text,
                _ => "\0",
            };
            if (serviceAccount == "\0")
            {
                error = ApiError.Invalid("credentials_json must be the service-account key file: a JSON object or its text.", "credentials_json");
                return false;
            }
        }

        d = d with { Credentials = new ChannelCredentials(keys, serviceAccount) };
        if (creating && d.Kind.Length == 0)
        {
            error = ApiError.Invalid("kind is required.", "kind");
            return false;
        }

        definition = d;
        error = null;
        return true;
    }
}
