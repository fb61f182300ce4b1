using Nanogate.Upstreams.Simulator;

namespace Nanogate;

/// <summary>The composition root: everything the one deployable serves, built from configuration.</summary>
public static class NanogateApp
{
    /// <summary>Builds the application (tests call this with their own configuration).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapSimulator();
        return app;
    }
}
