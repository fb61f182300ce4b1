using Microsoft.Extensions.Options;

namespace Nanogate.Hosting;

/// <summary>Answers for bodies over the configured limit, in the caller's dialect.</summary>
public static class RequestLimits
{
    /// <summary>The 413 answer; <paramref name="shape"/> builds the dialect's error from (status word, message).</summary>
    public static IResult TooLarge(HttpContext context, Func<string, string, IResult> shape)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyMB;
        return shape("INVALID_ARGUMENT",
            $"Request body too large: the limit is {limit} MB (Limits:MaxRequestBodyMB). Send each image as at most 10 MB, or pass images by URL.");
    }
}
