namespace Nanogate.Bench;

/// <summary>A gateway measured beside "nanogate": other settings, environment variables or another build.</summary>
internal sealed record Variant(string Name, string? Dll, string[] Settings, Dictionary<string, string> Environment)
{
    public string Description =>
        string.Join(", ", Settings.Concat(Environment.Select(e => $"{e.Key}={e.Value}")).Concat(Dll is null ? [] : ["build " + Dll]));

    /// <summary>NAME:ITEM,ITEM where an item is --Section:Key=value, ENV=VALUE or dll=PATH.</summary>
    public static Variant Parse(string value)
    {
        var colon = value.IndexOf(':');
        if (colon <= 0 || value[..colon].Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw new ArgumentException($"--variant takes NAME:ITEM,ITEM (NAME of letters, digits and '-'), not {value}.");
        }

        string? dll = null;
        var settings = new List<string>();
        var environment = new Dictionary<string, string>();
        foreach (var item in value[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item.StartsWith("--", StringComparison.Ordinal))
            {
                settings.Add(item);
            }
            else if (item.StartsWith("dll=", StringComparison.Ordinal))
            {
                dll = Path.GetFullPath(item[4..]);
                if (!File.Exists(dll))
                {
                    throw new ArgumentException($"--variant {value[..colon]}: no build at {dll}.");
                }
            }
            else if (item.IndexOf('=') is var eq and > 0)
            {
                environment[item[..eq]] = item[(eq + 1)..];
            }
            else
            {
                throw new ArgumentException($"--variant {value[..colon]}: {item} is neither --Section:Key=value, NAME=VALUE nor dll=PATH.");
            }
        }

        return new Variant(value[..colon], dll, [.. settings], environment);
    }
}
