using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Nanogate.Accounts;
using Nanogate.Admin;
using Nanogate.Auth;
using Nanogate.Catalog;
using Nanogate.Core.Catalog;
using Nanogate.Gemini;
using Nanogate.Hosting;
using Nanogate.Media;
using Nanogate.OpenAi;
using Nanogate.Operations;
using Nanogate.Pipeline;
using Nanogate.Playground;
using Nanogate.Security;
using Nanogate.Storage;
using Nanogate.Storage.Tasks;
using Nanogate.Tasks;
using Nanogate.Upstreams;
using Nanogate.Upstreams.Routing;
using Nanogate.Upstreams.Simulator;
using Nanogate.Webhooks;

namespace Nanogate;

/// <summary>The composition root: everything the one deployable serves, built from configuration.</summary>
internal static class NanogateApp
{
    /// <summary>Builds the application (tests call this with their own arguments).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // No config reload-on-change: its watcher covers the content root recursively, and the default
        // data directory (SQLite, media files) lives under it, so every stored image woke it (3–4 % CPU
        // in the task benchmark). Settings are read at start; restart to change them.
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }

        AddOptions<StorageOptions>(builder, "Storage");
        AddOptions<AdminOptions>(builder, "Admin");
        AddOptions<ServerOptions>(builder, "Server");
        AddOptions<Billing.HoldOptions>(builder, "Billing");
        AddOptions<Operations.RetentionOptions>(builder, "Retention");
        builder.Services.AddOptions<Operations.RetentionOptions>().Validate(
            o => o.UsageDays == 0 || o.UsageDays >= Operations.RetentionOptions.MinUsageDays,
            "Retention:UsageDays must be 0 (keep for ever) or between 35 and 36500: a key's monthly spending cap sums its usage detail of the current month.");
        // A synchronous request may try Upstreams:Router:MaxAttempts channels, each for up to Upstreams:TimeoutSeconds:
        // a hold released as abandoned before that could belong to a request still running, which would go unbilled.
        builder.Services.AddOptions<Billing.HoldOptions>().Validate<IOptions<UpstreamOptions>>(
            (o, upstreams) => o.AbandonedHoldSeconds > upstreams.Value.TimeoutSeconds * upstreams.Value.Router.MaxAttempts,
            "Billing:AbandonedHoldSeconds must be more than Upstreams:TimeoutSeconds × Upstreams:Router:MaxAttempts (the longest a synchronous request can run): a hold released while its request still runs would let that request go unbilled.");
        builder.Services.AddOptions<ServerOptions>().Validate(
            o => o.PublicBaseUrl is not { Length: > 0 } url
                || (Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) && string.IsNullOrEmpty(u.Query) && u.AbsolutePath == "/"),
            "Server:PublicBaseUrl must be an absolute http(s) URL of scheme, host and optional port only, e.g. https://images.example.com.");
        AddOptions<BootstrapOptions>(builder, "Bootstrap");
        AddOptions<UpstreamOptions>(builder, "Upstreams");
        builder.Services.AddOptions<UpstreamOptions>().Validate(
            o => o.Router.MaxAttempts is >= 1 and <= 10 && o.Router.CapacityWaitMs is >= 0 and <= 60_000 && o.Router.BreakerFailures is >= 1 and <= 1000
                && o.Router.BreakerOpenSeconds is > 0 and <= 3600 && o.Router.RateLimitBackoffSeconds is > 0 and <= 3600,
            "Upstreams:Router: MaxAttempts 1..10, CapacityWaitMs 0..60000, BreakerFailures 1..1000, BreakerOpenSeconds and RateLimitBackoffSeconds 0..3600.");
        // Options validation does not descend into nested sections, so the Gemini section's URL is checked here (the
        // Gemini kind turns it into a Uri when it reads its channels from configuration).
        builder.Services.AddOptions<UpstreamOptions>().Validate(
            o => Uri.TryCreate(o.Gemini.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
            "Upstreams:Gemini:BaseUrl must be an absolute http(s) URL, e.g. https://generativelanguage.googleapis.com.");
        AddOptions<LimitsOptions>(builder, "Limits");
        AddOptions<SimulatorOptions>(builder, "Simulator");
        AddOptions<SecurityOptions>(builder, "Security");
        AddOptions<TasksOptions>(builder, "Tasks");
        builder.Services.AddOptions<TasksOptions>().Validate(
            o => o.HeartbeatSeconds < o.LeaseSeconds,
            "Tasks:HeartbeatSeconds must be less than Tasks:LeaseSeconds, or leases expire while images are still being made.");
        AddOptions<WebhookOptions>(builder, "Webhooks");
        var postgresConnection = builder.Configuration.GetConnectionString("Postgres");
        builder.Services.AddOptions<StorageOptions>().Validate(
            o => !string.Equals(o.Provider, "postgres", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(postgresConnection),
            "ConnectionStrings:Postgres must be set when Storage:Provider is 'postgres' (an Npgsql connection string, e.g. Host=db;Username=nanogate;Password=…;Database=nanogate).");

        // Graceful shutdown: the web server stops accepting while the task workers drain (concurrently, not one
        // service after the other), and the host waits for the workers' grace period plus time to write results.
        var shutdownGrace = builder.Configuration.GetValue("Tasks:ShutdownGraceSeconds", 20);
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ServicesStopConcurrently = true;
            o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Clamp(shutdownGrace, 0, 3600) + 10);
        });
        var limitMb = builder.Configuration.GetValue("Limits:MaxRequestBodyMB", LimitsOptions.DefaultMaxRequestBodyMB);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limitMb * 1024L * 1024L);

        // Opt-in: Kestrel runs a connection's request code on the thread that completed its socket operation instead of
        // queueing it to the thread pool once more. Same-run A/B (docs/benchmarks.md, issue 17): on the 1.4 MB Gemini
        // passthrough CPU per request -10 % at c=1, -7 to -12 % at c=64, -33 % at c=256 (there 766-782 against 571-589
        // req/s); on small requests at c=64 (model list, healthz, 404, 401) 15-25 % fewer req/s and +20 % CPU per
        // request. Task users only make small requests to the server (submits and polls), so it is off by default; a
        // gateway that mostly serves synchronous generations turns it on with Server:InlineScheduling=true. Socket
        // completions stay on the pool either way (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is not set).
        if (builder.Configuration.GetValue("Server:InlineScheduling", false))
        {
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        }

        AddOptions<TelemetryOptions>(builder, "Telemetry");
        builder.AddNanogateTelemetry();
        // A query or route value that cannot be bound (?limit=abc) throws, so the exception handler answers it with
        // the dialect's JSON error and the binder's own message instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ModelCatalog.Default);
        services.AddNanogateStorage(builder.Configuration);
        services.AddSingleton<KeyRateLimits>();
        services.AddSingleton<KeyUsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageRecorder>());
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<AdminAuthenticator>();
        services.AddNanogateAuthorization();
        services.AddExceptionHandler<Pipeline.DialectExceptionHandler>();
        services.AddSingleton<ServerAddress>();
        services.AddSingleton<PublicBaseUrl>();
        services.AddChannelKinds();
        services.AddSingleton<SafeImageDownloader>();
        services.AddSingleton<Nanogate.Upstreams.TaskRelay.RelayCallbacks>();
        services.AddSingleton(ChannelSetup.CreateContext);
        services.AddSingleton(ChannelSetup.CreateRouter);
        // Channel credentials are encrypted at rest; every process sharing a database must share this key ring.
        services.AddDataProtection().SetApplicationName("Nanogate").PersistKeysToFileSystem(new DirectoryInfo(KeyRing.Directory(builder.Configuration)));
        services.AddSingleton<ChannelSecrets>();
        services.AddSingleton<StoredChannelCodec>();
        services.AddSingleton<Nanogate.Generation.ImageGenerator>();
        services.AddSingleton<Billing.CreditHolds>();
        services.AddSingleton<OpenAiImageRunner>();
        services.AddSingleton<ImageGenerationsHandler>();
        services.AddSingleton<SyncGenerationGate>();
        services.AddSingleton<Nanogate.Webhooks.WebhookSignal>();
        // The framework's JSON options only shape the OpenAPI schemas (every answer is written with its dialect's own
        // options): snake_case like the task, OpenAI, catalog and admin bodies (Gemini's records name their camelCase
        // fields explicitly), and strict numbers so an integer is described as an integer, not "integer or string".
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        services.AddOpenApi(o => o.AddSchemaTransformer<OpenApiExamples>().AddDocumentTransformer<Operations.MetricsOpenApi>());
        services.AddSingleton<Bootstrapper>();
        services.AddHostedService(sp => sp.GetRequiredService<Bootstrapper>());
        services.AddSingleton<StoredChannelLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<StoredChannelLoader>());
        services.AddMediaStore(builder.Configuration);
        services.AddSingleton<IImageFetcher, SafeImageFetcher>();
        services.AddSingleton<TaskRequestParser>();
        services.AddSingleton<ITaskEventRenderer, TaskEventRenderer>();
        services.AddSingleton<TaskSignals>();
        services.AddHostedService<TaskWorkerPool>();
        services.AddHostedService<IdempotencyPruner>();
        services.AddHostedService<Billing.HoldSweeper>();
        services.AddSingleton<Operations.RetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<Operations.RetentionSweeper>());
        services.AddReadinessChecks();
        services.AddHostedService<MemoryTrimmer>();
        services.AddSingleton<SafeHttp>();
        services.AddHostedService<WebhookDispatcher>();

        configure?.Invoke(builder);
        var app = builder.Build();

        // The exception handler and status pages sit outside routing but read the matched endpoint's dialect.
        // DialectExceptionHandler answers every exception; the middleware insists on a fallback delegate as well.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = _ => Task.CompletedTask });
        app.UseDialectStatusBodies();
        app.UseRequestIds();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", () => Results.Json(new HealthBody("ok"), ApiJsonContext.Default.HealthBody)).Produces<HealthBody>();
        app.MapReadiness();

        app.MapMetrics();
        // Only the document that exists: "/openapi/{documentName}.json" answered any other name with a plain-text 404.
        app.MapOpenApi("/openapi/v1.json");
        app.MapCatalogApi();
        app.MapAccountApi();
        app.MapGeminiApi();
        app.MapOpenAiApi();
        app.MapAdminApi();
        app.MapPlayground();
        app.MapMediaApi();
        app.MapTasksApi();
        app.MapWebhooksApi();
        app.MapRelayCallbacks();
        app.Services.GetRequiredService<ChannelKinds>().MapEndpoints(app, app.Configuration);

        return app;
    }

    private static void AddOptions<T>(WebApplicationBuilder builder, string section)
        where T : class => builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
