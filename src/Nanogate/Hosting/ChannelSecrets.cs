using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Hosting;

/// <summary>
/// Encrypts channel credentials for storage with ASP.NET Core Data Protection (authenticated encryption, keys
/// rotated by the framework, the key ring under <c>DataProtection:KeysDirectory</c>, by default
/// <c>{Storage:DataDirectory}/keys</c>). Every process sharing a database must share the key ring.
/// </summary>
internal sealed class ChannelSecrets(IDataProtectionProvider provider)
{
    private const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("Nanogate.Channels.Credentials.v1");

    /// <summary>The stored form: <c>dp1:</c> and the protected JSON of the credentials.</summary>
    public string Protect(ChannelCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var json = new JsonObject
        {
            ["keys"] = new JsonArray([.. credentials.Keys.Select(k => (JsonNode)new JsonObject { ["key"] = k.Key, ["project"] = k.Project })]),
            ["service_account"] = credentials.ServiceAccountJson,
        };
        return Prefix + _protector.Protect(json.ToJsonString());
    }

    /// <summary>The credentials of a stored channel; a value stored before encryption existed is one plain API key.</summary>
    /// <exception cref="CryptographicException">The key ring that protected it is not this process's (see docs/channels.md).</exception>
    public ChannelCredentials Unprotect(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return stored.Length == 0 ? ChannelCredentials.None : new ChannelCredentials([new ChannelKey(stored)]);
        }

        var json = JsonNode.Parse(_protector.Unprotect(stored[Prefix.Length..]))!.AsObject();
        var keys = json["keys"]?.AsArray().OfType<JsonObject>()
            .Select(k => new ChannelKey(k["key"]!.GetValue<string>(), k["project"]?.GetValue<string>()))
            .ToList() ?? [];
        return new ChannelCredentials(keys, json["service_account"]?.GetValue<string>());
    }

    /// <summary>Whether a stored value is readable by this process's key ring.</summary>
    public bool CanRead(string stored)
    {
        try
        {
            Unprotect(stored);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return false;
        }
    }
}
