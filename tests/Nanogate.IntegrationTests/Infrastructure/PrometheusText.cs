using System.Globalization;
using System.Text;

namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4 (no .NET parser is published): every line is a
/// <c># HELP</c>, a <c># TYPE</c> or a sample <c>name{label="value",…} number [timestamp]</c>; anything else throws, so
/// a malformed exposition fails the test that reads it. Sample names must belong to a family declared by a TYPE line.
/// </summary>
public sealed class PrometheusText
{
    private readonly List<Sample> _samples = [];
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    private PrometheusText()
    {
    }

    public IReadOnlyList<Sample> Samples => _samples;

    public IReadOnlyDictionary<string, string> Types => _types;

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                if (parts.Length != 2 || parts[1] is not ("counter" or "gauge" or "histogram" or "summary" or "untyped") || !IsName(parts[0]))
                {
                    throw new FormatException($"line {lineNumber}: bad TYPE line: {line}");
                }

                result._types[parts[0]] = parts[1];
            }
            else if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# EOF", StringComparison.Ordinal))
            {
                continue;
            }
            else if (line.StartsWith('#'))
            {
                continue;
            }
            else
            {
                result._samples.Add(ParseSample(line, lineNumber));
            }
        }

        foreach (var sample in result._samples)
        {
            var family = sample.Name;
            foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            {
                if (!result._types.ContainsKey(family) && family.EndsWith(suffix, StringComparison.Ordinal))
                {
                    family = family[..^suffix.Length];
                }
            }

            if (!result._types.ContainsKey(family))
            {
                throw new FormatException($"sample {sample.Name} has no TYPE line");
            }
        }

        return result;
    }

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels include all of <paramref name="labels"/>; null when none.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels)
    {
        var matching = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return matching.Count switch
        {
            0 => null,
            1 => matching[0].Value,
            _ => throw new InvalidOperationException($"{matching.Count} samples of {name} match {string.Join(",", labels)}"),
        };
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        if (!IsName(name))
        {
            throw new FormatException($"line {lineNumber}: bad metric name '{name}'");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                if (!IsName(key) || line[eq + 1] != '"')
                {
                    throw new FormatException($"line {lineNumber}: bad label in {line}");
                }

                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new FormatException($"line {lineNumber}: bad escape") });
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                if (!labels.TryAdd(key, value.ToString()))
                {
                    throw new FormatException($"line {lineNumber}: label {key} twice");
                }

                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var rest = line[i..].Trim().Split(' ');
        if (rest.Length is < 1 or > 2 || !TryNumber(rest[0], out var number) || (rest.Length == 2 && !long.TryParse(rest[1], CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"line {lineNumber}: bad value in {line}");
        }

        return new Sample(name, labels, number);
    }

    private static bool TryNumber(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
