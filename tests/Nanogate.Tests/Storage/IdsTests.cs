using System.Text.RegularExpressions;
using Nanogate.Storage;

namespace Nanogate.Tests.Storage;

/// <summary>The id formats: a prefix and base62 characters (request ids from the fast generator, the rest from the cryptographic one).</summary>
public sealed partial class IdsTests
{
    [Fact]
    public void Request_ids_are_req_and_20_evenly_drawn_base62_characters_and_do_not_repeat()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100_000; i++)
        {
            var id = Ids.NewRequestId();
            Assert.Matches(RequestId(), id);
            Assert.True(seen.Add(id), $"{id} came twice");
        }

        // Every character of the alphabet turns up about as often as the others: 2,000,000 characters, 32,258 expected
        // each (one standard deviation is 0.55 %; a remainder of random bytes would give the first 8 characters 25 %
        // more than the rest).
        var counts = seen.SelectMany(id => id[4..]).CountBy(c => c).ToList();
        Assert.Equal(62, counts.Count);
        Assert.All(counts, c => Assert.InRange(c.Value, 2_000_000 / 62 * 95 / 100, 2_000_000 / 62 * 105 / 100));
    }

    [Fact]
    public void Every_length_and_prefix_is_kept()
    {
        Assert.Matches("^task_[0-9a-zA-Z]{20}$", Ids.New("task_"));
        Assert.Matches("^msg_[0-9a-zA-Z]{24}$", Ids.New("msg_", 24));
        Assert.Matches("^sk-[0-9a-zA-Z]{48}$", Ids.NewApiKey());
    }

    [GeneratedRegex("^req_[0-9a-zA-Z]{20}$")]
    private static partial Regex RequestId();
}
