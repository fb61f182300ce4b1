namespace Nanogate.Hosting.Commands;

/// <summary>Wraps a command's work so that any failure prints one line (never a stack trace) and sets the exit code.</summary>
internal static class CommandActions
{
    /// <summary>The action for System.CommandLine: runs <paramref name="work"/>, reporting failures on <see cref="CommandContext.Error"/>.</summary>
    public static Func<System.CommandLine.ParseResult, CancellationToken, Task<int>> Guarded(
        CommandContext context, Func<System.CommandLine.ParseResult, CancellationToken, Task<int>> work) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                return await work(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var (line, code) = CommandErrors.Describe(e, []);
                await context.Error.WriteLineAsync($"{Path(parse.CommandResult)}: {line}").ConfigureAwait(false);
                return code;
            }
        };

    // "credits add", not "add": the names from the root's child down to the command that ran.
    private static string Path(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent)
        {
            names.Insert(0, r.Command.Name);
        }

        return names.Count > 0 ? string.Join(' ', names) : result.Command.Name;
    }
}
