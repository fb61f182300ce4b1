using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.OpenAiImages;

/// <summary>
/// Another platform's OpenAI Images API: <c>POST {base}/v1/images/generations</c> (JSON) or, with reference
/// images, <c>POST {base}/v1/images/edits</c> (multipart, <c>image[]</c>), one image per call, Bearer key.
/// A <c>b64_json</c> result is decoded; a <c>url</c> result is downloaded under the SSRF rules. The size is sent
/// as the catalog's pixel size, with <c>aspect_ratio</c> and <c>resolution</c> for platforms that take them
/// (seed 004; Nanogate's own OpenAI route); <c>settings.extra_fields: false</c> leaves those two out.
/// </summary>
internal sealed class OpenAiImagesChannel : IUpstreamChannel, IDisposable
{
    private readonly Uri _baseUrl;
    private readonly GeminiKeyPool _keys;
    private readonly string _responseFormat;
    private readonly bool _extraFields;
    private readonly TimeSpan _timeout;
    private readonly ChannelContext _context;
    private readonly ILogger _logger;
    private readonly UpstreamHttp _http;

    public OpenAiImagesChannel(ChannelDefinition definition, ChannelContext context)
    {
        Name = definition.Name;
        _baseUrl = definition.BaseUrl!;
        _keys = new GeminiKeyPool(definition.Credentials.Keys, context.Time);
        _responseFormat = definition.Setting("response_format") ?? "b64_json";
        _extraFields = definition.Settings["extra_fields"]?.GetValueKind() != JsonValueKind.False;
        _timeout = context.TimeoutOf(definition);
        _context = context;
        _logger = context.Loggers.CreateLogger("Nanogate.Upstreams.OpenAiImages");
        _http = new UpstreamHttp(context.ConnectTimeout);
    }

    public string Name { get; }

    public string Kind => OpenAiImagesChannelKind.KindName;

    public async Task<UpstreamResponse> GenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CoreRequest() is not { } core)
        {
            return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.InvalidRequest, "The request has no prompt text for an OpenAI Images upstream."));
        }

        return await UpstreamHttp.CallAsync(Name, request, _timeout, _keys.Redact, _logger, async ct =>
        {
            using var message = core.ReferenceImages.Count == 0 ? Generation(request.Model, core) : Edit(request.Model, core);
            var key = _keys.Take();
            if (key >= 0)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _keys.Key(key));
            }

            using var response = await _http.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? await ReadAsync(response, ct).ConfigureAwait(false)
                : await FailedAsync(response, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UpstreamStream> StreamGenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        UpstreamStream.FromResponse(await GenerateContentAsync(request, cancellationToken).ConfigureAwait(false));

    public void Dispose() => _http.Dispose();


    private Uri Endpoint(string path) => new($"{_baseUrl.AbsoluteUri.TrimEnd('/')}/v1/images/{path}");

    private HttpRequestMessage Generation(string model, ImageRequest core)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = model,
            ["prompt"] = core.Prompt,
            ["n"] = 1,
            ["size"] = core.ExpectedPixels.ToString(),
            ["response_format"] = _responseFormat,
        };
        if (_extraFields)
        {
            body["aspect_ratio"] = core.EffectiveRatio.ToString();
            body["resolution"] = core.Size.ToSeedWire();
        }

        return new HttpRequestMessage(HttpMethod.Post, Endpoint("generations"))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, RelayJsonContext.Default.DictionaryStringObject))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
    }

    private HttpRequestMessage Edit(string model, ImageRequest core)
    {
        var form = new MultipartFormDataContent();
        for (var i = 0; i < core.ReferenceImages.Count; i++)
        {
            var image = core.ReferenceImages[i];
            var part = new ByteArrayContent(image.Data);
            part.Headers.ContentType = new MediaTypeHeaderValue(image.MimeType);
            form.Add(part, "image[]", $"image{i}.{image.MimeType[(image.MimeType.IndexOf('/') + 1)..]}");
        }

        form.Add(new StringContent(core.Prompt), "prompt");
        form.Add(new StringContent(model), "model");
        form.Add(new StringContent("1"), "n");
        form.Add(new StringContent(core.ExpectedPixels.ToString()), "size");
        form.Add(new StringContent(_responseFormat), "response_format");
        if (_extraFields)
        {
            form.Add(new StringContent(core.EffectiveRatio.ToString()), "aspect_ratio");
            form.Add(new StringContent(core.Size.ToSeedWire()), "resolution");
        }

        return new HttpRequestMessage(HttpMethod.Post, Endpoint("edits")) { Content = form };
    }

    private async Task<UpstreamResponse> FailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode == 400)
        {
            // A content-policy refusal is the model's answer, not the channel's failure: no failover, no charge.
            using var json = await UpstreamHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            if (json?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";
                return UpstreamHttp.IsContentBlock(code)
                    ? UpstreamHttp.NoImage(Name, blocked: true, _keys.Redact(message))
                    : UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.InvalidRequest, _keys.Redact($"The upstream '{Name}' refused the request: {message}"), null, 400));
            }

            return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.InvalidRequest, $"The upstream '{Name}' refused the request (HTTP 400).", null, 400));
        }

        return UpstreamResponse.Failed(Name, await UpstreamHttp.FailureAsync(response, Name, _keys.Redact, _context.Time, cancellationToken).ConfigureAwait(false));
    }

    private async Task<UpstreamResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var json = await UpstreamHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        if (json?.RootElement is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Malformed, $"The upstream '{Name}' answered 200 without an OpenAI Images body.", null, 200));
        }

        if (data.GetArrayLength() == 0)
        {
            return UpstreamHttp.NoImage(Name, blocked: false, "The upstream answered without an image.");
        }

        var first = data[0];
        var text = first.TryGetProperty("revised_prompt", out var revised) && revised.ValueKind == JsonValueKind.String ? revised.GetString() ?? "" : "";
        byte[] bytes;
        if (first.TryGetProperty("b64_json", out var b64) && b64.ValueKind == JsonValueKind.String)
        {
            if (!b64.TryGetBytesFromBase64(out var decoded))
            {
                return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Malformed, $"The upstream '{Name}' sent b64_json that is not base64.", null, 200));
            }

            bytes = decoded;
        }
        else if (first.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && Uri.TryCreate(_baseUrl, url.GetString(), out var link))
        {
            try
            {
                (bytes, _) = await _context.Downloader.DownloadAsync(link, UpstreamHttp.MaxJsonBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Unavailable, $"The image of upstream '{Name}' could not be downloaded: {e.Message}"));
            }
        }
        else
        {
            return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Malformed, $"The upstream '{Name}' answered an item with neither b64_json nor url.", null, 200));
        }

        return UpstreamHttp.Image(Name, bytes, text, null)
            ?? UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Malformed, $"The upstream '{Name}' sent bytes that are not a PNG, JPEG or WebP image.", null, 200));
    }
}
