using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Nanogate.Playground;

/// <summary>
/// The browser surfaces: the playground at <c>/</c>, the admin console at <c>/admin</c> and the
/// API reference at <c>/docs</c> (and <c>/reference</c>). The files are embedded in the assembly,
/// so <c>dotnet run</c> and a published dll started from any folder serve the same pages. The pages
/// share their head and header through <see cref="PageIncludes"/>; the embedded pages are expanded
/// once, at startup.
/// </summary>
internal static class PlaygroundEndpoints
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
            FileProvider = new AssetFiles(files),
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

    /// <summary>A page as sent: the expanded HTML and its ETag.</summary>
    private sealed record Page(byte[] Html, EntityTagHeaderValue ETag);

    private static Page? Build(IFileProvider files, string file)
    {
        var html = PageIncludes.Expand(files, file);
        if (html is null)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(html);
        return new Page(bytes, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8))}\""));
    }

    private static void MapPage(WebApplication app, IFileProvider files, string route, string file)
    {
        // Embedded files never change: expand them once (and fail at startup if a page is broken).
        // Files from Playground:Directory are expanded on every request, so edits show at once.
        Func<Page?> page;
        if (files is EmbeddedFileProvider)
        {
            var built = Build(files, file);
            page = () => built;
        }
        else
        {
            page = () => Build(files, file);
        }

        app.MapGet(route, (HttpContext context) =>
        {
            if (page() is not { } found)
            {
                return Results.NotFound();
            }

            var headers = context.Response.Headers;
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            return Results.Bytes(found.Html, "text/html; charset=utf-8", entityTag: found.ETag);
        }).ExcludeFromDescription();
    }

    /// <summary>
    /// The assets under <see cref="AssetPath"/>: every file but the HTML, which is served only
    /// expanded, at the pages' own routes (a page or partial from here would show raw includes).
    /// </summary>
    private sealed class AssetFiles(IFileProvider files) : IFileProvider
    {
        public IFileInfo GetFileInfo(string subpath) =>
            subpath.EndsWith(".html", StringComparison.OrdinalIgnoreCase) ? new NotFoundFileInfo(subpath) : files.GetFileInfo(subpath);

        public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

        public IChangeToken Watch(string filter) => files.Watch(filter);
    }
}
