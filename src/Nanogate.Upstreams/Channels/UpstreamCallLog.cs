using Microsoft.Extensions.Logging;

namespace Nanogate.Upstreams.Channels;

/// <summary>Log messages of the relay kinds: outcomes and times, never keys or image bytes.</summary>
internal static partial class UpstreamCallLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Upstream {Channel} ({Model}) for {RequestId}: {Failure} in {ElapsedMs} ms")]
    public static partial void Called(ILogger logger, string channel, string model, string requestId, UpstreamFailureKind? failure, long elapsedMs);
}
