using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Nanogate.Media;
using Nanogate.Storage.Media;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// <c>purge-media</c>: deletes now what the media sweeper would delete on its next rounds: images whose links have
/// expired, and bytes with no row older than <c>Media:OrphanGraceMinutes</c> (left by a crash mid-write).
/// </summary>
internal static class PurgeMediaCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var command = new Command("purge-media", "Delete expired images and orphaned media bytes now, instead of waiting for the sweeper (safe while servers run).");
        command.SetAction(CommandActions.Guarded(context, async (_, ct) =>
        {
            await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
            var store = host.Get<IMediaStore>();
            var time = host.Get<TimeProvider>();
            int purged = 0, batch;
            do
            {
                batch = await store.PurgeExpiredAsync(time.GetUtcNow(), ct).ConfigureAwait(false);
                purged += batch;
            }
            while (batch >= IMediaIndex.ExpiredBatch);

            var grace = TimeSpan.FromMinutes(host.Get<IOptions<MediaOptions>>().Value.OrphanGraceMinutes);
            var orphans = await store.SweepOrphansAsync(time.GetUtcNow() - grace, ct).ConfigureAwait(false);
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Purged {purged} expired image(s) and {orphans} orphaned file(s) (bytes without a row, older than {grace.TotalMinutes:0} minutes).")).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
