using Microsoft.AspNetCore.Http;
using Nanogate.Core.Catalog;

namespace Nanogate.Upstreams.Simulator;

/// <summary><c>GET /simulator/render</c>: the PNG a link of the OpenAI or task surface names (deterministic, nothing stored).</summary>
internal static class SimulatorRenderEndpoint
{
    public static IResult Render(HttpContext context)
    {
        var query = context.Request.Query;
        context.Response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        if (ModelCatalog.Default.Find(query["model"].ToString()) is not { } model
            || !AspectRatio.TryParse(query["ratio"], out var ratio) || !model.Supports(ratio)
            || !ImageSizes.TryParseWire(query["size"], out var size))
        {
            return Results.NotFound();
        }

        var image = SimulatedImageRenderer.Shared.GetOrRender(query["prompt"].ToString(), model, ratio, size);
        return Results.Bytes(image.Png, "image/png");
    }
}
