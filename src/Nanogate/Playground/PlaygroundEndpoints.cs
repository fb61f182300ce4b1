using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Nanogate.Playground;

/// <summary>
/// The browser surfaces: the playground at <c>/</c>, the admin console at <c>/admin</c> and the
/// API reference at <c>/docs</c> (and <c>/reference</c>). The files are embedded in the assembly,
/// so <c>dotnet run</c> and a published dll started from any folder serve the same pages.
/// </summary>
public static class PlaygroundEndpoints
{
    private const string ResourceRoot = "Nanogate.Playground.wwwroot";

    /// <summary>The URL prefix of the pages' scripts, styles and icons.</summary>
    public const string AssetPath = "/ui";

    // The pages talk only to this origin; media links may be absolute (a configured public host).
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob: http: https:; connect-src 'self' http: https:; style-src 'self'; " +
        "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Serves the playground, the admin console, the API reference and their assets.</summary>
    public static WebApplication MapPlayground(this WebApplication app)
    {
        // Playground:Directory serves the files from disk instead, for editing them without a rebuild.
        var directory = app.Configuration["Playground:Directory"];
        IFileProvider files = string.IsNullOrEmpty(directory)
            ? new EmbeddedFileProvider(typeof(PlaygroundEndpoints).Assembly, ResourceRoot)
            : new PhysicalFileProvider(Path.GetFullPath(directory));
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        types.Mappings[".svg"] = "image/svg+xml";

        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = AssetPath,
            ContentTypeProvider = types,
            OnPrepareResponse = ctx =>
            {
                // Revalidate every time: the ETag makes that cheap, and a new build is seen at once.
                ctx.Context.Response.Headers.CacheControl = "no-cache";
                ctx.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });

        MapPage(app, files, "/", "index.html");
        MapPage(app, files, "/admin", "admin.html");
        MapPage(app, files, "/docs", "docs.html");
        MapPage(app, files, "/reference", "docs.html");
        return app;
    }

#pragma warning disable CA1859 // either provider, chosen by configuration
    private static void MapPage(WebApplication app, IFileProvider files, string route, string file) =>
        app.MapGet(route, (HttpContext context) =>
        {
            var info = files.GetFileInfo(file);
            if (!info.Exists)
            {
                return Results.NotFound();
            }

            var headers = context.Response.Headers;
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            return Results.Stream(info.CreateReadStream(), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
#pragma warning restore CA1859
}
