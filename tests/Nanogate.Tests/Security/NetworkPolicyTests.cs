using System.Net;
using Nanogate.Security;

namespace Nanogate.Tests.Security;

public sealed class NetworkPolicyTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.1")]
    [InlineData("198.18.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:0:127.0.0.1")]
    [InlineData("64:ff9b::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b::192.168.1.1")]
    [InlineData("64:ff9b:1::1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    [InlineData("2001:db8::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("febf::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("100::1")]
    [InlineData("::2:0:0:1")]
    public void Refuses_non_public_addresses(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.False(NetworkPolicy.IsAllowed(ip));
        Assert.NotNull(NetworkPolicy.Classify(ip));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.216.34")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("169.253.1.1")]
    [InlineData("192.167.1.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("2002:0808:0808::1")]
    public void Allows_public_unicast_addresses(string address) => Assert.True(NetworkPolicy.IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void Metadata_address_is_named_as_link_local() =>
        Assert.Contains("link-local", NetworkPolicy.Classify(IPAddress.Parse("169.254.169.254")), StringComparison.Ordinal);

    [Fact]
    public void Mapped_loopback_is_named_by_its_embedded_address() =>
        Assert.Equal("a loopback address embedded in an IPv6 address", NetworkPolicy.Classify(IPAddress.Parse("::ffff:127.0.0.1")));

    [Theory]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://017700000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    public void Odd_spellings_of_loopback_parse_to_a_refused_address(string url)
    {
        var uri = new Uri(url);
        Assert.True(uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6, $"{url} parsed as {uri.HostNameType} '{uri.IdnHost}'");
        Assert.False(NetworkPolicy.IsAllowed(IPAddress.Parse(uri.IdnHost.Trim('[', ']'))));
    }
}
