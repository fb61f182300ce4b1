using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// Google's Files API as the simulator answers it: the resumable upload (<c>start</c>, then <c>upload</c> and
/// <c>finalize</c> at the returned <c>X-Goog-Upload-URL</c>), <c>GET</c>, <c>DELETE</c> and the list of
/// <c>/v1beta/files</c>. Files are ACTIVE once finalized (images need no processing) and expire after 48 hours.
/// An unknown or deleted file is 403 PERMISSION_DENIED on GET and DELETE, as Google words it; a generateContent
/// naming one is 400 (see <see cref="SimulatorEndpoints"/>).
/// </summary>
internal static class SimulatorFilesEndpoints
{
    private const string UploadUrlHeader = "X-Goog-Upload-URL";
    private const string UploadStatusHeader = "X-Goog-Upload-Status";

    /// <summary>Resumable upload: <c>start</c> without <c>upload_id</c>, the later commands with it.</summary>
    public static async Task UploadAsync(HttpContext context)
    {
        context.Response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        var ct = context.RequestAborted;
        if (await RefusedAsync(context))
        {
            return;
        }

        var store = Store(context);
        var request = context.Request;
        var command = request.Headers["X-Goog-Upload-Command"].ToString().ToLowerInvariant();
        var commands = command.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var uploadId = request.Query["upload_id"].ToString();
        if (uploadId.Length == 0)
        {
            if (!string.Equals(request.Headers["X-Goog-Upload-Protocol"], "resumable", StringComparison.OrdinalIgnoreCase) || !commands.SequenceEqual(["start"]))
            {
                await InvalidAsync(context, "The simulator's Files API takes resumable uploads only: X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start.");
                return;
            }

            if (!long.TryParse(request.Headers["X-Goog-Upload-Header-Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length <= 0)
            {
                await InvalidAsync(context, "X-Goog-Upload-Header-Content-Length must give the file's size in bytes.");
                return;
            }

            if (length > GeminiInlineLimits.MaxFileBytes)
            {
                await InvalidAsync(context, $"The file is {length} bytes; the Files API takes at most {GeminiInlineLimits.MaxFileBytes} bytes per file.");
                return;
            }

            var mimeType = request.Headers["X-Goog-Upload-Header-Content-Type"].ToString();
            if (mimeType.Length == 0)
            {
                await InvalidAsync(context, "X-Goog-Upload-Header-Content-Type must give the file's MIME type.");
                return;
            }

            string? displayName = null;
            if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                try
                {
                    using var document = await JsonDocument.ParseAsync(request.Body, default, ct);
                    if (document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.Object
                        && (file.TryGetProperty("displayName", out var name) || file.TryGetProperty("display_name", out name)) && name.ValueKind == JsonValueKind.String)
                    {
                        displayName = name.GetString();
                    }
                }
                catch (JsonException e)
                {
                    await InvalidAsync(context, $"Invalid JSON payload received. {e.Message}");
                    return;
                }
            }

            var upload = store.Start(displayName, mimeType, length);
            var url = $"{Root(request)}/upload/v1beta/files?upload_id={upload.Id}&upload_protocol=resumable";
            context.Response.Headers[UploadUrlHeader] = url;
            context.Response.Headers["X-Goog-Upload-Control-URL"] = url;
            context.Response.Headers[UploadStatusHeader] = "active";
            context.Response.Headers["X-Goog-Upload-Chunk-Granularity"] = "8388608";
            context.Response.StatusCode = 200;
            return;
        }

        if (store.FindUpload(uploadId) is not { } pending)
        {
            await SimulatorResponseWriter.WriteErrorAsync(context.Response, 404, "NOT_FOUND", $"No upload session {uploadId} (it was finalized, or never started).", null, ct);
            return;
        }

        if (commands.Length == 0 || commands.Any(c => c is not ("upload" or "finalize" or "query")))
        {
            await InvalidAsync(context, $"Unknown X-Goog-Upload-Command \"{command}\": send \"upload\", \"finalize\", \"upload, finalize\" or \"query\".");
            return;
        }

        await pending.Gate.WaitAsync(ct);
        try
        {
            if (commands.Contains("upload"))
            {
                if (!long.TryParse(request.Headers["X-Goog-Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset != pending.Received)
                {
                    await InvalidAsync(context, $"X-Goog-Upload-Offset must be {pending.Received}, the bytes received so far.");
                    return;
                }

                // The bytes go straight to the file; the upload may be up to 2 GB, past the server's JSON body limit.
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = GeminiInlineLimits.MaxFileBytes;
                }

                if (!await SimulatorFileStore.AppendAsync(pending, request.Body, ct))
                {
                    await InvalidAsync(context, $"The upload passes the declared size of {pending.DeclaredBytes} bytes.");
                    return;
                }
            }

            context.Response.Headers["X-Goog-Upload-Size-Received"] = pending.Received.ToString(CultureInfo.InvariantCulture);
            if (!commands.Contains("finalize"))
            {
                context.Response.Headers[UploadStatusHeader] = "active";
                context.Response.StatusCode = 200;
                return;
            }

            if (pending.Received != pending.DeclaredBytes)
            {
                await InvalidAsync(context, $"Finalized with {pending.Received} of the {pending.DeclaredBytes} declared bytes.");
                return;
            }

            var file = store.Finalize(pending);
            context.Response.Headers[UploadStatusHeader] = "final";
            await WriteAsync(context, file, wrapped: true);
        }
        finally
        {
            // Finalize disposes the upload (and its gate) once it has become a file.
            if (store.FindUpload(uploadId) is not null)
            {
                pending.Gate.Release();
            }
        }
    }

    /// <summary><c>GET /v1beta/files/{id}</c>.</summary>
    public static async Task GetAsync(HttpContext context)
    {
        context.Response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        if (await RefusedAsync(context))
        {
            return;
        }

        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (Store(context).Find(id) is not { } file)
        {
            await NoSuchFileAsync(context, id);
            return;
        }

        await WriteAsync(context, file, wrapped: false);
    }

    /// <summary><c>DELETE /v1beta/files/{id}</c>: <c>{}</c>.</summary>
    public static async Task DeleteAsync(HttpContext context)
    {
        context.Response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        if (await RefusedAsync(context))
        {
            return;
        }

        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (!Store(context).Delete(id))
        {
            await NoSuchFileAsync(context, id);
            return;
        }

        context.Response.ContentType = SimulatorResponseWriter.JsonContentType;
        await context.Response.WriteAsync("{}", context.RequestAborted);
    }

    /// <summary><c>GET /v1beta/files</c>: <c>{"files":[…]}</c>, or <c>{}</c> when there are none (as Google answers).</summary>
    public static async Task ListAsync(HttpContext context)
    {
        context.Response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        if (await RefusedAsync(context))
        {
            return;
        }

        var files = Store(context).List();
        var root = Root(context.Request);
        context.Response.ContentType = SimulatorResponseWriter.JsonContentType;
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        if (files.Count > 0)
        {
            json.WriteStartArray("files"u8);
            foreach (var file in files)
            {
                WriteFile(json, file, root);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>The store of this server (one per process; a bare route table without DI gets its own).</summary>
    public static SimulatorFileStore Store(HttpContext context) =>
        context.RequestServices.GetService<SimulatorFileStore>() ?? Fallback.Value;

    /// <summary>The file id a fileData URI names when it is one of this simulator's (<c>…/v1beta/files/{id}</c> or <c>files/{id}</c>), else null.</summary>
    public static string? FileId(string uri)
    {
        var at = uri.LastIndexOf("files/", StringComparison.Ordinal);
        if (at < 0 || (at > 0 && uri[at - 1] != '/'))
        {
            return null;
        }

        var id = uri[(at + "files/".Length)..];
        return id.Length > 0 && id.All(char.IsAsciiLetterOrDigit) ? id : null;
    }

    private static readonly Lazy<SimulatorFileStore> Fallback = new(() => new SimulatorFileStore(TimeProvider.System));

    private static async Task<bool> RefusedAsync(HttpContext context)
    {
        var options = context.RequestServices.GetService<IOptionsMonitor<SimulatorOptions>>()?.CurrentValue;
        if (options is { Enabled: false })
        {
            await SimulatorResponseWriter.WriteErrorAsync(context.Response, 404, "NOT_FOUND", "The Nanogate simulator is disabled (Simulator:Enabled is false).", null, context.RequestAborted);
            return true;
        }

        return false;
    }

    private static Task InvalidAsync(HttpContext context, string message) =>
        SimulatorResponseWriter.WriteErrorAsync(context.Response, 400, "INVALID_ARGUMENT", message, null, context.RequestAborted);

    private static Task NoSuchFileAsync(HttpContext context, string id) =>
        SimulatorResponseWriter.WriteErrorAsync(context.Response, 403, "PERMISSION_DENIED", $"You do not have permission to access the File {id} or it may not exist.", null, context.RequestAborted);

    private static string Root(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/simulator";

    private static async Task WriteAsync(HttpContext context, SimulatedFile file, bool wrapped)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = SimulatorResponseWriter.JsonContentType;
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        if (wrapped)
        {
            json.WriteStartObject();
            json.WritePropertyName("file"u8);
        }

        WriteFile(json, file, Root(context.Request));
        if (wrapped)
        {
            json.WriteEndObject();
        }

        await json.FlushAsync(context.RequestAborted);
    }

    private static void WriteFile(Utf8JsonWriter json, SimulatedFile file, string root)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, "files/" + file.Id);
        if (file.DisplayName is not null)
        {
            json.WriteString("displayName"u8, file.DisplayName);
        }

        json.WriteString("mimeType"u8, file.MimeType);
        // int64 is a string in protobuf JSON.
        json.WriteString("sizeBytes"u8, file.SizeBytes.ToString(CultureInfo.InvariantCulture));
        json.WriteString("createTime"u8, Timestamp(file.Created));
        json.WriteString("updateTime"u8, Timestamp(file.Created));
        json.WriteString("expirationTime"u8, Timestamp(file.Expires));
        json.WriteString("sha256Hash"u8, Convert.ToBase64String(file.Sha256));
        json.WriteString("uri"u8, $"{root}/v1beta/files/{file.Id}");
        json.WriteString("state"u8, "ACTIVE"u8);
        json.WriteString("source"u8, "UPLOADED"u8);
        json.WriteEndObject();
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
