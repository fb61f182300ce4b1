using System.Net;
using System.Net.Sockets;

namespace Nanogate.Security;

/// <summary>
/// Which addresses Nanogate may connect to on a user's behalf (image URLs, webhook targets): public
/// unicast only. IPv6 forms that carry an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4) are
/// judged by that IPv4 address, since the packet ends up there.
/// </summary>
internal static class NetworkPolicy
{
    /// <summary>True when <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsAllowed(IPAddress address) => Classify(address) is null;

    /// <summary>Why <paramref name="address"/> is refused, as a phrase ("a loopback address"), or null when it is allowed.</summary>
    public static string? Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> b = stackalloc byte[16];
        if (!address.TryWriteBytes(b, out var length))
        {
            return "an unsupported address";
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork when length == 4 => ClassifyV4(b[..4]),
            AddressFamily.InterNetworkV6 when length == 16 => ClassifyV6(b),
            _ => "an unsupported address",
        };
    }

    private static string? ClassifyV4(ReadOnlySpan<byte> b) => (b[0], b[1], b[2]) switch
    {
        (0, _, _) => "an unspecified address (0.0.0.0/8)",
        (10, _, _) => "a private network address (10.0.0.0/8)",
        (100, >= 64 and <= 127, _) => "a carrier-grade NAT address (100.64.0.0/10)",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address (169.254.0.0/16, which holds cloud metadata endpoints)",
        (172, >= 16 and <= 31, _) => "a private network address (172.16.0.0/12)",
        (192, 168, _) => "a private network address (192.168.0.0/16)",
        (192, 0, 0) => "a reserved protocol address (192.0.0.0/24)",
        (192, 0, 2) or (198, 51, 100) or (203, 0, 113) => "a documentation address",
        (198, 18 or 19, _) => "a benchmarking address (198.18.0.0/15)",
        ( >= 224 and <= 239, _, _) => "a multicast address",
        (255, 255, 255) when b[3] == 255 => "the broadcast address",
        ( >= 240, _, _) => "a reserved address (240.0.0.0/4)",
        _ => null,
    };

    private static string? ClassifyV6(ReadOnlySpan<byte> b)
    {
        if (b[..15].IndexOfAnyExcept((byte)0) < 0)
        {
            return b[15] switch
            {
                0 => "the unspecified address (::)",
                1 => "a loopback address",
                _ => Embedded(b[12..]),
            };
        }

        // ::ffff:a.b.c.d (IPv4-mapped)
        if (b[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xFF && b[11] == 0xFF)
        {
            return Embedded(b[12..]);
        }

        // ::a.b.c.d (IPv4-compatible, deprecated but still routed by some stacks)
        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return Embedded(b[12..]);
        }

        // ::ffff:0:a.b.c.d (SIIT IPv4-translated)
        if (b[..8].IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0)
        {
            return Embedded(b[12..]);
        }

        // 64:ff9b::/96 (NAT64 well-known prefix): the gateway forwards to the embedded IPv4 address.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            return b[4..12].IndexOfAnyExcept((byte)0) < 0 ? Embedded(b[12..]) : "a local-use NAT64 address (64:ff9b:1::/48)";
        }

        // 2002::/16 (6to4): the relay forwards to the IPv4 address in bits 16-47.
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return Embedded(b[2..6]);
        }

        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
        {
            return "a Teredo tunnel address (2001::/32)";
        }

        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
        {
            return "a documentation address (2001:db8::/32)";
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            return "a unique local address (fc00::/7)";
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        {
            return "a link-local address (fe80::/10)";
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)
        {
            return "a site-local address (fec0::/10)";
        }

        if (b[0] == 0xFF)
        {
            return "a multicast address";
        }

        // Everything outside 2000::/3 (global unicast) is reserved or special-purpose.
        return (b[0] & 0xE0) == 0x20 ? null : "a reserved IPv6 address";
    }

    private static string? Embedded(ReadOnlySpan<byte> v4) => ClassifyV4(v4) is { } reason ? reason + " embedded in an IPv6 address" : null;
}
