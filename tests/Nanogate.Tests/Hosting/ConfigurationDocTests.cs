using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Nanogate.Tests.Hosting;

/// <summary>
/// docs/configuration.md against the options classes: every bound key is documented, with its environment-variable
/// name and the default the class really has; a new options class must be added here (and so to the document).
/// </summary>
public sealed partial class ConfigurationDocTests
{
    // The configuration section each options class is bound to (NanogateApp and the media registrations).
    private static readonly Dictionary<Type, string> Sections = new()
    {
        [typeof(Nanogate.Storage.StorageOptions)] = "Storage",
        [typeof(Nanogate.Hosting.AdminOptions)] = "Admin",
        [typeof(Nanogate.Hosting.ServerOptions)] = "Server",
        [typeof(Nanogate.Billing.HoldOptions)] = "Billing",
        [typeof(Nanogate.Operations.RetentionOptions)] = "Retention",
        [typeof(Nanogate.Hosting.BootstrapOptions)] = "Bootstrap",
        [typeof(Nanogate.Hosting.UpstreamOptions)] = "Upstreams",
        [typeof(Nanogate.Hosting.LimitsOptions)] = "Limits",
        [typeof(Nanogate.Upstreams.Simulator.SimulatorOptions)] = "Simulator",
        [typeof(Nanogate.Hosting.SecurityOptions)] = "Security",
        [typeof(Nanogate.Tasks.TasksOptions)] = "Tasks",
        [typeof(Nanogate.Webhooks.WebhookOptions)] = "Webhooks",
        [typeof(Nanogate.Media.MediaOptions)] = "Media",
        [typeof(Nanogate.Media.S3.S3MediaOptions)] = "Media:S3",
        [typeof(Nanogate.Operations.TelemetryOptions)] = "Telemetry",
    };

    [Fact]
    public void Every_options_class_the_server_validates_has_a_known_section()
    {
        var services = new List<ServiceDescriptor>();
        var app = NanogateApp.Build(["--Media:Provider=s3", "--Media:S3:Bucket=b"], builder => services.AddRange(builder.Services));
        var validated = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Nanogate", StringComparison.Ordinal) == true)
            .Distinct()
            .ToList();
        Assert.NotEmpty(validated);
        var unknown = validated.Where(t => !Sections.ContainsKey(t)).Select(t => t.FullName).ToList();
        Assert.True(unknown.Count == 0, $"Options classes without a section here (add them, and their keys to docs/configuration.md): {string.Join(", ", unknown)}");
        _ = app;
    }

    [Fact]
    public void Every_key_is_documented_with_its_environment_name_and_its_real_default()
    {
        var document = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        var rows = RowPattern().Matches(document).ToDictionary(m => m.Groups["key"].Value, m => (Env: m.Groups["env"].Value, Default: m.Groups["default"].Value.Trim()));
        var problems = new List<string>();
        var missing = new StringBuilder();
        foreach (var (type, section) in Sections)
        {
            foreach (var (key, value) in Keys(section, Activator.CreateInstance(type, nonPublic: true)!))
            {
                var env = key.Replace(":", "__", StringComparison.Ordinal);
                var expected = value;
                if (!rows.TryGetValue(key, out var row))
                {
                    missing.AppendLine(CultureInfo.InvariantCulture, $"| `{key}` | `{env}` | {expected} | |");
                    continue;
                }

                if (row.Env != env)
                {
                    problems.Add($"{key}: environment name documented as {row.Env}, is {env}");
                }

                if (row.Default != expected)
                {
                    problems.Add($"{key}: default documented as {row.Default}, is {expected}");
                }
            }
        }

        Assert.True(missing.Length == 0, "Undocumented keys; add these rows to docs/configuration.md with their meaning:\n" + missing);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static IEnumerable<(string Key, string Default)> Keys(string prefix, object instance)
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var key = prefix + ":" + property.Name;
            var value = property.GetValue(instance);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || typeof(IEnumerable).IsAssignableFrom(type))
            {
                yield return (key, Format(value));
            }
            else if (value is not null)
            {
                foreach (var nested in Keys(key, value))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "(none)",
        string { Length: 0 } => "(none)",
        string s => $"`{s}`",
        bool b => b ? "`true`" : "`false`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IEnumerable e => e.Cast<object>().Any() ? $"`{string.Join(",", e.Cast<object>())}`" : "(none)",
        _ => $"`{value}`",
    };

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nanogate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (Nanogate.slnx) is not above the test assembly.");
    }

    // | `Key` | `Env__Name` | default | meaning |
    [GeneratedRegex(@"^\|\s*`(?<key>[A-Za-z0-9:]+)`\s*\|\s*`(?<env>[A-Za-z0-9_]+)`\s*\|(?<default>[^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex RowPattern();
}
