using System.Globalization;
using Microsoft.Extensions.AI;

#pragma warning disable MEAI001 // IImageGenerator is marked experimental in Microsoft.Extensions.AI 10.x; this type implements it on purpose.

namespace Nanogate.Client;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="IImageGenerator"/> backed by Nanogate's task API: each call submits a task,
/// waits for it (<c>Prefer: wait</c>, then polling) and returns its images.
/// </summary>
/// <remarks>
/// Mapping of <see cref="ImageGenerationOptions"/>:
/// <see cref="ImageGenerationOptions.Count"/> → <c>n</c> (1 to 4);
/// <see cref="ImageGenerationOptions.ImageSize"/> → <c>size</c> <c>WxH</c> (the server maps it to the model's nearest ratio);
/// <see cref="ImageGenerationOptions.ModelId"/> → <c>model</c>;
/// <see cref="ImageGenerationOptions.ResponseFormat"/>: <c>Data</c> (default) downloads the bytes into <see cref="DataContent"/>,
/// <c>Uri</c> answers the signed links as <see cref="UriContent"/>, <c>Hosted</c> answers <see cref="HostedFileContent"/> with the media id;
/// <see cref="ImageGenerationOptions.MediaType"/>: the images are returned as the model made them (PNG or JPEG), so a
/// media type other than the image's throws <see cref="NotSupportedException"/> rather than mislabelling bytes;
/// <see cref="ImageGenerationOptions.AdditionalProperties"/>: <c>aspect_ratio</c> (<c>16:9</c>), <c>resolution</c>
/// (<c>2K</c>), <c>thinking_level</c>, <c>google_search</c>, <c>callback_url</c>, <c>webhook</c> pass through as task fields.
/// Original images (<see cref="ImageGenerationRequest.OriginalImages"/>) become <c>image_urls</c>: <see cref="DataContent"/> as
/// data URIs, <see cref="UriContent"/> as their URL. A task that ends without any image throws
/// <see cref="NanogateTaskFailedException"/>; refusals throw the client's <see cref="NanogateException"/> types.
/// A canceled token stops the wait, not the task (the task's id is in the raw representation of a response only).
/// </remarks>
public sealed class NanogateImageGenerator : IImageGenerator
{
    /// <summary>The model used when neither the constructor nor the options name one.</summary>
    public const string DefaultModelId = "nano-banana-2-lite";

    private readonly NanogateClient _client;
    private readonly string _defaultModelId;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>A generator on <paramref name="client"/>, using <paramref name="defaultModelId"/> unless the options name a model.</summary>
    public NanogateImageGenerator(NanogateClient client, string? defaultModelId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultModelId = string.IsNullOrEmpty(defaultModelId) ? DefaultModelId : defaultModelId;
        _metadata = new ImageGeneratorMetadata("nanogate", client.BaseAddress, _defaultModelId);
    }

    /// <inheritdoc />
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var taskRequest = ToTaskRequest(request, options);
        var task = await _client.GenerateAsync(taskRequest, cancellationToken: cancellationToken).ConfigureAwait(false);
        var images = task.SucceededImages.ToList();
        if (images.Count == 0)
        {
            throw new NanogateTaskFailedException(task);
        }

        var contents = new List<AIContent>(images.Count);
        foreach (var image in images)
        {
            var mediaType = image.MimeType ?? "image/png";
            if (options?.MediaType is { Length: > 0 } wanted && !string.Equals(wanted, mediaType, StringComparison.OrdinalIgnoreCase))
            {
                throw new NotSupportedException($"Nanogate returns images as the model made them ({mediaType}); {wanted} was asked for. Leave MediaType unset or convert the bytes.");
            }

            contents.Add(options?.ResponseFormat switch
            {
                ImageGenerationResponseFormat.Uri => new UriContent(image.Url!, mediaType) { RawRepresentation = image },
                ImageGenerationResponseFormat.Hosted => new HostedFileContent(MediaId(image.Url!)) { MediaType = mediaType, RawRepresentation = image },
                _ => new DataContent(await _client.DownloadImageAsync(image, cancellationToken).ConfigureAwait(false), mediaType) { RawRepresentation = image },
            });
        }

        return new ImageGenerationResponse(contents)
        {
            RawRepresentation = task,
            Usage = task.Usage is { } usage
                ? new UsageDetails { InputTokenCount = usage.InputTokens, OutputTokenCount = usage.OutputTokens, TotalTokenCount = usage.InputTokens + usage.OutputTokens }
                : null,
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_client) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The client belongs to whoever made it (usually the DI container).
    }

    /// <summary>The task request for an <see cref="IImageGenerator"/> call.</summary>
    internal ImageTaskRequest ToTaskRequest(ImageGenerationRequest request, ImageGenerationOptions? options)
    {
        var prompt = request.Prompt;
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new ArgumentException("Nanogate needs a prompt (ImageGenerationRequest.Prompt).", nameof(request));
        }

        var result = options?.RawRepresentationFactory?.Invoke(this) as ImageTaskRequest
            ?? new ImageTaskRequest { Model = "", Prompt = "" };
        result.Prompt = prompt;
        result.Model = options?.ModelId is { Length: > 0 } model ? model : result.Model is { Length: > 0 } given ? given : _defaultModelId;
        if (options?.Count is { } count)
        {
            result.N = count;
        }

        if (options?.ImageSize is { } size)
        {
            result.Size = size.Width.ToString(CultureInfo.InvariantCulture) + "x" + size.Height.ToString(CultureInfo.InvariantCulture);
        }

        if (options?.AdditionalProperties is { } extra)
        {
            result.AspectRatio = Text(extra, "aspect_ratio") ?? result.AspectRatio;
            result.Resolution = Text(extra, "resolution") ?? result.Resolution;
            result.ThinkingLevel = Text(extra, "thinking_level") ?? result.ThinkingLevel;
            result.CallbackUrl = Text(extra, "callback_url") ?? result.CallbackUrl;
            result.Webhook = Text(extra, "webhook") ?? result.Webhook;
            if (extra.TryGetValue("google_search", out bool search))
            {
                result.GoogleSearch = search;
            }
        }

        if (request.OriginalImages is { } originals)
        {
            var urls = result.ImageUrls ?? [];
            foreach (var content in originals)
            {
                urls.Add(content switch
                {
                    DataContent data => data.Uri.StartsWith("data:", StringComparison.Ordinal) ? data.Uri : ImageReference.ToDataUri(data.Data.Span, data.MediaType),
                    UriContent uri => uri.Uri.AbsoluteUri,
                    _ => throw new NotSupportedException($"Nanogate takes original images as DataContent or UriContent, not {content.GetType().Name}."),
                });
            }

            result.ImageUrls = urls.Count > 0 ? urls : null;
        }

        return result;
    }

    private static string? Text(AdditionalPropertiesDictionary extra, string key) =>
        extra.TryGetValue(key, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The media id of a signed link (<c>/v1/media/{id}?…</c>).</summary>
    private static string MediaId(Uri url) => url.Segments[^1].TrimEnd('/');
}
