using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Playground;

namespace Nanogate.IntegrationTests.Playground;

/// <summary>The pages as served: the shared head and header included once, from the embedded files.</summary>
public sealed class PlaygroundPagesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Theory]
    [InlineData("/", "Playground · Nanogate", "/ui/app.js", "/", "key-pill")]
    [InlineData("/docs", "API reference · Nanogate", "/ui/docs.js", "/docs", "key-pill")]
    [InlineData("/reference", "API reference · Nanogate", "/ui/docs.js", "/docs", "key-pill")]
    [InlineData("/admin", "Admin console · Nanogate", "/ui/admin.js", "/admin", "admin-pill")]
    public async Task A_page_has_the_shared_head_and_header_exactly_once(string route, string title, string script, string current, string pill)
    {
        using var response = await Client.GetAsync(route);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--#", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
        Assert.Equal(1, Count(html, "<head>"));
        Assert.Equal(1, Count(html, "<header class=\"topbar\">"));
        Assert.Equal(1, Count(html, "<nav class=\"nav\" aria-label=\"Main\">"));
        Assert.Equal(1, Count(html, "<body>"));
        Assert.Contains($"<title>{title}</title>", html, StringComparison.Ordinal);
        Assert.Contains($"<script type=\"module\" src=\"{script}\"></script>", html, StringComparison.Ordinal);
        Assert.Contains($"id=\"{pill}\"", html, StringComparison.Ordinal);

        // Exactly one link is the current page, and it is this page's own.
        Assert.Equal(1, Count(html, "aria-current"));
        Assert.Contains($"<a href=\"{current}\" aria-current=\"page\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_revalidate_by_etag()
    {
        using var docs = await Client.GetAsync("/docs");
        using var reference = await Client.GetAsync("/reference");
        using var admin = await Client.GetAsync("/admin");
        Assert.Equal("no-cache", docs.Headers.CacheControl?.ToString());
        var tag = docs.Headers.ETag;
        Assert.NotNull(tag);
        Assert.Equal(tag, reference.Headers.ETag);
        Assert.NotEqual(tag, admin.Headers.ETag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/docs");
        request.Headers.IfNoneMatch.Add(tag);
        using var again = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Theory]
    [InlineData("/ui/index.html")]
    [InlineData("/ui/admin.html")]
    [InlineData("/ui/_header.html")]
    [InlineData("/ui/_head.html")]
    public async Task Page_templates_are_not_served_as_assets(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_assets_are_still_served()
    {
        foreach (var path in new[] { "/ui/common.js", "/ui/style.css", "/ui/favicon.svg" })
        {
            using var response = await Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(response.Headers.ETag);
        }
    }

    private static int Count(string text, string part) => Regex.Count(text, Regex.Escape(part));
}

/// <summary>The include itself, on files in a temp folder (as with Playground:Directory).</summary>
public sealed class PageIncludesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nanogate-pages-").FullName;
    private readonly PhysicalFileProvider _files;

    public PageIncludesTests() => _files = new PhysicalFileProvider(_folder);

    public void Dispose()
    {
        _files.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void An_include_is_indented_like_its_line_filled_in_and_marks_the_current_link()
    {
        Write("_nav.html", "<nav>\n  <a href=\"/\">Home</a>\n\n  <a href=\"/docs\" id=\"d\">{{label}}</a>\n</nav>\n");
        Write("page.html", "<body>\n    <!--#include file=\"_nav.html\" current=\"/docs\" label=\"Docs\" -->\n</body>\n");

        Assert.Equal(
            "<body>\n    <nav>\n      <a href=\"/\">Home</a>\n\n      <a href=\"/docs\" aria-current=\"page\" id=\"d\">Docs</a>\n    </nav>\n</body>\n",
            PageIncludes.Expand(_files, "page.html"));
    }

    [Fact]
    public void A_missing_page_is_null() => Assert.Null(PageIncludes.Expand(_files, "nothing.html"));

    [Theory]
    [InlineData("<!--#include file=\"_missing.html\" -->", "no file _missing.html")]
    [InlineData("<!--#include file=\"_part.html\" -->", "gives no name=")]
    [InlineData("<!--#include file=\"_part.html\" name=\"a\" colour=\"red\" -->", "no place for colour")]
    [InlineData("<!--#include file=\"_part.html\" name=\"a\" current=\"/elsewhere\" -->", "not exactly one <a href=\"/elsewhere\"")]
    [InlineData("<!--#include file=\"_nested.html\" -->", "do not nest")]
    [InlineData("<p><!--#include file=\"_part.html\" name=\"a\" --></p>", "not a whole-line include")]
    [InlineData("<!--#echo var=\"x\" -->", "not a whole-line include")]
    public void A_broken_include_throws(string line, string message)
    {
        Write("_part.html", "<a href=\"/\">{{name}}</a>\n");
        Write("_nested.html", "<!--#include file=\"_part.html\" name=\"a\" -->\n");
        Write("page.html", line + "\n");

        var error = Assert.Throws<InvalidOperationException>(() => PageIncludes.Expand(_files, "page.html"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder, name), text);
}

/// <summary>With Playground:Directory the pages are expanded on every request, so edits show without a restart.</summary>
public sealed class PlaygroundDirectoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nanogate-pages-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_edited_partial_is_served_at_once()
    {
        File.WriteAllText(Path.Combine(_folder, "admin.html"), "<!--#include file=\"_header.html\" -->\n<main></main>\n");
        File.WriteAllText(Path.Combine(_folder, "_header.html"), "<header>one</header>\n");
        await using var server = await NanogateServer.StartAsync($"Playground:Directory={_folder}");

        Assert.Equal("<header>one</header>\n<main></main>\n", await server.Client.GetStringAsync("/admin"));
        File.WriteAllText(Path.Combine(_folder, "_header.html"), "<header>two</header>\n");
        Assert.Equal("<header>two</header>\n<main></main>\n", await server.Client.GetStringAsync("/admin"));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/docs")).StatusCode);
    }
}
