namespace Nanogate.Media;

/// <summary>What checking a media link's <c>exp</c> and <c>sig</c> found.</summary>
internal enum MediaLinkCheck
{
    /// <summary>Signed by this server and not expired.</summary>
    Valid,
    /// <summary>Missing, malformed or wrong signature (403).</summary>
    BadSignature,
    /// <summary>Correctly signed but past its expiry (410).</summary>
    Expired,
}
