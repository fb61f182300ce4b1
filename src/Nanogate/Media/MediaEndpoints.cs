using System.Globalization;
using Microsoft.Net.Http.Headers;
using Nanogate.Hosting;
using Nanogate.Pipeline;

namespace Nanogate.Media;

/// <summary>Serves signed media links: <c>GET /v1/media/{id}?exp=…&amp;sig=…</c>.</summary>
internal static class MediaEndpoints
{
    /// <summary>
    /// Maps the media route. The link itself is the credential (no API key needed, so a browser can
    /// follow it); a request that does carry an API key must be the owner's, else it is told 404, so
    /// one account's server can never be made to fetch another's media under its own identity.
    /// </summary>
    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/media/{id}", ServeAsync).WithDialect(Dialect.Nanogate).RequireAuthorization(Auth.NanogatePolicies.SignedMediaLink)
            .Produces<byte[]>(StatusCodes.Status200OK, "image/png", "image/jpeg", "image/webp")
            .Produces(StatusCodes.Status302Found)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesErrors(Dialect.Nanogate, 403, 404, 410)
            .WithDescription("The image bytes of a signed link (exp and sig in the query), with ETag and caching headers; a redirect to the store's own signed URL where the media store serves links directly.");
        return routes;
    }

    /// <summary>The link's signature and expiry were checked by the <see cref="Auth.NanogatePolicies.SignedMediaLink"/> policy.</summary>
    private static async Task<IResult> ServeAsync(HttpContext context, string id, string exp, Auth.Caller? caller, IMediaStore store, TimeProvider time)
    {
        var media = await store.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (caller is not null && media is not null && caller.AccountId != media.AccountId)
        {
            media = null;
        }

        if (media is null)
        {
            return ApiError.Result(404, "not_found", $"No media {id}.");
        }

        var now = time.GetUtcNow();
        if (media.PurgedAt is not null || media.ExpiresAt <= now)
        {
            return Gone();
        }

        var linkExpires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(exp, CultureInfo.InvariantCulture));
        if (store.DirectLink(media, linkExpires < media.ExpiresAt ? linkExpires : media.ExpiresAt) is { } direct)
        {
            // Media:S3:PresignedLinks: the bucket serves the bytes. The redirect is not cached: it is only as
            // good as the presigned URL inside it.
            context.Response.Headers.CacheControl = "no-store";
            return Results.Redirect(direct.AbsoluteUri, permanent: false);
        }

        var etag = media.ETag;
        var secondsLeft = Math.Max(0, (long)(linkExpires - now).TotalSeconds);
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"private, max-age={secondsLeft}, immutable");
        headers.Expires = linkExpires.ToString("R", CultureInfo.InvariantCulture);

        if (IfNoneMatch(context.Request, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var stream = await store.OpenReadAsync(media, context.RequestAborted).ConfigureAwait(false);
        if (stream is null)
        {
            return Gone();
        }

        headers.ContentLength = media.Bytes;
        return Results.Stream(stream, media.MimeType, enableRangeProcessing: false);
    }

    /// <summary>410 link_expired.</summary>
    internal static IResult Gone() =>
        ApiError.Result(410, "link_expired", "This media link has expired and the image was deleted. Generate the image again.");

    private static bool IfNoneMatch(HttpRequest request, string etag)
    {
        var values = request.Headers.IfNoneMatch;
        if (values.Count == 0)
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(values, out var tags))
        {
            return false;
        }

        return tags.Any(t => t.Tag == "*" || string.Equals(t.Tag.Value, etag, StringComparison.Ordinal));
    }
}
