using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;

namespace Nanogate.Playground;

/// <summary>
/// A tiny server-side include, so the parts the pages share (the head, the header) are written
/// once. A line <c>&lt;!--#include file="_header.html" name="value" … --&gt;</c> is replaced by that
/// file, indented like the line, with each <c>{{name}}</c> in it replaced by its value as written
/// (values are the pages' own markup, not user input). <c>current="/docs"</c> marks the included
/// link to that URL with <c>aria-current="page"</c>. Includes do not nest. A missing file or
/// value, an unused value or an unknown directive throws, so a broken page never reaches a browser.
/// </summary>
internal static partial class PageIncludes
{
    private const string Current = "current";

    [GeneratedRegex("""^(?<indent>[ \t]*)<!--#include file="(?<file>[^"]+)"(?<args>(?:\s+[\w-]+="[^"]*")*)\s*-->[ \t]*\r?$""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex IncludeLine();

    [GeneratedRegex("""(?<name>[\w-]+)="(?<value>[^"]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Argument();

    [GeneratedRegex(@"\{\{(?<name>[\w-]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>The page <paramref name="file"/> with its includes expanded; null when there is no such file.</summary>
    public static string? Expand(IFileProvider files, string file)
    {
        var page = Read(files, file);
        if (page is null)
        {
            return null;
        }

        var expanded = IncludeLine().Replace(page, line => Include(files, file, line));
        if (expanded.Contains("<!--#", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{file}: a <!--# directive that is not a whole-line include");
        }

        return expanded;
    }

    private static string Include(IFileProvider files, string page, Match line)
    {
        var name = line.Groups["file"].Value;
        var text = Read(files, name) ?? throw new InvalidOperationException($"{page}: no file {name} to include");
        if (text.Contains("<!--#", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{page}: {name} has a directive of its own (includes do not nest)");
        }

        var values = Argument().Matches(line.Groups["args"].Value)
            .ToDictionary(a => a.Groups["name"].Value, a => a.Groups["value"].Value, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        text = Placeholder().Replace(text, p =>
        {
            var key = p.Groups["name"].Value;
            if (!values.TryGetValue(key, out var value))
            {
                throw new InvalidOperationException($"{page}: the include of {name} gives no {key}=\"…\"");
            }

            used.Add(key);
            return value;
        });

        if (values.TryGetValue(Current, out var url))
        {
            var link = $"<a href=\"{url}\"";
            var at = text.IndexOf(link, StringComparison.Ordinal);
            if (at < 0 || text.IndexOf(link, at + 1, StringComparison.Ordinal) >= 0)
            {
                throw new InvalidOperationException($"{page}: {name} has not exactly one {link}> for current=\"{url}\"");
            }

            text = text.Insert(at + link.Length, " aria-current=\"page\"");
            used.Add(Current);
        }

        var unused = values.Keys.Where(k => !used.Contains(k)).ToList();
        if (unused.Count > 0)
        {
            throw new InvalidOperationException($"{page}: {name} has no place for {string.Join(", ", unused)}");
        }

        var indent = line.Groups["indent"].Value;
        var lines = text.TrimEnd('\r', '\n').Split('\n').Select(l => l.Length == 0 ? l : indent + l.TrimEnd('\r'));
        return string.Join('\n', lines);
    }

    private static string? Read(IFileProvider files, string file)
    {
        var info = files.GetFileInfo(file);
        if (!info.Exists)
        {
            return null;
        }

        using var reader = new StreamReader(info.CreateReadStream(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
