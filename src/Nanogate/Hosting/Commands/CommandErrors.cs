using System.Data.Common;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Nanogate.Storage.Backup;
using Nanogate.Storage.Transfer;

namespace Nanogate.Hosting.Commands;

/// <summary>Turns what a command or the server's start threw into the one line an operator reads, and an exit code.</summary>
internal static class CommandErrors
{
    /// <summary>The line (no stack trace, no line breaks) and the exit code for <paramref name="error"/>.</summary>
    public static (string Line, int ExitCode) Describe(Exception error, IReadOnlyList<string> urls)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (line, code) = error switch
        {
            CommandFailedException e => (e.Message, e.ExitCode),
            OptionsValidationException e => ("invalid configuration: " + string.Join(" ", e.Failures), ExitCodes.Configuration),
            InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
                ($"invalid configuration: {e.Message} {e.InnerException?.Message}", ExitCodes.Configuration),
            _ when Find<AddressInUseException>(error) is not null =>
                ($"cannot listen on {Urls(urls)}: the port is already in use (is another Nanogate running?). Stop it, or choose another port, e.g. --urls=http://localhost:8081.", ExitCodes.CannotListen),
            _ when Find<SocketException>(error) is { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.AccessDenied } s =>
                ($"cannot listen on {Urls(urls)}: {s.Message}. Give an address of this machine, and a port above 1023 unless running with the right to bind it.", ExitCodes.CannotListen),
            StorageBackupNotSupportedException e => (e.Message, ExitCodes.Failed),
            StorageTransferException e => (e.Message, ExitCodes.Failed),
            _ when Find<UnauthorizedAccessException>(error) is { } e =>
                ($"cannot write where Nanogate keeps its data: {e.Message} Give the user running Nanogate write access, or choose another folder with --Storage:DataDirectory=DIR.", ExitCodes.Storage),
            _ when Find<DbException>(error) is { } e => ($"database error: {e.Message}", ExitCodes.Storage),
            IOException e => ($"file error: {e.Message}", ExitCodes.Storage),
            OperationCanceledException => ("canceled.", ExitCodes.Failed),
            _ => ($"unexpected error ({error.GetType().Name}): {error.Message}", ExitCodes.Failed),
        };
        return (OneLine(line), code);
    }

    /// <summary>Collapses line breaks so a message prints as one line.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Urls(IReadOnlyList<string> urls) => urls.Count == 0 ? "http://localhost:8080" : string.Join(", ", urls);

    private static T? Find<T>(Exception error)
        where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                return aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(f => f is not null);
            }
        }

        return null;
    }
}
