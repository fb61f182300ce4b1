using System.ComponentModel.DataAnnotations;

namespace Nanogate.Operations;

/// <summary>The <c>Telemetry</c> configuration section: OTLP export, trace sampling and the console log format.</summary>
internal sealed class TelemetryOptions
{
    /// <summary>
    /// The OTLP collector's base URL (<c>Telemetry:OtlpEndpoint</c>), e.g. <c>http://otel-collector:4318</c>; unset =
    /// the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; neither = no export (traces are then not recorded at all, only
    /// their ids propagated, and metrics are served at <c>/metrics</c> only).
    /// </summary>
    [Url(ErrorMessage = "Telemetry:OtlpEndpoint must be an absolute URL, e.g. http://otel-collector:4318.")]
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// <c>http/protobuf</c> or <c>grpc</c> (<c>Telemetry:OtlpProtocol</c>); unset = the standard
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else the exporter's default (grpc).
    /// </summary>
    [RegularExpression("^(grpc|http/protobuf)$", ErrorMessage = "Telemetry:OtlpProtocol must be grpc or http/protobuf.")]
    public string? OtlpProtocol { get; set; }

    /// <summary>
    /// The share of new traces recorded and exported when OTLP export is on (<c>Telemetry:TraceSampleRatio</c>, 0..1);
    /// a request that arrives with a sampled <c>traceparent</c> is recorded whatever the ratio.
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "Telemetry:TraceSampleRatio must be between 0 and 1.")]
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary><c>simple</c> (one line per entry) or <c>json</c> (one JSON object per line) for the console log (<c>Telemetry:LogFormat</c>).</summary>
    [RegularExpression("^(simple|json)$", ErrorMessage = "Telemetry:LogFormat must be simple or json.")]
    public string LogFormat { get; set; } = "simple";
}
