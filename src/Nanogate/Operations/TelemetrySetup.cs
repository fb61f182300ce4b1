using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nanogate.Operations;

/// <summary>
/// OpenTelemetry for the server: traces (the <c>Nanogate</c> source, ASP.NET Core and HttpClient), metrics (the
/// <c>Nanogate</c> meter, ASP.NET Core, HttpClient and the runtime) served as Prometheus text at <c>/metrics</c> and
/// exported over OTLP when a collector is configured, and console logs that carry the trace and span ids.
/// </summary>
internal static class TelemetrySetup
{
    private static readonly string[] HttpClientTags = ["http.request.method", "http.response.status_code", "error.type", "http.connection.state", "network.protocol.version"];

    /// <summary>Registers the providers, exporters and the console log format from the <c>Telemetry</c> section.</summary>
    public static void AddNanogateTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        var endpoint = options.OtlpEndpoint is { Length: > 0 } configured ? configured : builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var export = !string.IsNullOrWhiteSpace(endpoint);

        // ASP.NET Core's request log ("Request starting GET …?exp=…&sig=…") writes whole URLs, signed media links included:
        // kept at Warning unless the operator names the category, also when appsettings.json is not found (the content
        // root is the working directory, so `dotnet /opt/nanogate/Nanogate.dll` from elsewhere runs without it).
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        // Every log entry carries the trace and span of the work it belongs to (a scope the console formatters print).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (string.Equals(options.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
            });
        }

        builder.Services.AddSingleton<NanogateMetrics>();
        builder.Services.AddSingleton<ChannelMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "nanogate", serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(t => t
                .AddSource(NanogateActivity.SourceName)
                // Without a collector nothing is recorded: spans still exist, unsampled, so their ids reach the logs, the
                // upstream and the webhooks (traceparent), at the cost of an Activity each and no tags.
                .SetSampler(export ? new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)) : new AlwaysOffSampler())
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(NanogateMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(o =>
                {
                    // A scrape sees the counters as they are (the default caches an answer for 300 ms).
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                    o.ScopeInfoEnabled = false;
                }));
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, m) =>
        {
            var own = services.GetRequiredService<IMeterFactory>();
            m.AddView(instrument =>
            {
                // Several hosts in one process (the tests) each count only the meters their own factory made.
                if (instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own))
                {
                    return MetricStreamConfiguration.Drop;
                }

                // The HttpClient meter names the target host: webhook receivers and image URLs are the callers' own,
                // unbounded in number and theirs to keep private, so the series keep only bounded tags.
                return instrument.Meter.Name == "System.Net.Http" ? new MetricStreamConfiguration { TagKeys = HttpClientTags } : null;
            });
        });

        if (export)
        {
            if (options.OtlpEndpoint is { Length: > 0 })
            {
                var protocol = (options.OtlpProtocol ?? builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]) == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                telemetry.UseOtlpExporter(protocol, new Uri(options.OtlpEndpoint));
            }
            else
            {
                // The standard OTEL_EXPORTER_OTLP_* variables (endpoint, protocol, headers, per-signal endpoints).
                telemetry.UseOtlpExporter();
            }
        }
    }

    /// <summary>Maps <c>GET /metrics</c>: the OpenTelemetry Prometheus exporter (text format 0.0.4, or OpenMetrics when asked).</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        // The per-channel instruments exist once their owner does.
        _ = routes.ServiceProvider.GetRequiredService<ChannelMetrics>();
        routes.MapPrometheusScrapingEndpoint("/metrics");
        return routes;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
