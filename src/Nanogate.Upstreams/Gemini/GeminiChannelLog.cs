using Microsoft.Extensions.Logging;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Gemini;

/// <summary>Source-generated log messages of <see cref="GeminiChannel"/>: sizes and statuses, never keys or bodies.</summary>
internal static partial class GeminiChannelLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Upstream {Channel} answered {Model} for {RequestId} with {Bytes} bytes in {ElapsedMs} ms")]
    public static partial void Answered(ILogger logger, string channel, string model, string requestId, int bytes, long elapsedMs);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Upstream {Channel} failed {Model} for {RequestId}: {Kind} (HTTP {Status}) after {ElapsedMs} ms")]
    public static partial void Failed(ILogger logger, string channel, string model, string requestId, UpstreamFailureKind kind, int? status, long elapsedMs);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Upstream {Channel} opened a stream of {Model} for {RequestId} in {ElapsedMs} ms")]
    public static partial void StreamOpened(ILogger logger, string channel, string model, string requestId, long elapsedMs);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Upstream {Channel} stream of {Model} for {RequestId} failed after {Events} events: {Kind}")]
    public static partial void StreamFailed(ILogger logger, string channel, string model, string requestId, int events, UpstreamFailureKind kind);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Upstream {Channel} stream of {Model} for {RequestId} ended after {Events} events")]
    public static partial void StreamEnded(ILogger logger, string channel, string model, string requestId, int events);
}
