using System.CommandLine;
using Microsoft.Extensions.Options;
using Nanogate.Media;
using Nanogate.Storage;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// <c>check-config</c>: validates every setting the way <c>serve</c> would at start, then checks that the database
/// answers and the media store takes a write, and prints what the server would use. Changes nothing.
/// </summary>
internal static class CheckConfigCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var command = new Command("check-config", "Validate the configuration, reach the database and the media store, and print what serve would use; changes nothing.");
        command.SetAction(CommandActions.Guarded(context, async (_, ct) =>
        {
            await using var host = await context.OpenAsync(migrate: false, ct).ConfigureAwait(false);
            var configuration = host.Configuration;
            var storage = host.Get<IOptions<StorageOptions>>().Value;
            var media = host.Get<IOptions<MediaOptions>>().Value;
            var output = context.Output;
            await output.WriteLineAsync("Configuration: valid").ConfigureAwait(false);
            await output.WriteLineAsync($"Listen:        {configuration["urls"] ?? "http://localhost:8080"}").ConfigureAwait(false);
            await output.WriteLineAsync($"Public URL:    {(configuration["Server:PublicBaseUrl"] is { Length: > 0 } url ? url : "(not set: links use the listening address)")}").ConfigureAwait(false);

            var database = host.Get<IStorage>();
            try
            {
                await database.PingAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new CommandFailedException($"the database at {database.Location} does not answer: {CommandErrors.OneLine(e.Message)}", ExitCodes.Storage);
            }

            await output.WriteLineAsync($"Database:      {storage.Provider} at {database.Location}: answers").ConfigureAwait(false);
            try
            {
                await host.Get<IMediaStore>().CheckWritableAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new CommandFailedException($"the media store cannot be written: {CommandErrors.OneLine(e.Message)}", ExitCodes.Storage);
            }

            var where = string.Equals(media.Provider, "s3", StringComparison.OrdinalIgnoreCase)
                ? $"s3 bucket {configuration["Media:S3:Bucket"]}"
                : $"files in {media.FilesDirectory(storage.DataDirectory)}";
            await output.WriteLineAsync($"Media:         {where}: writable").ConfigureAwait(false);
            await output.WriteLineAsync($"Key ring:      {KeyRing.Directory(configuration)}").ConfigureAwait(false);
            var configured = host.Get<ChannelKinds>().FromConfiguration(configuration);
            var channels = configured.Count == 0 ? "none from configuration" : string.Join(", ", configured.Select(c => $"{c.Name} ({c.Kind})"));
            await output.WriteLineAsync($"Upstream:      {channels}, plus channels stored by the admin console").ConfigureAwait(false);
            await output.WriteLineAsync($"Admin key:     {(string.IsNullOrWhiteSpace(configuration["Admin:ApiKey"]) ? "stored (hashed) in the database; reset-admin-key replaces it" : "set by configuration (Admin:ApiKey)")}").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
