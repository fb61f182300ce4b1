using Nanogate.Upstreams.Channels;

namespace Nanogate.Gemini;

/// <summary>Writes an upstream's JSON bytes as received, untouched, then returns its pooled buffer.</summary>
internal sealed class RawJsonResult(UpstreamResponse response) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (response)
        {
            httpContext.Response.StatusCode = 200;
            httpContext.Response.ContentType = "application/json; charset=UTF-8";
            httpContext.Response.ContentLength = response.Body.Length;
            await httpContext.Response.Body.WriteAsync(response.Body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
