using Microsoft.Extensions.Logging;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.OpenAiImages;

/// <summary>Log messages of the relay kinds: outcomes and times, never keys or image bytes.</summary>
internal static partial class OpenAiImagesLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Upstream {Channel} ({Model}) for {RequestId}: {Failure} in {ElapsedMs} ms")]
    public static partial void Called(ILogger logger, string channel, string model, string requestId, UpstreamFailureKind? failure, long elapsedMs);
}
